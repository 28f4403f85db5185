import pytest

from bdcdj.accounts import pii
from bdcdj.accounts.models import AuditLog
from bdcdj.console.tests.conftest import login
from bdcdj.register.models import Right, RightStatus

pytestmark = pytest.mark.django_db


def _holder(unit):
    right = Right.objects.get(unit=unit, status=RightStatus.CURRENT, kind="house_ownership")
    return right.parties.filter(role="holder").first()


def test_inquirer_sees_the_unit_with_masked_owner(owned_unit):
    holder = _holder(owned_unit)
    response = login("inquirer").get(f"/units/{owned_unit.code}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert owned_unit.location in body
    assert holder.name_masked in body
    assert pii.decrypt_text(holder.name_enc) not in body
    assert "权利人信息已脱敏显示" in body


def test_registrar_sees_the_clear_owner_and_the_read_is_audited(owned_unit):
    holder = _holder(owned_unit)
    before = AuditLog.objects.filter(action="register.party_reveal").count()
    body = login("registrar").get(f"/units/{owned_unit.code}/").content.decode()
    assert pii.decrypt_text(holder.name_enc) in body
    assert AuditLog.objects.filter(action="register.party_reveal").count() > before


def test_user_of_another_district_cannot_open_the_unit(owned_unit):
    response = login("other").get(f"/units/{owned_unit.code}/")
    assert response.status_code == 404
    assert owned_unit.location not in response.content.decode()


def test_malformed_unit_code_gets_a_clear_message_not_a_500(demo):
    response = login("inquirer").get("/units/34012100100X/")
    assert response.status_code == 400
    assert "不动产单元号" in response.content.decode()


def test_search_by_location_paginates_and_exports(demo):
    client = login("inquirer")
    response = client.get("/units/", {"mode": "location", "q": "双凤苑"})
    assert response.status_code == 200
    assert "双凤苑" in response.content.decode()
    export = client.get("/units/export.xlsx", {"q": "双凤苑"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_too_short_location_is_refused_with_a_message(demo):
    response = login("inquirer").get("/units/", {"mode": "location", "q": "双"})
    assert response.status_code == 400
    assert "至少输入" in response.content.decode()


def test_search_by_owner_id_number_uses_post_and_finds_the_unit(owned_unit):
    holder = _holder(owned_unit)
    id_number = pii.decrypt_text(holder.id_number_enc)
    client = login("inquirer")
    response = client.post("/units/", {"mode": "owner", "q": id_number})
    body = response.content.decode()
    assert owned_unit.code in body
    assert id_number not in body


def test_code_search_redirects_to_the_unit_page(owned_unit):
    response = login("inquirer").get("/units/", {"mode": "code", "q": owned_unit.code.lower()})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/units/{owned_unit.code}/")


def test_unit_page_as_of_a_date_before_the_sale_shows_the_developer(owned_unit):
    sale = Right.objects.get(unit=owned_unit, status=RightStatus.CURRENT, kind="house_ownership")
    day_before = (sale.registered_at.astimezone().date()).fromordinal(
        sale.registered_at.date().toordinal() - 1
    )
    body = (
        login("inquirer")
        .get(f"/units/{owned_unit.code}/", {"as_of": day_before.isoformat()})
        .content.decode()
    )
    developer = sale.predecessor.parties.get(role="holder")
    assert developer.name_masked in body
    assert "当日终了时的登记状态" in body


def test_pages_need_login_and_permission(owned_unit):
    from django.test import Client

    assert Client().get(f"/units/{owned_unit.code}/").status_code == 302
    assert login("auditor").get(f"/units/{owned_unit.code}/").status_code == 403


def test_chain_check_page_verifies_the_district_chain(demo):
    client = login("reviewer")
    response = client.post("/chain/")
    assert response.status_code == 200
    assert "链校验通过" in response.content.decode()


def test_home_dashboard_counts_the_district(demo):
    body = login("inquirer").get("/").content.decode()
    assert "本辖区登记簿" in body
    assert "最近登簿" in body
