"""Synthetic materials with known truth, for tests and the recognition benchmark: fictional
people and units, laid out like the real documents, rendered as a PDF with a text layer
(reportlab) or as a scanned image (Pillow with the CJK font, slight rotation and noise)."""

from __future__ import annotations

import io
import random
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from PIL import Image, ImageDraw, ImageFilter, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from bdcdj.cases.pdf import FONT_PATH, cjk_font

SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
BANKS = (
    "中国建设银行股份有限公司长丰支行",
    "合肥科技农村商业银行股份有限公司",
    "中国工商银行股份有限公司长丰支行",
)
COURTS = ("长丰县人民法院", "合肥市中级人民法院", "肥西县人民法院")
ROADS = ("和平路", "建设路", "长丰大道", "双墩路", "水湖路")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class Document:
    kind: str
    truth: dict[str, str]  # field code → normalised value, as the extractor should return it
    lines: tuple[str, ...]


def resident_id(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _unit_code(rng: random.Random) -> str:
    zone, block, parcel = rng.randint(1, 9), rng.randint(1, 9), rng.randint(10000, 99999)
    return f"340121{zone:03d}{block:03d}GB{parcel}F{rng.randint(1, 9999):04d}{rng.randint(1, 9999):04d}"


def _location(rng: random.Random) -> str:
    road, number, building = rng.choice(ROADS), rng.randint(1, 200), rng.randint(1, 20)
    return f"长丰县水湖镇{road}{number}号{building}幢{rng.randint(1, 30)}{rng.randint(1, 4):02d}室"


def _date(rng: random.Random, year_from: int, year_to: int) -> str:
    return f"{rng.randint(year_from, year_to):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _cn(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{year}年{month}月{day}日"


def random_truth(kind: str, rng: random.Random) -> dict[str, str]:
    if kind == "id_card":
        birth = _date(rng, 1950, 2004).replace("-", "")
        return {
            "name": _name(rng),
            "id_number": resident_id(f"340121{birth}{rng.randint(0, 999):03d}"),
            "address": f"安徽省合肥市长丰县水湖镇{rng.choice(ROADS)}{rng.randint(1, 300)}号",
        }
    if kind == "sale_contract":
        return {
            "seller": _name(rng),
            "buyer": _name(rng),
            "unit_code": _unit_code(rng),
            "location": _location(rng),
            "price": f"{Decimal(rng.randint(300000, 3000000)) / 10000:.4f}",
            "area": f"{Decimal(rng.randint(4000, 20000)) / 100:.2f}",
        }
    if kind == "mortgage_contract":
        start = _date(rng, 2020, 2026)
        return {
            "mortgagee": rng.choice(BANKS),
            "mortgagor": _name(rng),
            "amount": f"{Decimal(rng.randint(100000, 2000000)) / 10000:.4f}",
            "term_start": start,
            "term_end": f"{int(start[:4]) + rng.choice((10, 20, 30))}{start[4:]}",
            "unit_code": _unit_code(rng),
            "location": _location(rng),
        }
    if kind == "court_order":
        start = _date(rng, 2024, 2026)
        return {
            "court": rng.choice(COURTS),
            "case_number": f"（{start[:4]}）皖0121执{rng.randint(1, 9999)}号",
            "seized_person": _name(rng),
            "unit_code": _unit_code(rng),
            "location": _location(rng),
            "start": start,
            "end": f"{int(start[:4]) + 3}{start[4:]}",
        }
    if kind == "discharge":
        return {
            "mortgagee": rng.choice(BANKS),
            "mortgagor": _name(rng),
            "proof_number": (
                f"皖（{rng.randint(2018, 2026)}）长丰县不动产证明第{rng.randint(1, 9999999):07d}号"
            ),
            "unit_code": _unit_code(rng),
        }
    raise ValueError(kind)


def document_lines(kind: str, truth: Mapping[str, str]) -> tuple[str, ...]:
    """The printed lines of a document of `kind` stating `truth` (missing keys are left out)."""
    t = dict(truth)

    def line(template: str, *keys: str) -> list[str]:
        return [template.format(*(t[k] for k in keys))] if all(t.get(k) for k in keys) else []

    if kind == "id_card":
        rows = [
            "中华人民共和国居民身份证",
            *line("姓名 {}", "name"),
            "性别 男  民族 汉",
            *line("住址 {}", "address"),
            *line("公民身份号码 {}", "id_number"),
        ]
    elif kind == "sale_contract":
        rows = [
            "存量房买卖合同",
            "合同编号：MM-2026-0001",
            *line("出卖人（甲方）：{}", "seller"),
            *line("买受人（乙方）：{}", "buyer"),
            "第一条 房屋基本情况",
            *line("不动产单元号：{}", "unit_code"),
            *line("房屋坐落：{}", "location"),
            *line("建筑面积：{}平方米", "area"),
            "第二条 成交价格",
            *line("成交价格：人民币{}万元", "price"),
            "双方签字盖章后生效。",
        ]
    elif kind == "mortgage_contract":
        rows = [
            "抵押合同",
            "合同编号：DY-2026-0001",
            *line("抵押权人（甲方）：{}", "mortgagee"),
            *line("抵押人（乙方）：{}", "mortgagor"),
            *line("被担保主债权数额：{}万元", "amount"),
        ]
        if t.get("term_start") and t.get("term_end"):
            rows.append(f"债务履行期限：{_cn(t['term_start'])}至{_cn(t['term_end'])}")
        rows += [
            *line("不动产单元号：{}", "unit_code"),
            *line("抵押物坐落：{}", "location"),
            "抵押方式：一般抵押",
        ]
    elif kind == "court_order":
        rows = [
            *line("{}", "court"),
            "协助执行通知书",
            *line("{}", "case_number"),
            "长丰县不动产登记中心：",
            *line("被执行人：{}", "seized_person"),
            *line("不动产单元号：{}", "unit_code"),
            *line("坐落：{}", "location"),
        ]
        if t.get("start") and t.get("end"):
            rows.append(f"查封期限：{_cn(t['start'])}至{_cn(t['end'])}")
        rows.append("请协助执行上述查封事项。")
    elif kind == "discharge":
        rows = [
            "同意注销抵押登记的证明",
            *line("抵押权人：{}", "mortgagee"),
            *line("抵押人：{}", "mortgagor"),
            *line("不动产登记证明号：{}", "proof_number"),
            *line("不动产单元号：{}", "unit_code"),
            "上述抵押担保的债务已全部清偿，本行同意办理抵押权注销登记。",
        ]
    else:
        raise ValueError(kind)
    return tuple(rows)


def make_document(kind: str, rng: random.Random, **overrides: str) -> Document:
    truth = {**random_truth(kind, rng), **overrides}
    return Document(kind=kind, truth=truth, lines=document_lines(kind, truth))


def render_pdf(document: Document) -> bytes:
    """A one-page A4 PDF with a text layer (embedded CJK font)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    font = cjk_font()
    y = A4[1] - 72
    for i, text in enumerate(document.lines):
        pdf.setFont(font, 16 if i == 0 else 11)
        pdf.drawString(60, y, text)
        y -= 24
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def render_image(document: Document, rng: random.Random, *, fmt: str = "PNG", noise: float = 0.005) -> bytes:
    """A scan of the document: black text on white, rotated by up to ±1.5°, with salt-and-pepper
    noise on `noise` of the pixels and a slight blur."""
    font = ImageFont.truetype(str(FONT_PATH), 30)
    height = 60 + 48 * len(document.lines)
    image = Image.new("L", (1400, height), 255)
    draw = ImageDraw.Draw(image)
    for i, text in enumerate(document.lines):
        draw.text((50, 30 + 48 * i), text, font=font, fill=0)
    image = image.rotate(
        rng.uniform(-1.5, 1.5), expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC
    )
    pixels = image.load()
    assert pixels is not None
    for _ in range(int(image.width * image.height * noise)):
        x, y = rng.randrange(image.width), rng.randrange(image.height)
        pixels[x, y] = rng.choice((0, 255))
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def render_scanned_pdf(document: Document, rng: random.Random) -> bytes:
    """A PDF holding only the scanned image (no text layer): the OCR path for PDFs."""
    image = Image.open(io.BytesIO(render_image(document, rng, fmt="JPEG")))
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "PDF", resolution=150)
    return buffer.getvalue()
