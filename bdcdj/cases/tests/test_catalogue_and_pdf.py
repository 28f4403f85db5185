"""The business-type catalogue is complete and consistent with the standards and the register;
PDFs embed a CJK font and fall back to STSong-Light without it."""

from pathlib import Path

import pytest

from bdcdj.cases import pdf
from bdcdj.cases.services import workflow_validate
from bdcdj.cases.workflows import business_types, default_definition
from bdcdj.register.models import Operation, RightKind
from bdcdj.standards.selectors import dictionary_has, rectype_get

TESTS = Path(__file__).parent


@pytest.mark.django_db
@pytest.mark.parametrize("code", list(business_types()))
def test_business_type_is_consistent_and_its_default_workflow_is_valid(code, districts):
    bt = business_types()[code]
    assert bt.operation in Operation.values and bt.right_kind in RightKind.values
    assert dictionary_has(code="DJLX", value=bt.registration_type)
    assert rectype_get(scheme="revised", rectype=bt.rectype).rectype == bt.rectype
    assert bt.time_limit_workdays in {1, 5}
    assert workflow_validate(business_type=code, definition=default_definition(code)) == default_definition(
        code
    )


def test_every_business_type_has_an_end_to_end_test():
    sources = "".join(p.read_text(encoding="utf-8") for p in TESTS.glob("test_services_*.py"))
    missing = [code for code in business_types() if f'"{code}"' not in sources]
    assert missing == []


def test_certificate_pdf_embeds_the_font_and_a_qr_code():
    content = pdf.CertificateContent(
        title="不动产权证书",
        number="皖(2025)长丰县不动产权第0000001号",
        rows=(("权利人", "李四"), ("附记", "长" * 400)),
        verify_url="/verify/x",
        authority="长丰县不动产登记中心",
        issued_on=__import__("datetime").date(2025, 1, 2),
    )
    data = pdf.render_certificate(content)
    assert data.startswith(b"%PDF-") and b"FontFile2" in data and b"WenQuanYiZenHei" in data
    assert pdf.render_certificate(content) == data  # deterministic output


def test_pdf_falls_back_to_the_builtin_cid_font(monkeypatch):
    monkeypatch.setattr(pdf, "FONT_PATH", Path("/nonexistent/font.ttc"))
    pdf.cjk_font.cache_clear()
    try:
        data = pdf.render_notice(
            pdf.NoticeContent(
                title="受理通知书", number="N1", authority="机构", addressee="申请人", paragraphs=("受理",)
            )
        )
        assert b"STSong-Light" in data
    finally:
        pdf.cjk_font.cache_clear()
