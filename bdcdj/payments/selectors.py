"""Reads of payments: what a case owes and whether it is paid (the contract other apps use),
its orders, and the tax status of a transfer."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse

from bdcdj.cases.models import Case
from bdcdj.cases.workflows import business_type_get
from bdcdj.core.errors import NotFound
from bdcdj.payments.models import OrderStatus, PaymentOrder
from bdcdj.sharing.models import SharingCheck
from bdcdj.sharing.services import check

ZERO = Decimal("0.00")
TAX_UNAVAILABLE = "税务状态暂不可用"
TAX_KIND = "collab.tax_status"
TAX_LABELS = {"paid": "已完税", "unpaid": "未完税", "exempt": "免税"}


@dataclass(frozen=True)
class PaymentSummary:
    total: Decimal  # yuan, from the case's Fee rows (waived items not counted)
    paid: bool
    status_label: str  # 无需缴费 | 待缴费 | 已缴费 | 支付处理中
    receipt_url: str  # "" until paid


def amount_due(*, case: Case) -> Decimal:
    total = case.fees.filter(waived=False).aggregate(total=Sum("amount"))["total"]
    return (total or ZERO).quantize(Decimal("0.01"))


def paid_order(*, case: Case) -> PaymentOrder | None:
    return PaymentOrder.objects.filter(case=case, status=OrderStatus.PAID).order_by("-paid_at").first()


def payment_summary(*, case: Case) -> PaymentSummary:
    total = amount_due(case=case)
    if total <= 0:
        return PaymentSummary(total=total, paid=True, status_label="无需缴费", receipt_url="")
    order = paid_order(case=case)
    if order is not None and order.amount == total:
        url = reverse("payments:receipt", kwargs={"number": order.number})
        return PaymentSummary(total=total, paid=True, status_label="已缴费", receipt_url=url)
    paying = PaymentOrder.objects.filter(case=case, status=OrderStatus.PAYING).exists()
    return PaymentSummary(
        total=total, paid=False, status_label="支付处理中" if paying else "待缴费", receipt_url=""
    )


def orders_for_case(*, case: Case) -> list[PaymentOrder]:
    return list(PaymentOrder.objects.filter(case=case).order_by("-created_at", "-id")[:20])


def order_get(*, number: str) -> PaymentOrder:
    """An order by its number; callers check who may see its case."""
    order = PaymentOrder.objects.select_related("case").filter(number=number).first()
    if order is None:
        raise NotFound(code="order_not_found", message="未找到缴费订单")
    return order


def is_transfer(case: Case) -> bool:
    bt = business_type_get(case.business_type)
    return bt.operation == "transfer" and bt.right_kind == "house_ownership"


def tax_status(*, case: Case, operator: str) -> str:
    """税务协同: the tax status of a transfer ("" for other businesses). The latest archived check
    of the case is shown; without one a check is started (answered by the worker)."""
    if not is_transfer(case):
        return ""
    latest = SharingCheck.objects.filter(case=case, kind=TAX_KIND).order_by("-created_at", "-id").first()
    if latest is None:
        unit = case.units.order_by("order").values_list("unit_code", flat=True).first() or ""
        outcome = check(
            kind=TAX_KIND,
            params={"case_number": case.number, "unit_code": unit},
            operator=operator,
            case=case,
            wait=False,
        )
        status, message, data = outcome.status, outcome.message, outcome.data
    else:
        status, message, data = latest.status, latest.message, latest.result
    if status == "ok":
        value = str((data or {}).get("tax_status", ""))
        return TAX_LABELS.get(value, message or value or "已核验")
    if status == "pending":
        return "税务状态核验中"
    return message or TAX_UNAVAILABLE
