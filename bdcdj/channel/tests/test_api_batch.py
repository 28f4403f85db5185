"""Batches through the API: valid items become accepted cases, invalid ones are answered with
field errors and leave nothing; a retried batch creates nothing twice; 交房即交证 groups the
transfer with the buyer's mortgage; cancellations only of the bank's own mortgages."""

from dataclasses import replace

import pytest

from bdcdj.cases.models import Case, CaseGroup, Material, Stage
from bdcdj.cases.tests.helpers import BANK, BANK2, BUYER, MORTGAGE_DATA, SELLER, Person, titled_house
from bdcdj.channel.models import ChannelItem
from bdcdj.channel.tests.conftest import (
    CANCEL_MATERIALS,
    TRANSFER_MATERIALS,
    api,
    materials,
    mortgage_item,
)
from bdcdj.register.models import PartyRole, Right, Unit
from bdcdj.register.services import record
from bdcdj.register.tests import factories as f

pytestmark = pytest.mark.django_db


def _mortgage(registrar, unit: Unit, bank: Person, number: str) -> Right:
    item = f.mortgage(unit, mortgagee=bank.spec(PartyRole.MORTGAGEE), mortgagor=SELLER.spec(PartyRole.HOLDER))
    return record(item=replace(item, certificate_number=number), by=registrar).rights_created[0]


def test_mixed_batch_creates_only_the_valid_items(world, client):
    (unit, _title), (unit2, _t2) = titled_house(world.registrar, households=2)
    data_missing = {k: v for k, v in MORTGAGE_DATA.items() if k != "guarantee_scope"}
    bad_id = [{"name": SELLER.name, "id_type": "1", "id_number": "340121199001011231"}]
    batch = {
        "items": [
            mortgage_item("ok-1", unit.code),
            mortgage_item("bad-unit", "340121001001GB99999F00010001"),
            mortgage_item("bad-data", unit2.code, data=data_missing),
            mortgage_item("bad-id", unit2.code, mortgagors=bad_id),
            mortgage_item("no-materials", unit2.code, materials=[]),
            "not an object",
        ]
    }
    response = api(client, "POST", "/mortgages", world.bank_token, batch)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["existing"], body["invalid"]) == (1, 0, 5)
    items = {i["idempotency_key"]: i for i in body["items"]}
    assert items["ok-1"]["status"] == "created"
    assert "unit_codes[0]" in items["bad-unit"]["fields"]
    assert (
        items["bad-data"]["fields"] == {"data.guarantee_scope": "担保范围必填"}
        or "data.guarantee_scope" in items["bad-data"]["fields"]
    )
    assert "mortgagors[0].id_number" in items["bad-id"]["fields"]
    assert items["no-materials"]["code"] == "materials_missing"
    assert body["items"][5]["fields"] == {"idempotency_key": "格式有误"}
    # nothing of the invalid items remains: one case, its materials only
    case = Case.objects.get()
    assert case.number == items["ok-1"]["case_number"]
    assert case.stage == Stage.ACCEPTED and case.created_by == world.bank.service_user
    assert Material.objects.count() == 4
    assert ChannelItem.objects.count() == 1
    assert case.parties.get(role="mortgagee").name_masked == world.bank.organisation.name


def test_retried_batch_creates_nothing_twice(world, client):
    (unit, _title), (unit2, _t2) = titled_house(world.registrar, households=2)
    batch = {"items": [mortgage_item("k-1", unit.code), mortgage_item("k-2", unit2.code)]}
    first = api(client, "POST", "/mortgages", world.bank_token, batch).json()
    second = api(client, "POST", "/mortgages", world.bank_token, batch).json()
    assert first["created"] == 2 and second["created"] == 0 and second["existing"] == 2
    assert [i["case_number"] for i in first["items"]] == [i["case_number"] for i in second["items"]]
    assert Case.objects.count() == 2
    changed = {"items": [mortgage_item("k-1", unit.code, data={**MORTGAGE_DATA, "secured_amount": "99"})]}
    reused = api(client, "POST", "/mortgages", world.bank_token, changed).json()["items"][0]
    assert reused["status"] == "invalid" and reused["code"] == "key_reused"
    assert Case.objects.count() == 2


def test_duplicate_keys_in_one_batch_and_batch_size(world, client, settings):
    (unit, _title), (unit2, _t2) = titled_house(world.registrar, households=2)
    batch = {"items": [mortgage_item("same", unit.code), mortgage_item("same", unit2.code)]}
    body = api(client, "POST", "/mortgages", world.bank_token, batch).json()
    assert [i["status"] for i in body["items"]] == ["created", "invalid"]
    settings.BDCDJ_CHANNEL_BATCH_MAX = 1
    too_many = api(client, "POST", "/mortgages", world.bank_token, batch)
    assert too_many.status_code == 400 and too_many.json()["code"] == "batch_size"


