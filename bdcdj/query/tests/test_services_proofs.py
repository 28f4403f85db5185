"""无房证明 and 查询结果: issued by staff for an applicant (audited), refused when the person
holds a house, verified on /verify/ with the printed code."""

import re

import pytest
from django.test import Client

from bdcdj.accounts.models import AuditLog
from bdcdj.cases.tests import helpers as h
from bdcdj.certs import signing
from bdcdj.certs.tests.pdftext import pdf_text
from bdcdj.core.errors import Conflict, Forbidden, InvalidInput
from bdcdj.query.models import Proof
from bdcdj.query.services.proofs import proof_issue_by_staff

pytestmark = pytest.mark.django_db


def _issue(user, person: h.Person, kind: str = "no_house", **extra):
    values = {
        "region_code": h.REGION,
        "name": person.name,
        "id_number": person.id_number,
        "id_checked": True,
        "purpose": "购房资格审核",
    }
    return proof_issue_by_staff(kind=kind, by=user, **{**values, **extra})


def test_no_house_proof_for_a_person_without_houses_verifies_on_the_page(staff):
    issued = _issue(staff.clerk, h.HEIR)
    text = pdf_text(issued.pdf)
    assert "无房证明" in text and h.HEIR.name in text and "无已登记的住房" in text
    assert signing.signature_check(issued.pdf).valid and issued.proof.number.startswith("340121-")
    printed = re.search(r"核验码：([0-9A-Z-]{14})", text)
    assert printed is not None and printed.group(1).replace("-", "") == issued.code
    page = Client().get(f"/verify/{issued.proof.number}", {"code": issued.code}).content.decode()
    assert "无房证明" in page and 'data-status="valid"' in page and "张*" in page
    assert h.HEIR.name not in page and h.HEIR.id_number not in page
    log = AuditLog.objects.get(action="query.proof_no_house")
    assert (
        log.actor == staff.clerk
        and h.HEIR.name not in str(log.detail)
        and h.HEIR.id_number not in str(log.detail)
    )


def test_no_house_proof_is_refused_for_a_house_owner_who_gets_the_record_instead(staff):
    [(unit, _)] = h.titled_house(staff.registrar, owner=h.SELLER)
    h.mortgage(staff.registrar, unit, owner=h.SELLER)
    with pytest.raises(Conflict) as refused:
        _issue(staff.clerk, h.SELLER)
    assert "不能出具无房证明" in refused.value.message and not Proof.objects.exists()
    record = _issue(staff.clerk, h.SELLER, kind="record")
    text = pdf_text(record.pdf)
    assert "不动产登记信息查询结果" in text and unit.code in text and "抵押有" in text and "查封无" in text
    assert record.proof.has_house and record.proof.property_count == 1


def test_staff_must_check_identity_and_act_in_their_district(staff, outsider):
    with pytest.raises(InvalidInput) as unchecked:
        _issue(staff.clerk, h.HEIR, id_checked=False)
    assert unchecked.value.fields["id_checked"] == "须核验申请人身份证件后方可出具"
    with pytest.raises(Forbidden):
        _issue(staff.reviewer, h.HEIR)  # no query.proofs page
    with pytest.raises(InvalidInput) as blank:
        _issue(staff.clerk, h.HEIR, name=" ", id_number="")
    assert set(blank.value.fields) == {"name", "id_number"}


def test_console_page_issues_lists_and_downloads(staff):
    client = Client()
    client.force_login(staff.clerk)
    form = {
        "kind": "no_house",
        "region_code": h.REGION,
        "name": h.HEIR.name,
        "id_number": h.HEIR.id_number,
        "id_checked": "on",
    }
    page = client.post("/query/proofs/", form)
    body = page.content.decode()
    assert page.status_code == 200 and "已出具" in body and "张*" in body
    proof = Proof.objects.get()
    download = client.get(f"/query/proofs/{proof.pk}/pdf")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert AuditLog.objects.filter(action="query.proof_download").count() == 1
    refused = client.post("/query/proofs/", {**form, "id_checked": ""})
    assert refused.status_code == 400 and "须核验申请人身份证件后方可出具" in refused.content.decode()
    other = Client()
    other.force_login(staff.reviewer)
    assert other.get("/query/proofs/").status_code == 403
