"""The electronic receipt (电子缴费票据) of a paid order, as a PDF with the project's CJK font."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bdcdj.cases.models import Fee
from bdcdj.cases.pdf import cjk_font
from bdcdj.cases.services.documents import authority_name
from bdcdj.cases.workflows import business_type_get
from bdcdj.core.errors import Conflict
from bdcdj.payments.models import OrderStatus, PaymentOrder


def receipt_pdf(*, order: PaymentOrder) -> bytes:
    """Deterministic for a given order: the same receipt every time it is downloaded."""
    if order.status != OrderStatus.PAID or order.paid_at is None:
        raise Conflict(code="not_paid", message="订单尚未支付，没有电子票据")
    font = cjk_font()
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13)
    case = order.case
    fees = Fee.objects.filter(case=case, waived=False).order_by("id")
    rows = [["收费项目", "计费依据", "金额（元）"]]
    rows += [[escape(f.name), escape(f.basis), f"{f.amount:.2f}"] for f in fees]
    rows.append(["合计", "", f"{order.amount:.2f}"])
    table = Table(
        [[Paragraph(cell, body) for cell in row] for row in rows], colWidths=[60 * mm, 80 * mm, 30 * mm]
    )
    table.setStyle(
        TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "#555555"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
    )
    paid = timezone.localtime(order.paid_at).strftime("%Y年%m月%d日 %H:%M:%S")
    info = [
        ("票据号", order.receipt_number),
        ("收款单位", authority_name(case.region_code)),
        ("业务号", case.number),
        ("业务类型", business_type_get(case.business_type).name),
        ("订单号", order.number),
        ("渠道交易号", order.trade_number),
        ("缴费人", order.payer or "—"),
        ("支付时间", paid),
    ]
    story = [Paragraph("不动产登记费电子缴费票据", title), Spacer(1, 4 * mm)]
    story += [Paragraph(f"{escape(k)}：{escape(v)}", body) for k, v in info]
    story += [Spacer(1, 3 * mm), table, Spacer(1, 3 * mm)]
    story.append(Paragraph("本票据由不动产统一登记平台根据支付渠道的支付结果生成。", body))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A5),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=10 * mm,
        bottomMargin=10 * mm,
        title=f"电子缴费票据 {order.receipt_number}",
        author="bdcdj",
        invariant=True,
    )
    doc.build(story)
    return buffer.getvalue()