def test_cancellation_of_own_mortgage_only(world, client):
    (unit, _title), (unit2, _t2) = titled_house(world.registrar, households=2)
    own = _mortgage(world.registrar, unit, BANK, "皖(2025)长丰县不动产证明第0000101号")
    other = _mortgage(world.registrar, unit2, BANK2, "皖(2025)长丰县不动产证明第0000102号")
    items = [
        {
            "idempotency_key": "c-1",
            "unit_code": unit.code,
            "proof_number": own.certificate_number,
            "materials": materials(CANCEL_MATERIALS),
        },
        {
            "idempotency_key": "c-2",
            "unit_code": unit2.code,
            "proof_number": other.certificate_number,
            "materials": materials(CANCEL_MATERIALS),
        },
        {
            "idempotency_key": "c-3",
            "unit_code": unit.code,
            "proof_number": "不存在",
            "materials": materials(CANCEL_MATERIALS),
        },
    ]
    body = api(client, "POST", "/mortgage-cancellations", world.bank_token, {"items": items}).json()
    assert [i["status"] for i in body["items"]] == ["created", "invalid", "invalid"]
    assert body["items"][1]["fields"] == {"proof_number": "该抵押权的抵押权人不是本机构"}
    case = Case.objects.get()
    assert case.business_type == "mortgage_cancel" and case.data["target_right_id"] == own.pk


def test_handover_makes_a_transfer_per_household_grouped_with_the_mortgage(world, client):
    from bdcdj.cases.tests.helpers import DEVELOPER

    (unit, _t), (unit2, _t2), (unit3, _t3) = titled_house(world.registrar, owner=DEVELOPER, households=3)
    (foreign, _f) = titled_house(world.registrar, owner=SELLER)[0]
    buyer = [{"name": BUYER.name, "id_type": "1", "id_number": BUYER.id_number}]
    transfer = {"price": "120", "co_ownership": "0"}
    items = [
        {
            "idempotency_key": "h-1",
            "unit_code": unit.code,
            "buyers": buyer,
            "data": transfer,
            "materials": materials(TRANSFER_MATERIALS),
        },
        {
            "idempotency_key": "h-2",
            "unit_code": unit2.code,
            "buyers": buyer,
            "data": transfer,
            "materials": materials(TRANSFER_MATERIALS),
            "mortgage": {
                "mortgagee": {"name": BANK2.name, "credit_code": BANK2.id_number},
                "data": dict(MORTGAGE_DATA),
                "materials": materials(["application", "identity", "certificate", "mortgage_contract"]),
            },
        },
        {
            "idempotency_key": "h-3",
            "unit_code": foreign.code,
            "buyers": buyer,
            "data": transfer,
            "materials": materials(TRANSFER_MATERIALS),
        },
        {
            "idempotency_key": "h-4",
            "unit_code": unit3.code,
            "buyers": buyer,
            "data": transfer,
            "materials": materials(TRANSFER_MATERIALS),
            "mortgage": {
                "mortgagee": {"name": BANK2.name, "credit_code": BANK2.id_number},
                "data": {"method": "1"},
                "materials": [],
            },
        },
    ]
    body = api(
        client, "POST", "/handovers", world.developer_token, {"project": "双凤苑", "items": items}
    ).json()
    by_key = {i["idempotency_key"]: i for i in body["items"]}
    assert by_key["h-1"]["status"] == "created" and not by_key["h-1"]["mortgage_case_number"]
    assert by_key["h-2"]["status"] == "created", str(by_key["h-2"]["fields"]) + by_key["h-2"]["message"]
    assert by_key["h-2"]["mortgage_case_number"]
    assert by_key["h-3"]["fields"] == {"unit_code": "该单元的现登记权利人不是本机构"}
    assert by_key["h-4"]["status"] == "invalid"
    assert any(k.startswith("mortgage.data.") for k in by_key["h-4"]["fields"])
    group = CaseGroup.objects.get()
    members = list(group.cases.order_by("group_order"))
    assert [m.business_type for m in members] == ["house_transfer_sale", "mortgage_first"]
    assert all(m.stage == Stage.ACCEPTED for m in members)
    assert Case.objects.count() == 3
    status = api(client, "GET", "/items/h-2", world.developer_token).json()
    assert status["case"]["number"] == members[0].number
    assert status["mortgage_case"]["number"] == members[1].number


def test_status_query_reports_progress_and_payment(world, client):
    unit, _title = titled_house(world.registrar)[0]
    api(client, "POST", "/mortgages", world.bank_token, {"items": [mortgage_item("s-1", unit.code)]})
    body = api(client, "GET", "/items/s-1", world.bank_token).json()
    case = body["case"]
    assert case["stage"] == "accepted" and case["payment_total"] == "80.00" and case["paid"] is False
    assert case["payment_status"] == "待缴费" and case["certificates"] == []
    assert api(client, "GET", "/items/unknown", world.bank_token).status_code == 404
    # another institution does not see it
    assert api(client, "GET", "/items/s-1", world.developer_token).status_code == 404
    listing = api(client, "GET", "/items", world.bank_token).json()
    assert listing["total"] == 1 and listing["items"][0]["idempotency_key"] == "s-1"
