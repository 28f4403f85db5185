"""缮证 publishes a signed, encrypted version equal to the register; a later 登簿 voids or
supersedes it."""

import os
from dataclasses import replace
from pathlib import Path

import pytest
from django.conf import settings

from bdcdj.cases.tests import helpers as h
from bdcdj.certs import signing
from bdcdj.certs.models import VersionStatus
from bdcdj.certs.selectors import document_verify, pdf_verify
from bdcdj.certs.services import certificate_pdf, certificate_publish, certificates_refresh
from bdcdj.certs.tests.helpers import code_of, sale, version_of
from bdcdj.certs.tests.pdftext import pdf_text
from bdcdj.core.crypto import sm3_hex
from bdcdj.register.models import Operation, Right, RightStatus
from bdcdj.register.services import RegistrationItem, RightSpec, record

pytestmark = pytest.mark.django_db

OFFICIAL_FIELDS = (
    "证号", "权利人", "共有情况", "坐落", "不动产单元号", "权利类型", "权利性质",
    "用途", "面积", "使用期限", "权利其他状况", "附记",
)  # fmt: skip


def test_certify_publishes_a_signed_encrypted_version_with_the_official_fields(staff):
    case = sale(staff)
    certificate = case.certificates.get()
    version = version_of(certificate)
    assert version.version == 1 and version.status == VersionStatus.VALID
    pdf = certificate_pdf(version=version)
    assert b"FontFile2" in pdf and b"WenQuanYiZenHei" in pdf  # CJK font embedded
    text = pdf_text(pdf)
    assert all(label in text for label in OFFICIAL_FIELDS)
    assert certificate.number in text and h.BUYER.name in text and version.unit_codes[0] in text
    assert "不动产权证书" in text and "/verify/" in text and code_of(version)
    assert sm3_hex(pdf) == version.sm3 == certificate.sm3
    assert signing.signature_check(pdf).valid
    stored = Path(settings.BDCDJ_CERTS_DIR) / "files" / version.file_path
    assert not stored.read_bytes().startswith(b"%PDF") and h.BUYER.name.encode() not in stored.read_bytes()
    assert oct(os.stat(stored).st_mode & 0o777) == "0o600"
    identity = Path(settings.BDCDJ_CERTS_DIR) / "signing" / "identity.pem"
    assert oct(os.stat(identity).st_mode & 0o777) == "0o600"


def test_publishing_again_with_unchanged_register_keeps_the_version(staff):
    certificate = sale(staff).certificates.get()
    again = certificate_publish(certificate=certificate, by=staff.clerk)
    assert again.pk == version_of(certificate).pk and certificate.versions.count() == 1


def test_a_modified_pdf_fails_the_signature_and_matches_no_version(staff):
    version = version_of(sale(staff).certificates.get())
    pdf = bytearray(certificate_pdf(version=version))
    at = pdf.find(b"/MediaBox")
    pdf[at + 12 : at + 13] = b"9"  # inside the signed byte range
    check = pdf_verify(content=bytes(pdf))
    assert not check.signature.intact and check.matched is None and not check.valid
    good = pdf_verify(content=certificate_pdf(version=version))
    assert good.valid and good.matched is not None and good.matched.number == version.number


def test_transfer_by_the_buyer_voids_the_buyers_certificate(staff):
    first = sale(staff)
    old = version_of(first.certificates.get())
    code = code_of(old)
    assert document_verify(number=old.number, code=code).status == "valid"
    second = sale(staff, seller=h.BUYER, buyer=h.SPOUSE, unit_code=old.unit_codes[0])
    old.refresh_from_db()
    assert old.status == VersionStatus.VOIDED and "转移登记" in old.void_reason
    assert second.number in old.void_reason
    answer = document_verify(number=old.number, code=code)
    assert answer.status == "voided" and "作废" in answer.message and not answer.restrictions
    assert version_of(second.certificates.get()).status == VersionStatus.VALID


def test_a_change_that_keeps_the_number_supersedes_with_a_new_version(staff):
    certificate = sale(staff).certificates.get()
    v1 = version_of(certificate)
    title = Right.objects.get(pk=v1.right_ids[0])
    result = record(
        by=staff.registrar,
        item=RegistrationItem(
            region_code=title.region_code,
            business_number="2026-CHG-0001",
            operation=Operation.CORRECT,
            registration_type="500",
            reason="更正附记",
            unit_codes=(title.unit.code,),
            target_right_ids=(title.pk,),
            certificate_number=certificate.number,
            right=replace(RightSpec(kind=title.kind, right_type=title.right_type), remarks="依申请更正附记"),
        ),
    )
    changed = certificates_refresh(rights_ended=result.rights_ended, by=staff.registrar)
    v1.refresh_from_db()
    v2 = version_of(certificate)
    assert [c.pk for c in changed] == [v2.pk] and v2.version == 2 and v2.status == VersionStatus.VALID
    assert v1.status == VersionStatus.SUPERSEDED and v1.replaced_by_id == v2.pk
    assert v2.right_ids == [result.rights_created[0].pk] and v2.content_digest != v1.content_digest
    assert "依申请更正附记" in pdf_text(certificate_pdf(version=v2))
    stale = document_verify(number=certificate.number, code=code_of(v1))
    assert stale.status == "superseded" and stale.latest_version == 2 and "第2版" in stale.message
    assert document_verify(number=certificate.number, code=code_of(v2)).status == "valid"
    assert Right.objects.get(pk=title.pk).status == RightStatus.HISTORIC


def test_a_mortgage_leaves_the_certificate_valid_and_shows_on_verify(staff):
    version = version_of(sale(staff).certificates.get())
    unit = Right.objects.get(pk=version.right_ids[0]).unit
    h.mortgage(staff.registrar, unit, owner=h.BUYER)
    version.refresh_from_db()
    answer = document_verify(number=version.number, code=code_of(version))
    assert version.status == VersionStatus.VALID and "抵押：有" in answer.restrictions
