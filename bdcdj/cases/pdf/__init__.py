"""PDF documents of a case: notices (受理/不予受理/补正/不予登记) and the 不动产权证书 /
不动产登记证明 with a QR code to the public verify page.

The services prepare plain text (`NoticeContent`, `CertificateContent`); this package only
lays it out. A CJK font is embedded (WenQuanYi Zen Hei from Debian fonts-wqy-zenhei, subset);
without it the built-in CID font STSong-Light is used, which readers must supply. Signing
(pyhanko) wraps these bytes in `bdcdj.certs`.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import LayoutError

FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
FALLBACK_FONT = "STSong-Light"


class PdfRenderError(Exception):
    """The layout engine could not place the content (e.g. one enormous cell)."""


@functools.cache
def cjk_font() -> str:
    """Register and return the CJK font name; embedded TrueType when available."""
    if FONT_PATH.exists():
        try:
            pdfmetrics.registerFont(TTFont("WenQuanYiZenHei", str(FONT_PATH), subfontIndex=0))
            return "WenQuanYiZenHei"
        except (TTFError, OSError):
            pass
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


@dataclass(frozen=True)
class NoticeContent:
    title: str
    number: str
    authority: str
    addressee: str
    paragraphs: tuple[str, ...]
    rows: tuple[tuple[str, str], ...] = ()
    items: tuple[str, ...] = ()
    issued_on: date = field(default_factory=date.today)


@dataclass(frozen=True)
class CertificateContent:
    title: str  # 不动产权证书 | 不动产登记证明
    number: str
    rows: tuple[tuple[str, str], ...]
    verify_url: str
    authority: str
    issued_on: date
    verify_code: str = ""  # 核验码 (shown grouped, e.g. ABCD-EFGH-JKMN), with the QR code
    version: int = 0  # 电子证照版本 (0: not versioned)
    number_label: str = ""  # the first row's label; 证号 / 证明号 by the title when empty


class QrCode(Flowable):
    """A QR code drawn as vector squares (no image library needed)."""

    def __init__(self, data: str, size: float) -> None:
        super().__init__()
        self.qr = segno.make(data, error="m")
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        matrix = [list(row) for row in self.qr.matrix]
        count = len(matrix) + 8  # quiet zone of four modules on each side
        module = self.size / count
        canvas = self.canv
        canvas.setFillColor(colors.black)
        for y, row in enumerate(matrix):
            for x, dark in enumerate(row):
                if dark:
                    canvas.rect(
                        (x + 4) * module, self.size - (y + 5) * module, module, module, stroke=0, fill=1
                    )


def _styles() -> dict[str, ParagraphStyle]:
    font = cjk_font()
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=20, leading=28, alignment=TA_CENTER),
        "number": ParagraphStyle("number", fontName=font, fontSize=11, leading=16, alignment=TA_CENTER),
        "body": ParagraphStyle("body", fontName=font, fontSize=11, leading=18, wordWrap="CJK"),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=10, leading=15, wordWrap="CJK"),
        "right": ParagraphStyle("right", fontName=font, fontSize=11, leading=18, alignment=2),
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def _table(rows: tuple[tuple[str, str], ...], styles: dict[str, ParagraphStyle]) -> Table:
    data = [
        [Paragraph(_escape(k), styles["cell"]), Paragraph(_escape(v or "—"), styles["cell"])] for k, v in rows
    ]
    table = Table(data, colWidths=[38 * mm, 132 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
            ]
        )
    )
    return table


def _build(story: list[Flowable], *, title: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=title,
        author="不动产登记机构",
        invariant=True,
    )
    try:
        doc.build(story)
    except LayoutError as exc:
        raise PdfRenderError(str(exc)) from exc
    return buffer.getvalue()


def _date(day: date) -> str:
    return f"{day.year}年{day.month:02d}月{day.day:02d}日"


def render_notice(content: NoticeContent) -> bytes:
    styles = _styles()
    story: list[Flowable] = [
        Paragraph(_escape(content.title), styles["title"]),
        Paragraph(_escape(content.number), styles["number"]),
        Spacer(1, 8 * mm),
        Paragraph(_escape(f"{content.addressee}："), styles["body"]),
    ]
    story += [Paragraph(_escape("　　" + text), styles["body"]) for text in content.paragraphs]
    if content.items:
        story.append(Spacer(1, 3 * mm))
        story += [
            Paragraph(_escape(f"　　{index}. {item}"), styles["body"])
            for index, item in enumerate(content.items, 1)
        ]
    if content.rows:
        story += [Spacer(1, 5 * mm), _table(content.rows, styles)]
    story += [
        Spacer(1, 15 * mm),
        Paragraph(_escape(content.authority), styles["right"]),
        Paragraph(_date(content.issued_on), styles["right"]),
    ]
    return _build(story, title=content.title)


def render_certificate(content: CertificateContent) -> bytes:
    """The official fields as a table headed by 证号, then the QR code to the verify page
    with the authority, the date and (when versioned) the 核验码 and version."""
    styles = _styles()
    qr = QrCode(content.verify_url, 32 * mm)
    lines = [
        Paragraph(_escape(f"登记机构：{content.authority}"), styles["body"]),
        Paragraph(_escape(f"登簿日期：{_date(content.issued_on)}"), styles["body"]),
    ]
    if content.verify_code:
        version = f"（第{content.version}版）" if content.version else ""
        lines.append(Paragraph(_escape(f"核验码：{content.verify_code}{version}"), styles["body"]))
    lines.append(Paragraph(_escape(f"扫码核验：{content.verify_url}"), styles["cell"]))
    footer = Table([[qr, lines]], colWidths=[40 * mm, 130 * mm])
    footer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    number_label = content.number_label or ("证明号" if content.title.endswith("证明") else "证号")
    story: list[Flowable] = [
        Paragraph(_escape(content.title), styles["title"]),
        Paragraph(_escape(content.number), styles["number"]),
        Spacer(1, 6 * mm),
        _table(((number_label, content.number), *content.rows), styles),
        Spacer(1, 8 * mm),
        footer,
    ]
    return _build(story, title=f"{content.title} {content.number}")
