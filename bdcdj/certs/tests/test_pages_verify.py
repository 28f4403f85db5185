"""The public verify page and API: valid / superseded / voided, masked content, bad input in
Chinese, rate limits against enumeration, PDF upload."""

import json
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bdcdj.cases.tests import helpers as h
from bdcdj.certs.services import certificate_pdf
from bdcdj.certs.tests.helpers import code_of, sale, version_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(staff):
    version = version_of(sale(staff).certificates.get())
    return version, code_of(version)


def test_qr_link_shows_a_valid_certificate_masked(issued):
    version, code = issued
    page = Client().get(f"/verify/{quote(version.number, safe='')}?code={code}")
    body = page.content.decode()
    assert page.status_code == 200 and 'data-status="valid"' in body and "有效" in body
    assert "李*" in body and h.BUYER.name not in body and h.BUYER.id_number not in body
    assert h.SELLER.id_number not in body and page["Cache-Control"] == "no-store"


def test_voided_certificate_says_so_on_the_page(staff, issued):
    version, code = issued
    sale(staff, seller=h.BUYER, buyer=h.SPOUSE, unit_code=version.unit_codes[0])
    body = Client().get("/verify/", {"number": version.number, "code": code.lower()}).content.decode()
    assert 'data-status="voided"' in body and "已作废" in body


def test_wrong_code_and_unknown_number_get_the_same_chinese_answer(issued):
    version, _ = issued
    client = Client()
    wrong = client.get("/verify/", {"number": version.number, "code": "2222-2222-2222"})
    unknown = client.get(
        "/verify/", {"number": "皖(2026)长丰县不动产权第9999999号", "code": "2222-2222-2222"}
    )
    assert wrong.status_code == unknown.status_code == 404
    assert (
        "证书（证明）号或核验码不正确" in wrong.content.decode()
        and "核验码不正确" in unknown.content.decode()
    )
    assert "请输入证书（证明）上的核验码" in client.get(f"/verify/{quote(version.number)}").content.decode()


def test_too_many_wrong_codes_lock_the_number_for_everyone(issued):
    version, code = issued
    for n in range(10):
        Client(REMOTE_ADDR=f"10.0.0.{n}").get(
            "/verify/", {"number": version.number, "code": "2222-2222-2222"}
        )
    locked = Client(REMOTE_ADDR="10.0.1.1").get("/verify/", {"number": version.number, "code": code})
    assert locked.status_code == 429 and "查询过于频繁" in locked.content.decode()


def test_one_client_is_rate_limited(settings, issued):
    settings.BDCDJ_PUBLIC_RATE_LIMIT = "3/600"
    version, code = issued
    client = Client(REMOTE_ADDR="192.0.2.7")
    answers = [client.get("/verify/", {"number": version.number, "code": code}).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = client.post(
        "/api/certs/v1/verify", {"number": version.number, "code": code}, content_type="application/json"
    )
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert (
        Client(REMOTE_ADDR="192.0.2.8").get("/verify/", {"number": version.number, "code": code}).status_code
        == 200
    )


def test_api_verifies_by_number_and_code(issued):
    version, code = issued
    answer = Client().post(
        "/api/certs/v1/verify", {"number": version.number, "code": code}, content_type="application/json"
    )
    data = answer.json()
    assert answer.status_code == 200 and data["status"] == "valid" and data["version"] == 1
    assert h.BUYER.name not in json.dumps(data, ensure_ascii=False) and "抵押：无" in data["restrictions"]
    missing = Client().post(
        "/api/certs/v1/verify", {"number": " ", "code": code}, content_type="application/json"
    )
    assert missing.status_code == 400 and missing.json()["message"] == "请输入证书（证明）号"
    malformed = Client().post("/api/certs/v1/verify", {"number": 1}, content_type="application/json")
    assert malformed.status_code == 422 and malformed.json()["fields"]["code"] == "必填"


def test_pdf_upload_on_the_page_and_the_api(issued):
    version, _ = issued
    pdf = certificate_pdf(version=version)
    page = Client().post("/verify/upload/", {"file": SimpleUploadedFile("c.pdf", pdf, "application/pdf")})
    assert page.status_code == 200 and "签章有效且与登记机构签发的版本一致" in page.content.decode()
    tampered = pdf.replace(b"/MediaBox [ 0 0 595.2756", b"/MediaBox [ 0 0 595.2757", 1)
    api = Client().post("/api/certs/v1/verify/pdf", {"file": SimpleUploadedFile("c.pdf", tampered)})
    data = api.json()
    assert (
        api.status_code == 200
        and not data["valid"]
        and not data["signature"]["intact"]
        and data["matched"] is None
    )
    junk = Client().post("/verify/upload/", {"file": SimpleUploadedFile("x.pdf", b"not a pdf")})
    assert junk.status_code == 400 and "请上传 PDF 文件" in junk.content.decode()
