"""“我的不动产” for a citizen logged in on the portal (its session, per the portal contract):
their properties, and proofs about themselves only."""

import pytest
from django.test import Client
from django.utils import timezone

from bdcdj.accounts import pii
from bdcdj.accounts.models import AuditLog
from bdcdj.cases.tests import helpers as h
from bdcdj.portal.models import Citizen
from bdcdj.portal.session import SESSION_KEY
from bdcdj.query.models import Proof

pytestmark = pytest.mark.django_db


def _portal_client(person: h.Person, *, verified: bool = True) -> Client:
    citizen = Citizen.objects.create(
        phone_enc=pii.encrypt_text("13900001111"),
        phone_index=pii.keyed_digest(person.id_number, purpose="test phone"),
        phone_masked="139****1111",
        name_enc=pii.encrypt_text(person.name) if verified else "",
        id_number_enc=pii.encrypt_text(person.id_number) if verified else "",
        id_index=pii.blind_index(person.id_number) if verified else "",
        verified_at=timezone.now() if verified else None,
        home_region=h.REGION,
    )
    client = Client()
    session = client.session
    session[SESSION_KEY] = citizen.pk
    session.save()
    return client


def test_citizen_sees_own_properties_and_downloads_a_record(staff):
    [(unit, _)] = h.titled_house(staff.registrar, owner=h.SELLER)
    client = _portal_client(h.SELLER)
    page = client.get("/query/mine/").content.decode()
    assert unit.code in page and unit.location in page
    refused = client.post("/query/mine/", {"kind": "no_house"})
    assert refused.status_code == 409 and "不能出具无房证明" in refused.content.decode()
    record = client.post("/query/mine/", {"kind": "record"})
    assert record.status_code == 200 and record["Content-Type"] == "application/pdf"
    proof = Proof.objects.get()
    assert proof.channel == "portal" and proof.subject_id_index == pii.blind_index(h.SELLER.id_number)
    assert AuditLog.objects.get(action="query.proof_record").actor_name.startswith("portal:")


def test_citizen_without_house_gets_a_no_house_proof_and_anonymous_visitors_nothing(staff):
    proof = _portal_client(h.HEIR).post("/query/mine/", {"kind": "no_house"})
    assert proof.status_code == 200 and proof.content.startswith(b"%PDF")
    anonymous = Client()
    assert "请先登录" in anonymous.get("/query/mine/").content.decode()
    assert anonymous.post("/query/mine/", {"kind": "no_house"}).status_code == 403
    unverified = _portal_client(h.SPOUSE, verified=False).post("/query/mine/", {"kind": "no_house"})
    assert unverified.status_code == 403 and "实名认证" in unverified.content.decode()
