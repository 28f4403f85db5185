"""Certificates issued at 缮证 enter the log; the public page and the bundle prove them, and a
changed certificate digest is caught by the audit."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bdcdj.certs.models import CertificateVersion
from bdcdj.certs.services import certificate_pdf
from bdcdj.certs.tests.conftest import _isolated, admin_user, districts, make_user, outsider, staff
from bdcdj.certs.tests.helpers import code_of, sale, version_of
from bdcdj.exchange import signing
from bdcdj.ledger.audit import ledger_audit
from bdcdj.ledger.models import Entry, EntryKind
from bdcdj.ledger.selectors import bundle_for, entry_for_document
from bdcdj.ledger.services import tree_head_publish
from bdcdj.ledger.verifier import bundle_check

__all__ = ["_isolated", "admin_user", "districts", "make_user", "outsider", "staff"]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _signing_dir(settings, tmp_path):
    settings.BDCDJ_CERTS_DIR = tmp_path / "certs"


@pytest.fixture
def issued(staff):
    version = version_of(sale(staff).certificates.get())
    tree_head_publish()
    return version, code_of(version)


def test_issued_certificate_is_in_the_log_and_verifies_independently(issued):
    version, _ = issued
    entry = entry_for_document(document_sm3=version.sm3)
    assert entry is not None and entry.index is not None and entry.kind == EntryKind.CERTIFICATE
    assert version.number not in entry.entry  # digests only
    pdf = certificate_pdf(version=version)
    check = bundle_check(bundle_for(entry), public_key_hex=signing.node_public_key_hex(), document=pdf)
    assert check.ok, check.steps
    assert not bundle_check(
        bundle_for(entry), public_key_hex=signing.node_public_key_hex(), document=pdf + b"x"
    ).ok
    assert ledger_audit().ok


def test_public_page_shows_inclusion_by_number_and_code_and_by_upload(issued):
    version, code = issued
    client = Client()
    page = client.get("/ledger/", {"number": version.number, "code": code})
    body = page.content.decode()
    assert page.status_code == 200 and 'data-inclusion="verified"' in body and "签名有效" in body
    pdf = certificate_pdf(version=version)
    upload = client.post("/ledger/upload/", {"file": SimpleUploadedFile("c.pdf", pdf, "application/pdf")})
    assert 'data-inclusion="verified"' in upload.content.decode()
    bad = client.get("/ledger/", {"number": version.number, "code": "2222-2222-2222"})
    assert bad.status_code == 404 and "核验码不正确" in bad.content.decode()


def test_changed_certificate_digest_is_detected(issued):
    version, _ = issued
    CertificateVersion.objects.filter(pk=version.pk).update(sm3="00" * 32)
    assert any("电子证照版本" in f for f in ledger_audit().findings)
    assert Entry.objects.filter(kind=EntryKind.CERTIFICATE).count() == CertificateVersion.objects.count()
