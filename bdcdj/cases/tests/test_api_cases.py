"""The cases API: a whole case over HTTP, masked parties, tenant checks on every read and
download, and bad input answered with 4xx bodies, never 500."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bdcdj.accounts.models import AuditLog
from bdcdj.cases.tests import helpers as h
from bdcdj.cases.workflows import default_definition

pytestmark = pytest.mark.django_db
BASE = "/api/cases/v1"


@pytest.fixture
def client_for():
    def make(user) -> Client:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        return client

    return make


@pytest.fixture
def unit(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    return unit


def _create(client, unit, **changes):
    body = {
        "business_type": "house_transfer_sale",
        "unit_codes": [unit.code],
        "parties": [h.BUYER.party("holder"), h.SELLER.party("obligor")],
        "data": {"price": "120"},
        **changes,
    }
    return client.post(f"{BASE}/cases", json.dumps(body), content_type="application/json")


def _upload(client, case_id, code, content=h.PDF, name="scan.pdf", content_type="application/pdf"):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(
        f"{BASE}/cases/{case_id}/materials", {"file": upload, "checklist_code": code, "form": "1"}
    )


def _post(client, path, body=None):
    return client.post(f"{BASE}{path}", json.dumps(body or {}), content_type="application/json")


def test_a_sale_from_intake_to_archive_over_http(staff, unit, client_for):
    clerk, reviewer, registrar = (client_for(u) for u in (staff.clerk, staff.reviewer, staff.registrar))
    created = _create(clerk, unit)
    assert created.status_code == 201, created.content
    case = created.json()
    assert case["stage"] == "intake" and case["number"].startswith(f"{h.REGION}-")
    for code in ("application", "identity", "certificate", "sale_contract", "tax"):
        response = _upload(clerk, case["id"], code)
        assert response.status_code == 201, response.content
        assert len(response.json()["sm3"]) == 64
    assert _post(clerk, f"/cases/{case['id']}/accept").json()["stage"] == "accepted"
    assert _post(reviewer, f"/cases/{case['id']}/review", {"result": "1"}).json()["stage"] == "register"
    registered = _post(registrar, f"/cases/{case['id']}/register").json()
    assert registered["stage"] == "certify" and len(registered["certificate_numbers"]) == 1
    assert _post(clerk, f"/cases/{case['id']}/certify").json()["stage"] == "issue"
    issued = _post(
        clerk,
        f"/cases/{case['id']}/issue",
        {
            "receiver_name": h.BUYER.name,
            "receiver_id_type": "1",
            "receiver_id_number": h.BUYER.id_number,
            "id_checked": True,
        },
    )
    assert issued.json()["stage"] == "archive"
    archived = _post(
        clerk, f"/cases/{case['id']}/archive", {"archive_number": "CF2025-0001", "location": "A-1"}
    )
    assert archived.json()["stage"] == "archived" and archived.json()["status"] == "2"

    detail = clerk.get(f"{BASE}/cases/{case['id']}").json()
    assert detail["parties_masked"] and detail["parties"][0]["name"] == "李*"
    assert h.BUYER.id_number not in json.dumps(detail, ensure_ascii=False)
    assert [n["kind"] for n in detail["notices"]] == ["acceptance"]
    assert detail["certificates"][0]["receiver"] == "李*" and detail["fee_total"] == "80.00"
    timeline = clerk.get(f"{BASE}/cases/{case['id']}/timeline", {"public_only": True}).json()
    assert [e["kind"] for e in timeline] == ["created", "accepted", "registered", "certified", "issued"]

    notice = clerk.get(f"{BASE}/cases/{case['id']}/notices/{detail['notices'][0]['id']}/pdf")
    assert notice.status_code == 200 and notice["Content-Type"] == "application/pdf"
    assert b"".join(notice.streaming_content).startswith(b"%PDF-")
    certificate = clerk.get(f"{BASE}/cases/{case['id']}/certificates/{detail['certificates'][0]['id']}/pdf")
    body = b"".join(certificate.streaming_content)
    assert body.startswith(b"%PDF-") and b"FontFile2" in body  # CJK font embedded
    assert AuditLog.objects.filter(action="cases.file_download").count() == 2


def test_registrar_sees_clear_parties_and_the_reveal_is_audited(staff, unit, client_for):
    case = _create(client_for(staff.clerk), unit).json()
    detail = client_for(staff.registrar).get(f"{BASE}/cases/{case['id']}").json()
    assert not detail["parties_masked"] and detail["parties"][0]["name"] == h.BUYER.name
    assert AuditLog.objects.filter(action="cases.party_reveal", object_id=case["number"]).exists()


def test_another_district_sees_nothing(staff, unit, client_for, outsider):
    case = _create(client_for(staff.clerk), unit).json()
    stranger = client_for(outsider)
    assert stranger.get(f"{BASE}/cases/{case['id']}").status_code == 404
    assert _post(stranger, f"/cases/{case['id']}/accept").status_code == 404
    assert stranger.get(f"{BASE}/cases").json()["total"] == 0
    assert stranger.get(f"{BASE}/cases/{case['id']}/timeline").status_code == 404


def test_wrong_role_is_403_and_wrong_state_is_409(staff, unit, client_for):
    case = _create(client_for(staff.clerk), unit).json()
    response = _post(client_for(staff.reviewer), f"/cases/{case['id']}/accept")
    assert response.status_code == 403 and response.json()["code"] == "page_forbidden"
    response = _post(client_for(staff.registrar), f"/cases/{case['id']}/register")
    assert response.status_code == 409 and response.json()["code"] == "wrong_stage"
    response = _post(client_for(staff.clerk), f"/cases/{case['id']}/accept")
    assert response.status_code == 409 and "缺少必需材料" in response.json()["message"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/cases", {}),
        ("/cases", {"business_type": "house_transfer_sale", "unit_codes": "x"}),
        ("/cases", {"business_type": "house_transfer_sale", "unit_codes": ["x"], "parties": [{"role": 1}]}),
        ("/cases/{id}/review", {"result": "9"}),
        ("/cases/{id}/refuse", {"reason": ""}),
        ("/cases/{id}/correction", {"items": []}),
        ("/cases/{id}/issue", {"receiver_name": "x"}),
        ("/groups", {"members": []}),
    ],
)
def test_malformed_bodies_are_422(staff, unit, client_for, path, body):
    clerk = client_for(staff.clerk)
    case = _create(clerk, unit).json()
    response = _post(clerk, path.replace("{id}", str(case["id"])), body)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid_input"


def test_invalid_json_and_domain_errors_are_not_500(staff, unit, client_for):
    clerk = client_for(staff.clerk)
    response = clerk.post(f"{BASE}/cases", "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    response = _create(clerk, unit, unit_codes=["340121001001GB99999F00010001"], data={"price": "-1"})
    assert response.status_code == 400 and set(response.json()["fields"]) >= {"unit_codes[0]", "data.price"}
    case = _create(clerk, unit).json()
    response = _upload(
        clerk, case["id"], "identity", content=b"MZ\x90\x00", name="x.exe", content_type="application/pdf"
    )
    assert response.status_code == 400 and "file" in response.json()["fields"]
    response = clerk.post(f"{BASE}/cases/{case['id']}/materials", {"checklist_code": "identity"})
    assert response.status_code == 422
    response = clerk.get(f"{BASE}/cases", {"order": "colour"})
    assert response.status_code == 400


def test_queue_filters_searches_and_pages(staff, unit, client_for):
    clerk = client_for(staff.clerk)
    case = _create(clerk, unit).json()
    assert clerk.get(f"{BASE}/cases", {"stage": "accept"}).json()["total"] == 1
    assert clerk.get(f"{BASE}/cases", {"stage": "review"}).json()["total"] == 0
    assert clerk.get(f"{BASE}/cases", {"search": case["number"][-6:]}).json()["items"][0]["id"] == case["id"]
    assert clerk.get(f"{BASE}/cases", {"search": unit.code}).json()["total"] == 1
    assert clerk.get(f"{BASE}/cases", {"search": h.BUYER.id_number}).json()["total"] == 1
    assert clerk.get(f"{BASE}/cases", {"search": "买卖"}).json()["total"] == 1
    assert clerk.get(f"{BASE}/cases", {"stage": "nonsense"}).status_code == 400
    assert clerk.get(f"{BASE}/cases", {"mine": True}).json()["total"] == 0


def test_catalogue_workflows_and_sla_endpoints(staff, client_for, admin_user):
    clerk = client_for(staff.clerk)
    types = clerk.get(f"{BASE}/business-types").json()
    assert len(types) == 25 and types[0]["code"] == "house_first"
    workflows = clerk.get(f"{BASE}/workflows").json()
    assert {w["business_type"] for w in workflows} == {t["code"] for t in types}
    assert clerk.get(f"{BASE}/sla/summary").json()["running"] == 0
    assert clerk.get(f"{BASE}/sla/overdue").json() == []
    assert clerk.get(f"{BASE}/sla/near-deadline", {"within": 2}).json() == []
    definition = default_definition("seizure")
    admin = client_for(admin_user)
    published = _post(admin, "/workflows/seizure", {"definition": definition, "note": "调整"})
    assert published.status_code == 201 and published.json()["version"] == 2
    definition["fees"] = [{"code": "x", "name": "费", "mode": "1", "amount": "-5"}]
    refused = _post(admin, "/workflows/seizure", {"definition": definition})
    assert refused.status_code == 400 and "fees[0].amount" in refused.json()["fields"]
    assert _post(clerk, "/workflows/seizure", {"definition": definition}).status_code == 403


def test_anonymous_requests_are_401(db):
    assert Client().get(f"{BASE}/cases").status_code == 401


def test_nul_characters_and_huge_numbers_are_refused_not_500(staff, unit, client_for):
    clerk = client_for(staff.clerk)
    response = _create(clerk, unit, data={"price": "1\x00"})
    assert response.status_code == 422
    case = _create(clerk, unit).json()
    assert _post(clerk, f"/cases/{case['id']}/refuse", {"reason": "x\x00y"}).status_code == 422
    response = _create(clerk, unit, data={"price": "1e999999"})
    assert response.status_code == 400 and "data.price" in response.json()["fields"]
    assert clerk.get(f"{BASE}/cases", {"search": "a\x00b"}).status_code == 200
    assert clerk.get(f"{BASE}/workflows", {"business_type": "x\x00"}).status_code == 422
