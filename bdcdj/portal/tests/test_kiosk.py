"""Kiosk mode through the test client: only registered terminals open it, an idle terminal
forgets the person, identity (card + face, answered by the department simulator) → own
property → printed proof, and the 领证码 collection that records the 发证."""

from __future__ import annotations

import base64
import re
import time
from typing import Any

import pytest
from django.test import Client

from bdcdj.accounts.models import AuditLog
from bdcdj.cases.models import Case, Stage
from bdcdj.cases.services import case_accept, case_certify, case_register, case_review
from bdcdj.portal.kiosk_session import KEY, idle_seconds
from bdcdj.portal.models import CollectionCode, KioskDevice
from bdcdj.portal.services import kiosk_device_register, office_ensure
from bdcdj.portal.tests.conftest import OTHER_REGION, PASSWORD, REGION
from bdcdj.portal.tests.helpers import owned_house, portal_client, sale_submitted
from bdcdj.portal.views.kiosk import DEVICE_COOKIE
from bdcdj.sharing.simulator.store import fictional_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def terminal(districts: None) -> tuple[KioskDevice, str]:
    office = office_ensure(region_code=REGION, name="长丰县不动产登记中心办事大厅", windows=2)
    return kiosk_device_register(office=office, device_id="K-CF-01", name="一楼自助终端")


def _kiosk(device: KioskDevice, secret: str) -> Client:
    client = Client()
    client.cookies[DEVICE_COOKIE] = f"{device.device_id}:{secret}"
    return client


def _identify(client: Client, id_number: str, then: str = "query", photo: bytes = b"") -> Any:
    card = client.post("/portal/kiosk/identify/", {"step": "card", "id_number": id_number, "next": then})
    assert card.status_code == 200, card.content.decode()
    encoded = base64.b64encode(photo).decode() if photo else ""
    return client.post("/portal/kiosk/identify/", {"step": "face", "next": then, "photo": encoded})


def test_only_a_registered_active_terminal_opens_kiosk_mode(terminal):
    device, secret = terminal
    for client in (Client(), _kiosk(device, "wrong-secret")):
        refused = client.get("/portal/kiosk/")
        assert refused.status_code == 403 and "本终端未登记或已停用" in refused.content.decode()
        assert client.get("/portal/kiosk/query/").status_code == 403
    assert _kiosk(device, secret).get("/portal/kiosk/").status_code == 200
    # Activation by staff sets the cookie; a wrong secret does not.
    setup = Client()
    assert (
        setup.post("/portal/kiosk/activate/", {"device_id": device.device_id, "secret": "x"}).status_code
        == 403
    )
    done = setup.post("/portal/kiosk/activate/", {"device_id": device.device_id, "secret": secret})
    assert done.status_code == 302 and setup.get("/portal/kiosk/").status_code == 200
    KioskDevice.objects.filter(pk=device.pk).update(is_active=False)
    assert setup.get("/portal/kiosk/").status_code == 403


def test_an_idle_terminal_returns_to_start_and_forgets_the_person(terminal, sim, people):
    device, secret = terminal
    client = _kiosk(device, secret)
    _name, id_number = people[3]
    assert _identify(client, id_number).status_code == 302
    assert client.get("/portal/kiosk/query/").status_code == 200
    session = client.session
    state = session[KEY]
    state["last"] = time.time() - idle_seconds() - 1
    session[KEY] = state
    session.save()
    back = client.get("/portal/kiosk/query/")
    assert back.status_code == 302 and back["Location"] == "/portal/kiosk/?timeout=1"
    assert KEY not in client.session
    start = client.get(back["Location"])
    assert "长时间无操作，已自动退出" in start.content.decode()
    again = client.get("/portal/kiosk/query/")
    assert again.status_code == 302 and again["Location"].startswith("/portal/kiosk/identify/")


def test_identity_then_own_property_then_printed_proof(terminal, sim, people, staff):
    device, secret = terminal
    name, id_number = people[5]
    owner = owned_house(staff.registrar, name=name, id_number=id_number)
    client = _kiosk(device, secret)
    assert (
        client.post(
            "/portal/kiosk/identify/", {"step": "card", "id_number": "340121199001011234"}
        ).status_code
        == 400
    )
    assert _identify(client, id_number)["Location"] == "/portal/kiosk/query/"
    page = client.get("/portal/kiosk/query/")
    assert page.status_code == 200 and owner.unit_code in page.content.decode()
    assert id_number not in page.content.decode()
    refused = client.post("/portal/kiosk/print/", {"kind": "no_house"})
    assert refused.status_code == 409 and "不能出具无房证明" in refused.content.decode()
    printed = client.post("/portal/kiosk/print/", {"kind": "record"})
    assert printed.status_code == 302
    proof_page = client.get(printed["Location"])
    assert proof_page.status_code == 200 and "查询结果" in proof_page.content.decode()
    pdf = client.get(printed["Location"] + "pdf/")
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )
    assert (
        pdf["X-Frame-Options"] == "SAMEORIGIN" and "frame-ancestors 'self'" in pdf["Content-Security-Policy"]
    )
    # Another person at the same terminal (a new session) cannot open it.
    other = _kiosk(device, secret)
    _identify(other, people[6][1])
    assert other.get(printed["Location"] + "pdf/").status_code == 404
    assert AuditLog.objects.filter(action="portal.kiosk_query", actor_name="kiosk:K-CF-01").exists()


