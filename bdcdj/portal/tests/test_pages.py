"""Portal and console pages through the test client: routing, guide, login, ownership of cases
(another person's case id is a 404 everywhere), uploads, staff pages and their permissions."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from bdcdj.cases.models import Case
from bdcdj.portal.models import SmsCode
from bdcdj.portal.services import citizen_verify, rating_submit
from bdcdj.portal.session import SESSION_KEY
from bdcdj.portal.tests.conftest import PASSWORD, REGION, last_code
from bdcdj.portal.tests.helpers import (
    BUYER,
    owned_house,
    portal_client,
    sale_submitted,
    scan,
    staff_finish,
    uploads_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def applied(staff, make_citizen, sim, people):
    name, id_number = people[20]
    return sale_submitted(staff=staff, citizen=make_citizen(), name=name, id_number=id_number)


def test_landing_lists_districts_and_routes_a_unit_code(districts):
    client = Client()
    page = client.get("/portal/")
    assert page.status_code == 200 and "长丰县" in page.content.decode() and "肥东县" in page.content.decode()
    routed = client.get("/portal/", {"unit_code": "340122001001GB00001F00010001"})
    assert routed.status_code == 302 and routed["Location"] == "/portal/d/340122/"
    unknown = client.get("/portal/", {"unit_code": "990000001001GB00001F00010001"})
    assert unknown.status_code == 404 and "没有找到" in unknown.content.decode()
    assert client.get("/portal/d/999999/").status_code == 404


def test_guide_is_generated_from_the_districts_workflow(districts):
    page = Client().get(f"/portal/d/{REGION}/guide/house_transfer_sale/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "房屋买卖合同" in text and "完税凭证" in text and "不动产登记费（住宅）" in text
    assert 'data-testid="guide-limit">5<' in text
    assert "/query/" in text and "/verify/" in text  # the menu links the public query and verify pages


def test_login_by_page_sends_a_code_and_refuses_a_wrong_one(make_citizen, django_capture_on_commit_callbacks):
    citizen = make_citizen("13600000001")
    SmsCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))  # past the per-minute limit
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/portal/login/", {"phone": "13600000001", "op": "send"})
    assert sent.status_code == 200 and "验证码已发送" in sent.content.decode()
    code = last_code("13600000001")
    wrong = client.post(
        "/portal/login/",
        {"phone": "13600000001", "code": "000000" if code != "000000" else "111111", "op": "login"},
    )
    assert wrong.status_code == 400 and "验证码错误" in wrong.content.decode()
    ok = client.post(
        "/portal/login/", {"phone": "13600000001", "code": code, "op": "login", "next": "/portal/me/"}
    )
    assert ok.status_code == 302, ok.content.decode()[-3000:]
    assert ok["Location"] == "/portal/me/"
    assert client.session[SESSION_KEY] == citizen.pk
    assert client.get("/cases/").status_code == 302  # a citizen is not a staff user
    assert client.get("/portal/me/").status_code == 200


def test_citizen_pages_need_the_portal_login(districts):
    page = Client().get("/portal/cases/")
    assert page.status_code == 302 and page["Location"].startswith("/portal/login/?next=")


def test_another_citizens_case_is_not_found_anywhere(applied, verified):
    citizen, application, _ = applied
    case_id = application.case_id
    mine = portal_client(citizen)
    assert mine.get(f"/portal/cases/{case_id}/").status_code == 200
    assert mine.get(f"/api/portal/v1/cases/{case_id}/progress").json()["number"] == application.case.number
    stranger = portal_client(verified(21))
    for url in (
        f"/portal/cases/{case_id}/",
        f"/portal/cases/{case_id}/progress/",
        f"/portal/cases/{case_id}/files/application/{application.pk}/",
        f"/api/portal/v1/cases/{case_id}/progress",
    ):
        response = stranger.get(url)
        assert response.status_code == 404, url
        assert application.case.number.encode() not in response.content
    assert stranger.post(f"/portal/cases/{case_id}/rate/", {"score": "5"}).status_code == 404
    assert Client().get(f"/api/portal/v1/cases/{case_id}/progress").status_code == 401


def test_case_page_shows_signature_progress_and_notices(applied, staff):
    citizen, application, _ = applied
    staff_finish(application.case, staff)
    page = portal_client(citizen).get(f"/portal/cases/{application.case_id}/")
    text = page.content.decode()
    for expected in ("已验证（SM2）", "受理通知书", "不动产权证书", "发证"):
        assert expected in text, expected
    case = Case.objects.get(pk=application.case_id)
    certificate = case.certificates.first()
    download = portal_client(citizen).get(f"/portal/cases/{case.pk}/files/certificate/{certificate.pk}/")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")


def test_the_apply_page_prefills_own_property_and_submits_with_uploads(staff, make_citizen, sim, people):
    name, id_number = people[22]
    owner = owned_house(staff.registrar, name=name, id_number=id_number)
    citizen = citizen_verify(citizen=make_citizen(), name=name, id_number=id_number)
    client = portal_client(citizen)
    form = client.get(f"/portal/d/{REGION}/apply/house_transfer_sale/")
    assert form.status_code == 200 and f'data-testid="own-{owner.unit_code}"' in form.content.decode()
    data = {
        "role": "obligor",
        "unit_codes": [owner.unit_code],
        "data-price": "88.8",
        "other-0-role": "holder",
        "other-0-party_type": "1",
        "other-0-name": BUYER["name"],
        "other-0-id_type": "1",
        "other-0-id_number": BUYER["id_number"],
    }
    files = {
        f"file-{u.checklist_code}": SimpleUploadedFile(
            f"{u.checklist_code}.pdf", u.content, "application/pdf"
        )
        for u in uploads_for("house_transfer_sale")
    }
    forged = dict(
        files, **{"file-tax": SimpleUploadedFile("tax.pdf", b"MZ\x90\x00" + b"\x00" * 64, "application/pdf")}
    )
    refused = client.post(f"/portal/d/{REGION}/apply/house_transfer_sale/", {**data, **forged})
    assert refused.status_code == 400 and "按文件内容识别" in refused.content.decode()
    assert not Case.objects.filter(portal_application__citizen=citizen).exists()
    files = {
        f"file-{u.checklist_code}": SimpleUploadedFile(
            f"{u.checklist_code}.pdf", scan(u.checklist_code), "application/pdf"
        )
        for u in uploads_for("house_transfer_sale")
    }
    done = client.post(f"/portal/d/{REGION}/apply/house_transfer_sale/", {**data, **files})
    case = Case.objects.get(portal_application__citizen=citizen)
    assert done.status_code == 302 and done["Location"] == f"/portal/cases/{case.pk}/"
    assert case.data["price"] == "88.8"


def test_sms_outbox_needs_its_page_permission(make_staff, make_citizen):
    make_citizen("13600000002")
    clerk, admin = make_staff(roles=("clerk",)), make_staff(roles=("admin",))
    client = Client()
    client.login(username=clerk.username, password=PASSWORD)
    assert client.get("/portal-admin/sms/").status_code == 403
    client.login(username=admin.username, password=PASSWORD)
    page = client.get("/portal-admin/sms/", {"phone": "13600000002"})
    assert (
        page.status_code == 200
        and "136****0002" in page.content.decode()
        and "验证码为" in page.content.decode()
    )
    assert "13600000002" not in page.content.decode().replace('value="13600000002"', "")


def test_rating_statistics_per_business_type_and_month(applied, staff, make_staff):
    citizen, application, _ = applied
    staff_finish(application.case, staff)
    rating_submit(citizen=citizen, case_id=application.case_id, score=4)
    admin = make_staff(roles=("admin",))
    client = Client()
    client.login(username=admin.username, password=PASSWORD)
    page = client.get("/portal-admin/ratings/")
    text = page.content.decode()
    assert (
        page.status_code == 200
        and "国有建设用地使用权及房屋所有权转移登记（买卖）" in text
        and "4.00" in text
    )
    export = client.get("/portal-admin/ratings/", {"format": "xlsx"})
    assert export.status_code == 200 and export.content.startswith(b"PK")
    reviewer = make_staff(roles=("reviewer",))
    client.login(username=reviewer.username, password=PASSWORD)
    assert client.get("/portal-admin/ratings/").status_code == 403


def test_the_applicant_pays_through_checkout_and_a_stranger_may_not(applied, verified, staff):
    citizen, application, _ = applied
    case_id = application.case_id
    page = portal_client(citizen).get(f"/portal/cases/{case_id}/")
    checkout = f"/payments/case/{case_id}/"
    assert "缴费服务暂不可用" not in page.content.decode()
    assert portal_client(citizen).get(checkout).status_code == 200
    assert portal_client(verified(21)).get(checkout).status_code == 403
