"""法院电子送达 over the network: the simulated court signs and pushes an order to our node."""

import json

import pytest
from django.test import Client

from bdcdj.cases.models import Case
from bdcdj.sharing import signing
from bdcdj.sharing.client import key_for
from bdcdj.sharing.models import CourtOrder
from bdcdj.sharing.services import sharing_setup

URL = "/api/sharing/v1/court-orders"


def _order(sim, demo, order_no: str, **extra) -> None:
    name, number = demo.holders[0]
    sim.records(
        "court_order",
        [
            {
                "order_no": order_no,
                "kind": extra.pop("kind", "seize"),
                "court": "长丰县人民法院",
                "document_number": extra.pop("document_number", f"（2026）皖0121执{order_no[-3:]}号"),
                "payload": {
                    "unit_codes": [demo.unit_code],
                    "persons": [{"name": name, "id_number": number}],
                    "start": "2026-02-01",
                    "end": "2029-01-31",
                    "scope": "房屋及土地使用权",
                    **extra,
                },
            }
        ],
    )


@pytest.fixture
def live(live_server, simulator, demo):
    simulator.control("reset", {})
    sharing_setup(base_url=simulator.url, repoint=True)
    return live_server.url + URL


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_pushed_order_creates_exactly_one_seizure_case(live, simulator, demo):
    _order(simulator, demo, "FY340121-2026-101")
    first = simulator.control("push", {"order_no": "FY340121-2026-101", "target": live})["results"]
    again = simulator.control("push", {"order_no": "FY340121-2026-101", "target": live})["results"]
    assert first[0]["status"] == 201 and first[0]["body"]["created"] is True
    assert again[0]["status"] == 200 and again[0]["body"]["created"] is False
    assert "未重复立案" in again[0]["body"]["message"]
    order = CourtOrder.objects.get(order_no="FY340121-2026-101")
    assert Case.objects.filter(business_type="seizure", units__unit_code=demo.unit_code).count() == 1
    case = order.case
    assert case.created_by.username == "court-delivery-340121"
    assert case.data["authority"] == "长丰县人民法院" and case.parties.get().role == "seized_person"
    assert "FY340121-2026-101" in case.data["remarks"]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_replayed_or_tampered_push_is_refused(live, simulator, demo):
    _order(simulator, demo, "FY340121-2026-102")
    tampered = simulator.control("push", {"order_no": "FY340121-2026-102", "target": live, "tamper": True})
    assert tampered["results"][0]["status"] == 403 and "验签失败" in tampered["results"][0]["body"]["message"]
    assert not CourtOrder.objects.exists()
    replay = simulator.control("push", {"order_no": "FY340121-2026-102", "target": live, "repeat": 2})[
        "results"
    ]
    assert [r["status"] for r in replay] == [201, 409]
    assert "重复的请求" in replay[1]["body"]["message"]
    assert CourtOrder.objects.count() == 1


@pytest.mark.django_db
def test_release_order_targets_the_current_seizure(sim, demo):
    from bdcdj.register.models import Right

    seizure = (
        Right.objects.filter(kind="seizure", status="1").select_related("unit", "seizure_detail").first()
    )
    order = {
        "order_no": "FY340121-2026-201",
        "kind": "release",
        "court": "长丰县人民法院",
        "document_number": "（2026）皖0121执恢1号",
        "unit_codes": [seizure.unit.code],
        "target_document": seizure.seizure_detail.document_number,
    }
    response = _post_signed(order)
    assert response.status_code == 201, response.json()
    case = CourtOrder.objects.get(order_no="FY340121-2026-201").case
    assert case.business_type == "seizure_release" and case.data["target_right_id"] == seizure.pk


@pytest.mark.django_db
def test_second_seizure_of_a_seized_unit_queues(sim, demo):
    from bdcdj.register.models import Right

    seized = Right.objects.filter(kind="seizure", status="1").select_related("unit").first().unit.code
    order = {
        "order_no": "FY340121-2026-202",
        "kind": "seize",
        "court": "长丰县人民法院",
        "document_number": "（2026）皖0121执9号",
        "unit_codes": [seized],
    }
    assert _post_signed(order).status_code == 201
    assert CourtOrder.objects.get(order_no="FY340121-2026-202").case.business_type == "seizure_queue"


def _post_signed(order: dict, *, department: str = "court"):
    body = json.dumps(order, ensure_ascii=False).encode()
    headers = signing.sign_request(
        key=key_for(department), method="POST", path=URL, body=body, department=department
    )
    return Client().post(URL, data=body, content_type="application/json", headers=headers)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("order", "field"),
    [
        (
            {
                "order_no": "X1",
                "kind": "freeze",
                "court": "法院",
                "document_number": "文号",
                "unit_codes": ["3" * 28],
            },
            "kind",
        ),
        (
            {
                "order_no": "X2",
                "kind": "seize",
                "court": "法院",
                "document_number": "文号",
                "unit_codes": ["短"],
            },
            "unit_codes",
        ),
        (
            {
                "order_no": "",
                "kind": "seize",
                "court": "法院",
                "document_number": "文号",
                "unit_codes": ["3" * 28],
            },
            "order_no",
        ),
        (
            {
                "order_no": "X3",
                "kind": "release",
                "court": "法院",
                "document_number": "文号",
                "unit_codes": ["3" * 28],
            },
            "target_document",
        ),
        (
            {
                "order_no": "X4",
                "kind": "seize",
                "court": "法院",
                "document_number": "文号",
                "unit_codes": ["9" * 28],
            },
            "unit_codes",
        ),
    ],
)
def test_bad_orders_get_400_with_chinese_messages(sim, demo, order, field):
    response = _post_signed(order)
    assert response.status_code == 400
    body = response.json()
    assert field in body["fields"] and body["message"].startswith("输入有误")
    assert not CourtOrder.objects.exists()


@pytest.mark.django_db
def test_unknown_department_and_unsigned_posts_are_refused(sim, demo):
    order = {
        "order_no": "X5",
        "kind": "seize",
        "court": "法院",
        "document_number": "文号",
        "unit_codes": ["3" * 28],
    }
    assert _post_signed(order, department="police").status_code == 403
    response = Client().post(URL, data=json.dumps(order), content_type="application/json")
    assert response.status_code == 403 and response.json()["message"] == "未登记或未启用的送达部门"
