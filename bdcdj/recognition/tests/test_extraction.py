"""Extraction from generated documents: the PDF text layer, the OCR path, and bad input that
must come back as a clear Chinese message instead of an error."""

import io
import random

import pytest
from PIL import Image

from bdcdj.recognition import synthetic
from bdcdj.recognition.extractors import EXTRACTORS, classify, wan
from bdcdj.recognition.reader import tesseract_path
from bdcdj.recognition.services import extract

KINDS = sorted(EXTRACTORS)


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_of_a_generated_pdf_is_read_from_its_text_layer(kind):
    rng = random.Random(kind)
    for _ in range(3):
        document = synthetic.make_document(kind, rng)
        outcome = extract(content=synthetic.render_pdf(document))
        assert outcome.path == "text" and outcome.kind == kind and outcome.status == "ok", outcome.message
        assert {code: f["value"] for code, f in outcome.fields.items()} == document.truth
        assert 0.9 < outcome.confidence <= 1


def test_the_checklist_hint_does_not_override_what_the_document_is():
    document = synthetic.make_document("sale_contract", random.Random(1))
    outcome = extract(content=synthetic.render_pdf(document), expected_kind="mortgage_contract")
    assert outcome.kind == "sale_contract"


def test_amounts_in_yuan_become_wan_and_unknown_text_is_unknown():
    assert wan("成交价格：人民币1,500,000.00元") == "150.0000"
    assert wan("80万元") == "80.0000"
    assert classify("会议纪要\n今天天气很好") == "unknown"


@pytest.mark.slow
@pytest.mark.skipif(
    tesseract_path() is None,
    reason="未安装 tesseract（scripts/system-deps.sh 安装 tesseract-ocr 与 chi_sim）",
)
def test_a_scanned_mortgage_contract_is_read_by_ocr():
    rng = random.Random(7)
    document = synthetic.make_document("mortgage_contract", rng)
    outcome = extract(content=synthetic.render_image(document, rng))
    assert outcome.path == "ocr" and outcome.kind == "mortgage_contract"
    values = {code: f["value"] for code, f in outcome.fields.items()}
    for code in ("amount", "unit_code", "term_start", "term_end", "mortgagee"):
        assert values.get(code) == document.truth[code], code
    assert all(0 < f["confidence"] <= 1 for f in outcome.fields.values())


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (width, height), 1).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n1 0 obj <</Type /Catalog /Pages 9 0 R>> endobj\nxref\ngarbage", "PDF"),
        (b"%PDF-1.4\n% test material\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "PDF"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "图片已损坏"),
        (b"GIF89a" + b"\x00" * 64, "不支持的文件类型"),
        (b"", "文件为空"),
    ],
)
def test_bad_files_are_unreadable_with_a_chinese_reason(content, message):
    outcome = extract(content=content)
    assert outcome.status == "unreadable" and message in outcome.message


def test_a_huge_image_is_refused_before_it_is_decoded():
    outcome = extract(content=_png(9000, 6000))  # 54 megapixels, a few kB on disk
    assert outcome.status == "unreadable" and "图片过大" in outcome.message
