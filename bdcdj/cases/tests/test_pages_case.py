"""The case page and its actions: everything about the case, uploads, every action through
the page, and refusals (403 another role, 404 another district, 409 wrong stage, 400 bad
input) shown as messages on the page, never a 500."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bdcdj.cases.models import Case, Stage
from bdcdj.cases.services import case_accept, case_review
from bdcdj.cases.tests import helpers as h
from bdcdj.register.models import PartyRole, Unit
from bdcdj.register.tests import factories as f

pytestmark = pytest.mark.django_db
SALE_PARTIES = [h.BUYER.party("holder"), h.SELLER.party("obligor")]


@pytest.fixture
def login():
    def make(user) -> Client:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        return client

    return make


@pytest.fixture
def sale(staff) -> Case:
    [(unit, _)] = h.titled_house(staff.registrar)
    return h.new_case(staff, "house_transfer_sale", [unit.code], SALE_PARTIES, {"price": "90"})


def _act(client, case, action, data=None, **headers):
    return client.post(f"/cases/{case.pk}/do/{action}/", data or {}, **headers)


def _reload(case) -> Case:
    return Case.objects.get(pk=case.pk)


def _alert(response) -> str:
    match = re.search(r'data-testid="action-error"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)) if match else ""


def test_case_page_shows_the_case_with_parties_masked_for_the_clerk(staff, sale, login):
    html = login(staff.clerk).get(f"/cases/{sale.pk}/").content.decode()
    assert sale.number in html and "国有建设用地使用权及房屋所有权转移登记（买卖）" in html
    assert 'data-testid="workflow-version">第 1 版' in html
    assert h.BUYER.name not in html and "申请人信息已按您的角色脱敏显示" in html
    assert "成交价格（万元）" in html and "90万元" in html
    assert 'data-testid="checklist-sale_contract"' in html and "尚缺必需材料" in html
    assert 'data-testid="timeline"' in html and "收件：" in html
    assert "<svg" in html and 'data-current="1"' in html
    assert 'data-testid="action-accept"' in html and 'data-testid="action-refuse"' in html
    registrar = login(staff.registrar).get(f"/cases/{sale.pk}/").content.decode()
    assert h.BUYER.name in registrar and 'data-testid="no-actions"' in registrar


def test_another_district_cannot_see_the_case(sale, outsider, login):
    response = login(outsider).get(f"/cases/{sale.pk}/")
    assert response.status_code == 404 and "未找到业务" in response.content.decode()
    assert _act(login(outsider), sale, "accept").status_code == 404


def test_materials_are_uploaded_and_bad_files_refused_next_to_the_form(staff, sale, login):
    client = login(staff.clerk)
    bad = SimpleUploadedFile("note.txt", b"hello", content_type="text/plain")
    response = client.post(
        f"/cases/{sale.pk}/materials/",
        {"checklist_code": "application", "form": "1", "pages": "2", "file": bad},
    )
    assert response.status_code == 400 and "只接受 PDF、JPEG 或 PNG 文件" in response.content.decode()
    missing = client.post(
        f"/cases/{sale.pk}/materials/", {"checklist_code": "application", "form": "1", "pages": "2"}
    )
    assert missing.status_code == 400 and "请选择文件" in missing.content.decode()
    pdf = SimpleUploadedFile("scan.pdf", h.PDF, content_type="application/pdf")
    ok = client.post(
        f"/cases/{sale.pk}/materials/",
        {"checklist_code": "application", "form": "1", "pages": "2", "file": pdf},
        HTTP_HX_REQUEST="true",
    )
    assert ok.status_code == 200 and ok["HX-Redirect"].startswith(f"/cases/{sale.pk}/")
    material = sale.materials.get()
    download = client.get(f"/cases/{sale.pk}/files/material/{material.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == h.PDF


def test_accepting_without_materials_is_a_conflict_shown_on_the_page(staff, sale, login):
    response = _act(login(staff.clerk), sale, "accept")
    assert response.status_code == 409 and "缺少必需材料" in _alert(response)
    assert _reload(sale).stage == Stage.INTAKE


def test_accepting_with_a_fee_waiver(staff, sale, login):
    h.add_required_materials(sale, staff.clerk)
    response = _act(login(staff.clerk), sale, "accept", {"waiver-registration": "低保户减免"})
    assert response.status_code == 302
    case = _reload(sale)
    assert case.stage == Stage.ACCEPTED and case.fees.get(code="registration").waived
    html = login(staff.clerk).get(f"/cases/{sale.pk}/").content.decode()
    assert "已受理，办结期限" in html and "低保户减免" in html and "受理通知书" in html


def test_another_role_is_refused_with_403_on_the_page(staff, sale, login):
    h.add_required_materials(sale, staff.clerk)
    response = _act(login(staff.reviewer), sale, "accept")
    assert response.status_code == 403 and "没有修改“受理”的权限" in _alert(response)


def test_an_action_at_the_wrong_stage_is_a_409_message(staff, sale, login):
    response = _act(login(staff.clerk), sale, "certify", HTTP_HX_REQUEST="true")
    assert response.status_code == 409 and "不能缮证" in _alert(response)
    assert _act(login(staff.clerk), sale, "fly").status_code == 404


def test_refusing_needs_a_reason_and_a_confirmation(staff, sale, login):
    client = login(staff.clerk)
    html = client.get(f"/cases/{sale.pk}/").content.decode()
    assert re.search(r'action="/cases/\d+/do/refuse/"[^>]*hx-confirm="[^"]+"', html)
    empty = _act(client, sale, "refuse", {"reason": " "})
    assert empty.status_code == 400 and "必填" in empty.content.decode()
    assert _act(client, sale, "refuse", {"reason": "申请登记的不动产不在本机构辖区"}).status_code == 302
    case = _reload(sale)
    assert case.stage == Stage.REFUSED and case.notices.get().kind == "non_acceptance"


def test_correction_stops_the_clock_and_resume_restarts_it(staff, sale, login):
    client = login(staff.clerk)
    bad = _act(client, sale, "request_correction", {"items": ""})
    assert bad.status_code == 400 and "请列出需补正的材料或事项" in bad.content.decode()
    _act(client, sale, "request_correction", {"items": "完税凭证\n身份证明复印件", "note": "请于十日内补正"})
    assert _reload(sale).status == "3"
    assert "补正中，暂停计时" in client.get(f"/cases/{sale.pk}/").content.decode()
    _act(client, sale, "resume")
    assert _reload(sale).status == "1"


def test_withdrawing_is_confirmed_and_ends_the_case(staff, sale, login):
    client = login(staff.clerk)
    html = client.get(f"/cases/{sale.pk}/").content.decode()
    assert re.search(r'action="/cases/\d+/do/withdraw/"[^>]*hx-confirm="撤回后', html)
    _act(client, sale, "withdraw", {"reason": "申请人不再出售"})
    assert _reload(sale).stage == Stage.WITHDRAWN


def test_review_with_opinion_templates_transfer_and_rejection(staff, sale, login, make_user):
    h.add_required_materials(sale, staff.clerk)
    case_accept(case=sale, by=staff.clerk)
    colleague = make_user("reviewer2", roles=("reviewer",))
    client = login(staff.reviewer)
    html = client.get(f"/cases/{sale.pk}/").content.decode()
    assert 'data-testid="opinion-template"' in html and colleague.username in html
    assert re.search(r'value="3"[^>]*hx-confirm="退件', html, re.S)
    template = client.get(f"/cases/{sale.pk}/opinion-template/?template=1", HTTP_HX_REQUEST="true")
    assert "申请材料与登记簿记载不一致，退回补充。" in template.content.decode()
    missing = _act(client, sale, "review", {"result": "4", "text": "请同事办理"})
    assert missing.status_code == 400 and "必填" in missing.content.decode()
    _act(client, sale, "review", {"result": "4", "text": "请同事办理", "to_user": colleague.pk})
    assert _reload(sale).assigned_to == colleague
    refused = _act(client, sale, "review", {"result": "1"})
    assert refused.status_code == 409 and "已转交其他人员办理" in _alert(refused)
    _act(login(colleague), sale, "review", {"result": "3", "text": "不符合登记条件"})
    case = _reload(sale)
    assert case.stage == Stage.REFUSED and case.notices.filter(kind="refusal").exists()


def test_from_approval_to_archive_through_the_page(staff, sale, login):
    h.add_required_materials(sale, staff.clerk)
    case_accept(case=sale, by=staff.clerk)
    clerk, registrar = login(staff.clerk), login(staff.registrar)
    assert _act(login(staff.reviewer), sale, "review", {"result": "1", "template": "0"}).status_code == 302
    assert _reload(sale).opinions.get().text.startswith("经审核")
    assert _act(registrar, sale, "register").status_code == 302
    assert _act(clerk, sale, "certify").status_code == 302
    certificate = sale.certificates.get()
    pdf = clerk.get(f"/cases/{sale.pk}/files/certificate/{certificate.pk}/")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    unchecked = _act(clerk, sale, "issue", {"receiver_name": h.BUYER.name, "receiver_id_type": "1"})
    body = unchecked.content.decode()
    assert (
        unchecked.status_code == 400
        and "须核验领证人身份后方可发证" in body
        and "领证人证件种类和证件号必填" in body
    )
    issued = {
        "receiver_name": h.BUYER.name,
        "receiver_id_type": "1",
        "receiver_id_number": h.BUYER.id_number,
        "id_checked": "on",
    }
    assert _act(clerk, sale, "issue", issued).status_code == 302
    no_number = _act(clerk, sale, "archive", {"archive_number": ""})
    assert no_number.status_code == 400 and "必填" in no_number.content.decode()
    _act(clerk, sale, "archive", {"archive_number": "CF-2026-0001", "location": "档案室A-01"})
    case = _reload(sale)
    assert case.stage == Stage.ARCHIVED
    html = clerk.get(f"/cases/{sale.pk}/").content.decode()
    assert "CF-2026-0001" in html and "已发证" in html and 'data-testid="no-actions"' in html


def test_a_unit_changed_since_acceptance_is_flagged_and_refreshed(staff, sale, login):
    h.add_required_materials(sale, staff.clerk)
    case_review(case=case_accept(case=sale, by=staff.clerk), by=staff.reviewer, result="1")
    unit = sale.units.get()
    objection = f.objection(Unit.objects.get(code=unit.unit_code), applicant=h.SPOUSE.spec(PartyRole.HOLDER))
    f.apply(objection, staff.registrar)
    registrar = login(staff.registrar)
    assert 'data-testid="unit-changed"' in registrar.get(f"/cases/{sale.pk}/").content.decode()
    refused = _act(registrar, sale, "register")
    assert refused.status_code == 409 and "确认单元最新状态" in refused.content.decode()
    _act(registrar, sale, "refresh_units")
    assert 'data-testid="unit-changed"' not in registrar.get(f"/cases/{sale.pk}/").content.decode()
    assert _act(registrar, sale, "register").status_code == 302


def test_blocking_quality_findings_are_listed_when_registration_is_refused(staff, login):
    [(unit, _)] = h.titled_house(staff.registrar)
    data = {**h.MORTGAGE_DATA, "method": "2", "secured_amount": None}
    parties = [h.BANK.party("mortgagee"), h.SELLER.party("mortgagor")]
    case = h.to_register(staff, h.new_case(staff, "mortgage_first", [unit.code], parties, data))
    response = _act(login(staff.registrar), case, "register")
    assert response.status_code == 400 and "质检未通过" in _alert(response) and "阻断" in _alert(response)
    html = login(staff.registrar).get(f"/cases/{case.pk}/").content.decode()
    assert "质检记录" in html and "最高债权" in html