def test_a_face_that_does_not_match_the_card_is_refused(terminal, sim, people):
    device, secret = terminal
    client = _kiosk(device, secret)
    refused = _identify(client, people[7][1], photo=fictional_photo(people[8][1]))
    assert refused.status_code == 400 and "人脸比对未通过" in refused.content.decode()
    assert client.get("/portal/kiosk/query/").status_code == 302  # still not identified


@pytest.fixture
def certified(staff, make_citizen, sim, people):
    """An online application whose certificate is ready (缮证 done, waiting for 发证)."""
    name, id_number = people[20]
    citizen, application, _ = sale_submitted(
        staff=staff, citizen=make_citizen(), name=name, id_number=id_number
    )
    case = case_accept(case=application.case, by=staff.clerk)
    case = case_review(case=case, by=staff.reviewer, result="1")
    case = case_register(case=case, by=staff.registrar)
    case = case_certify(case=case, by=staff.clerk)
    assert case.stage == Stage.ISSUE
    return citizen, case, id_number


def _code_from(page: Any) -> str:
    found = re.search(r'data-testid="collection-code">(\d{8})<', page.content.decode())
    assert found is not None
    return found.group(1)


def test_collection_code_collects_the_certificate_once(terminal, certified, people):
    device, secret = terminal
    citizen, case, id_number = certified
    code = _code_from(portal_client(citizen).post(f"/portal/cases/{case.pk}/collection-code/"))
    client = _kiosk(device, secret)
    _identify(client, id_number, then="collect")
    wrong = "00000000" if code != "00000000" else "11111111"
    bad = client.post("/portal/kiosk/collect/", {"step": "lookup", "code": wrong})
    assert bad.status_code == 400 and "领证码错误" in bad.content.decode()
    shown = client.post("/portal/kiosk/collect/", {"step": "lookup", "code": code})
    number = case.certificates.first().number
    assert shown.status_code == 200 and number in shown.content.decode()
    done = client.post("/portal/kiosk/collect/", {"step": "confirm", "code": code})
    assert done.status_code == 200 and "领取成功" in done.content.decode()
    case.refresh_from_db()
    certificate = case.certificates.first()
    assert case.stage != Stage.ISSUE and certificate.issued_at is not None and certificate.id_checked
    assert certificate.issued_by.username == f"kiosk-{REGION}"
    used = client.post("/portal/kiosk/collect/", {"step": "lookup", "code": code})
    assert used.status_code == 409 and "已使用" in used.content.decode()


def test_expired_or_foreign_collection_codes_are_refused_in_chinese(terminal, certified, people):
    device, secret = terminal
    citizen, case, id_number = certified
    code = _code_from(portal_client(citizen).post(f"/portal/cases/{case.pk}/collection-code/"))
    stranger = _kiosk(device, secret)
    _identify(stranger, people[9][1], then="collect")
    foreign = stranger.post("/portal/kiosk/collect/", {"step": "lookup", "code": code})
    assert foreign.status_code == 403 and "领证码与本人身份不符" in foreign.content.decode()
    CollectionCode.objects.update(expires_at=CollectionCode.objects.get().created_at)
    owner = _kiosk(device, secret)
    _identify(owner, id_number, then="collect")
    expired = owner.post("/portal/kiosk/collect/", {"step": "lookup", "code": code})
    assert expired.status_code == 409 and "领证码已过期" in expired.content.decode()
    # A new code voids the old one; the old one then reads as wrong.
    portal_client(citizen).post(f"/portal/cases/{case.pk}/collection-code/")
    void = owner.post("/portal/kiosk/collect/", {"step": "lookup", "code": code})
    assert void.status_code == 400 and "领证码错误" in void.content.decode()
    assert Case.objects.get(pk=case.pk).stage == Stage.ISSUE


def test_staff_register_and_disable_terminals_of_their_own_districts(terminal, make_staff):
    from bdcdj.portal.models import Office

    office = Office.objects.get(region_code=REGION)
    admin = make_staff(roles=("admin",))
    client = Client()
    client.login(username=admin.username, password=PASSWORD)
    listing = client.get("/portal-admin/kiosks/", {"sort": "-seen"})
    assert listing.status_code == 200 and "K-CF-01" in listing.content.decode()
    made = client.post("/portal-admin/kiosks/", {"device_id": "K-CF-02", "name": "二楼", "office": office.pk})
    secret = re.search(r"终端密钥：<code>([^<]+)</code>", made.content.decode())
    assert made.status_code == 200 and secret is not None
    device = KioskDevice.objects.get(device_id="K-CF-02")
    assert secret.group(1) not in client.get("/portal-admin/kiosks/").content.decode()  # shown once
    assert _kiosk(device, secret.group(1)).get("/portal/kiosk/").status_code == 200
    twice = client.post("/portal-admin/kiosks/", {"device_id": "K-CF-02", "office": office.pk})
    assert twice.status_code == 409 and "该终端编号已登记" in twice.content.decode()
    client.post(f"/portal-admin/kiosks/{device.pk}/disable/")
    assert _kiosk(device, secret.group(1)).get("/portal/kiosk/").status_code == 403
    outsider = make_staff(roles=("admin",), regions=(OTHER_REGION,))
    client.login(username=outsider.username, password=PASSWORD)
    assert "K-CF-01" not in client.get("/portal-admin/kiosks/").content.decode()
    refused = client.post("/portal-admin/kiosks/", {"device_id": "K-X", "office": office.pk})
    assert refused.status_code == 400 and not KioskDevice.objects.filter(device_id="K-X").exists()
    clerk = make_staff(roles=("clerk",))
    client.login(username=clerk.username, password=PASSWORD)
    assert client.get("/portal-admin/kiosks/").status_code == 403
