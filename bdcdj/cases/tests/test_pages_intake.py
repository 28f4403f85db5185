"""收件 pages: the form of the chosen business type (custom fields too), the unit picker on
the register search, party rows, the service's messages next to the fields, and 一并申请."""

import re

import pytest
from django.test import Client

from bdcdj.cases.models import Case, CaseGroup
from bdcdj.cases.services import workflow_publish
from bdcdj.cases.tests import helpers as h
from bdcdj.cases.workflows import default_definition

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(staff) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(staff.clerk)
    return client


@pytest.fixture
def unit(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    return unit


def _party(index: int, person: h.Person, role: str, prefix: str = "") -> dict[str, str]:
    return {
        f"{prefix}party-{index}-role": role,
        f"{prefix}party-{index}-name": person.name,
        f"{prefix}party-{index}-party_type": person.party_type,
        f"{prefix}party-{index}-id_type": person.id_type,
        f"{prefix}party-{index}-id_number": person.id_number,
    }


def _sale_form(unit, **changes) -> dict[str, object]:
    return {
        "region_code": h.REGION,
        "business_type": "house_transfer_sale",
        "prev_type": "house_transfer_sale",
        "unit_codes": [unit.code],
        "data-price": "120",
        **_party(0, h.BUYER, "holder"),
        **_party(1, h.SELLER, "obligor"),
        **changes,
    }


def _errors(html: str) -> list[str]:
    return re.findall(r'<span class="error">([^<]+)</span>', html)


def test_choosing_a_business_type_renders_its_fields_and_parties(clerk):
    empty = clerk.get("/cases/new/").content.decode()
    assert "请先选择业务类型" in empty and '<optgroup label="抵押权">' in empty
    response = clerk.post(
        "/cases/new/",
        {"region_code": h.REGION, "business_type": "mortgage_first", "prev_type": "", "op": "refresh"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    for label in ("抵押方式", "担保范围", "债务履行起始日期", "一般抵押", "最高额抵押"):
        assert label in html
    roles = re.findall(r'name="party-\d+-role">.*?selected>([^<]+)<', html)
    assert roles == ["抵押权人", "抵押人"]


def test_unit_picker_searches_the_register_and_keeps_chips(clerk, unit):
    location = unit.location[-8:]
    found = clerk.post(
        "/cases/new/", _sale_form(unit, unit_codes=[], unit_q=location, op="search"), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'value="add_unit:{unit.code}"' in found
    picked = clerk.post(
        "/cases/new/", _sale_form(unit, unit_codes=[], op=f"add_unit:{unit.code}")
    ).content.decode()
    assert f'name="unit_codes" value="{unit.code}"' in picked and unit.location in picked
    by_code = clerk.post("/cases/new/", _sale_form(unit, unit_q=unit.code, op="search")).content.decode()
    assert "已选择" in by_code
    dropped = clerk.post("/cases/new/", _sale_form(unit, op=f"remove_unit:{unit.code}")).content.decode()
    assert 'name="unit_codes"' not in dropped and "尚未选择不动产单元" in dropped


def test_unit_picker_explains_a_too_short_search(clerk, unit):
    html = clerk.post("/cases/new/", _sale_form(unit, unit_q="双", op="search")).content.decode()
    assert "坐落查询至少输入2个字" in html


def test_party_rows_are_added_and_removed(clerk, unit):
    added = clerk.post("/cases/new/", _sale_form(unit, op="add_party:0")).content.decode()
    assert 'name="party-2-name"' in added and h.SELLER.name in added
    removed = clerk.post("/cases/new/", _sale_form(unit, op="remove_party:0:0")).content.decode()
    assert h.BUYER.name not in removed and 'name="party-1-name"' not in removed


def test_missing_values_come_back_next_to_their_fields_in_chinese(clerk, unit):
    form = _sale_form(unit, op="submit")
    form.update({"data-price": "", "party-0-id_number": "340121199202025670", "party-1-name": ""})
    response = clerk.post("/cases/new/", form, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 400 and not Case.objects.exists()
    errors = _errors(html)
    assert "成交价格（万元）必填" in errors
    assert "居民身份证号码格式或校验位有误" in errors and "姓名或名称必填" in errors
    assert 'value="340121199202025670"' in html and h.BUYER.name in html  # entered values are kept


def test_a_case_without_units_is_refused_with_the_message_at_the_picker(clerk, unit):
    html = clerk.post("/cases/new/", _sale_form(unit, unit_codes=[], op="submit")).content.decode()
    assert "须选择至少一个不动产单元" in html


def test_submitting_creates_the_case_and_opens_it(clerk, unit):
    response = clerk.post("/cases/new/", _sale_form(unit, op="submit"), HTTP_HX_REQUEST="true")
    case = Case.objects.get()
    assert response.status_code == 200 and response["HX-Redirect"] == f"/cases/{case.pk}/"
    assert case.business_type == "house_transfer_sale" and case.data == {"price": "120"}
    plain = clerk.post("/cases/new/", _sale_form(unit, op="submit"))
    assert plain.status_code == 302 and plain["Location"].startswith("/cases/")
    page = clerk.get(f"/cases/{case.pk}/").content.decode()
    assert f"已收件，业务号 {case.number}" in page


def test_custom_fields_of_the_district_workflow_are_asked_and_checked(staff, clerk, unit, admin_user):
    definition = default_definition("house_transfer_sale")
    definition["custom_fields"] = [{"code": "loan", "label": "是否贷款", "type": "bool", "required": True}]
    workflow_publish(
        region_code=h.REGION, business_type="house_transfer_sale", definition=definition, by=admin_user
    )
    html = clerk.post("/cases/new/", _sale_form(unit, op="submit")).content.decode()
    assert "是否贷款" in html and "是否贷款必填" in _errors(html)
    clerk.post("/cases/new/", _sale_form(unit, op="submit", **{"data-loan": "false"}))
    assert Case.objects.get().data["loan"] is False


def test_intake_needs_the_write_permission_of_the_accept_page(staff):
    client = Client(raise_request_exception=False)
    client.force_login(staff.reviewer)
    response = client.get("/cases/new/")
    assert response.status_code == 403 and "没有办理该业务的权限" in response.content.decode()


def _combined(unit, **changes) -> dict[str, object]:
    return {
        "region_code": h.REGION,
        "group_name": "二手房转移并抵押",
        "unit_codes": [unit.code],
        "m0-business_type": "house_transfer_sale",
        "m0-prev_type": "house_transfer_sale",
        "m0-data-price": "150",
        **_party(0, h.BUYER, "holder", "m0-"),
        **_party(1, h.SELLER, "obligor", "m0-"),
        "m1-business_type": "mortgage_first",
        "m1-prev_type": "mortgage_first",
        **{f"m1-data-{k}": ("false" if v is False else v) for k, v in h.MORTGAGE_DATA.items()},
        **_party(0, h.BANK, "mortgagee", "m1-"),
        **_party(1, h.BUYER, "mortgagor", "m1-"),
        **changes,
    }


def test_combined_intake_offers_transfer_and_mortgage(clerk):
    html = clerk.get("/cases/new-combined/").content.decode()
    assert 'data-testid="member-0"' in html and 'data-testid="member-1"' in html
    assert "第 1 项：国有建设用地使用权及房屋所有权转移登记（买卖）" in html
    assert "第 2 项：抵押权首次登记（一般抵押、最高额抵押）" in html


def test_combined_intake_copies_the_new_holders_as_mortgagors(clerk, unit):
    form = _combined(unit, op="copy_holders:1")
    for key in [k for k in form if k.startswith("m1-party-1-")]:
        del form[key]
    html = clerk.post("/cases/new-combined/", form).content.decode()
    assert re.search(r'name="m1-party-1-name" value="' + h.BUYER.name, html)


def test_combined_intake_puts_each_members_messages_in_its_section(clerk, unit):
    form = _combined(unit, op="submit", **{"m1-data-guarantee_scope": ""})
    response = clerk.post("/cases/new-combined/", form)
    html = response.content.decode()
    assert response.status_code == 400 and not CaseGroup.objects.exists()
    member = html[html.index('data-testid="member-1"') :]
    assert "担保范围必填" in _errors(member)


def test_combined_intake_creates_the_group_in_order(clerk, unit):
    response = clerk.post("/cases/new-combined/", _combined(unit, op="submit"))
    group = CaseGroup.objects.get()
    sale, loan = group.cases.order_by("group_order")
    assert response.status_code == 302 and response["Location"] == f"/cases/{sale.pk}/"
    assert (sale.business_type, loan.business_type) == ("house_transfer_sale", "mortgage_first")
    assert group.name == "二手房转移并抵押"
    page = clerk.get(f"/cases/{sale.pk}/").content.decode()
    assert f'href="/cases/{loan.pk}/"' in page and "一并申请" in page


@pytest.mark.parametrize(
    "op", ["remove_party:0:²", "remove_party:9:0", "unit_page:" + "9" * 40, "add_unit:nonsense", "fly", ""]
)
def test_odd_editing_steps_leave_the_form_as_it_was(clerk, unit, op):
    response = clerk.post("/cases/new/", _sale_form(unit, op=op))
    assert response.status_code == 200 and h.SELLER.name in response.content.decode()
