"""Writes of payments: create an order for a case's fees, take a provider's callback, reconcile
by query when a callback never came. A paid order schedules the case's automatic handling."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from bdcdj.accounts.models import AuditLog
from bdcdj.accounts.services import audit_record
from bdcdj.cases.models import Case
from bdcdj.cases.services.automation import auto_advance_schedule
from bdcdj.cases.workflows import business_type_get
from bdcdj.core.errors import Conflict
from bdcdj.payments.models import OPEN_STATUSES, OrderStatus, PaymentNotice, PaymentOrder
from bdcdj.payments.providers import ProviderError, ProviderReport, provider, report_from
from bdcdj.payments.selectors import amount_due, paid_order

MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class CallbackOutcome:
    status_code: int
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


def _audit(order: PaymentOrder | None, action: str, detail: dict, outcome: str = AuditLog.Outcome.OK) -> None:
    audit_record(
        actor=None,
        actor_name="payments",
        action=action,
        object_type="payments.order",
        object_id=order.number if order else "",
        region_code=order.region_code if order else "",
        detail=detail,
        outcome=outcome,
    )


def _number() -> str:
    return timezone.localtime().strftime("%Y%m%d%H%M%S") + secrets.token_hex(6).upper()


def order_create(*, case: Case, payer: str, notify_url: str, return_url: str) -> PaymentOrder:
    """An order for what the case still owes, handed to the provider; an open order for the same
    amount is reused. Conflict when nothing is owed or the provider is down."""
    amount = amount_due(case=case)
    if paid_order(case=case) is not None:
        raise Conflict(code="already_paid", message=f"业务 {case.number} 已缴费")
    if amount <= 0:
        raise Conflict(code="nothing_due", message=f"业务 {case.number} 无需缴费")
    with transaction.atomic():
        existing = (
            PaymentOrder.objects.select_for_update()
            .filter(case=case, status=OrderStatus.PAYING, amount=amount)
            .order_by("-created_at")
            .first()
        )
        if existing is not None and existing.pay_url:
            return existing
        order = PaymentOrder(
            region_code=case.region_code,
            number=_number(),
            case=case,
            amount=amount,
            provider=str(settings.BDCDJ_PAYMENT_PROVIDER),
            payer=payer[:100],
        )
        order.full_clean()
        order.save()
    subject = f"{business_type_get(case.business_type).name[:40]} 登记费 {case.number}"
    try:
        made = provider().create(
            order_number=order.number,
            amount=amount,
            subject=subject,
            notify_url=notify_url,
            return_url=return_url,
        )
    except ProviderError as exc:
        PaymentOrder.objects.filter(pk=order.pk).update(status=OrderStatus.FAILED, failure=str(exc)[:200])
        _audit(order, "payments.order_create", {"error": str(exc)[:200]}, AuditLog.Outcome.ERROR)
        raise Conflict(code="provider_unavailable", message="支付渠道暂不可用，请稍后再试") from exc
    PaymentOrder.objects.filter(pk=order.pk).update(
        status=OrderStatus.PAYING, trade_number=made.trade_number[:64], pay_url=made.pay_url[:500]
    )
    order.refresh_from_db()
    _audit(order, "payments.order_create", {"case": case.number, "amount": f"{amount:.2f}"})
    return order


def _apply(order: PaymentOrder, report: ProviderReport, *, via: str) -> CallbackOutcome:
    """Bring a locked order in line with a trusted report. Mismatches change nothing."""
    if report.merchant != settings.BDCDJ_PAYMENT_MERCHANT:
        return CallbackOutcome(400, "merchant_mismatch", "商户号不符")
    if report.amount != order.amount:
        return CallbackOutcome(400, "amount_mismatch", "支付金额与订单金额不符，已拒绝")
    if order.trade_number and report.trade_number and report.trade_number != order.trade_number:
        return CallbackOutcome(400, "trade_mismatch", "渠道交易号与订单不符，已拒绝")
    if report.status == "paid":
        if order.status == OrderStatus.PAID:
            return CallbackOutcome(200, "duplicate", "订单已支付（重复通知）")
        if order.status not in OPEN_STATUSES:
            return CallbackOutcome(
                409, "order_closed", f"订单状态为“{order.get_status_display()}”，不能改为已支付"
            )
        order.status, order.paid_at = OrderStatus.PAID, timezone.now()
        order.trade_number = order.trade_number or report.trade_number[:64]
        order.receipt_number = f"PJ{order.region_code}{order.number}"[:32]
        order.save(update_fields=["status", "paid_at", "trade_number", "receipt_number", "updated_at"])
        _audit(
            order, "payments.paid", {"via": via, "amount": f"{order.amount:.2f}", "case": order.case.number}
        )
        auto_advance_schedule(case=order.case)
        return CallbackOutcome(200, "paid", "已支付")
    if report.status == "failed" and order.status in OPEN_STATUSES:
        order.status, order.failure = OrderStatus.FAILED, "支付渠道报告支付失败或已取消"
        order.save(update_fields=["status", "failure", "updated_at"])
        _audit(order, "payments.failed", {"via": via})
        return CallbackOutcome(200, "failed", "已记录支付失败")
    return CallbackOutcome(200, "noted", "状态未变")


def callback_receive(*, body: bytes, headers: Mapping[str, str]) -> CallbackOutcome:
    """A provider's signed notification. Refused, with nothing changed: a bad signature, a stale
    timestamp, a nonce seen before (replay), an unknown order, another amount or trade number."""
    if len(body) > MAX_BODY:
        return CallbackOutcome(413, "too_large", "通知过大")
    if not provider().verify(body=body, headers=headers):
        _audit(None, "payments.callback", {"reason": "signature"}, AuditLog.Outcome.DENIED)
        return CallbackOutcome(400, "bad_signature", "签名无效，已拒绝")
    sent = dt.datetime.fromtimestamp(int(headers["X-Pay-Timestamp"]), tz=dt.UTC)
    if abs((timezone.now() - sent).total_seconds()) > settings.BDCDJ_PAYMENT_CALLBACK_WINDOW:
        _audit(None, "payments.callback", {"reason": "stale"}, AuditLog.Outcome.DENIED)
        return CallbackOutcome(400, "stale", "通知时间戳超出有效期，已拒绝")
    try:
        report = report_from(json.loads(body))
    except (ValueError, ProviderError):
        return CallbackOutcome(400, "malformed", "通知内容格式有误")
    with transaction.atomic():
        order = (
            PaymentOrder.objects.select_for_update()
            .select_related("case")
            .filter(number=report.order_number)
            .first()
        )
        try:
            with transaction.atomic():
                notice = PaymentNotice.objects.create(
                    order=order, nonce=headers["X-Pay-Nonce"], sent_at=sent, outcome="received"
                )
        except IntegrityError:
            outcome = CallbackOutcome(409, "replay", "重复的通知（随机数已使用），已拒绝")
        else:
            if order is None:
                outcome = CallbackOutcome(404, "order_not_found", "订单不存在")
            else:
                outcome = _apply(order, report, via="callback")
            PaymentNotice.objects.filter(pk=notice.pk).update(
                outcome=outcome.code, detail=outcome.message[:200]
            )
    if outcome.status_code >= 400:
        _audit(order, "payments.callback", {"reason": outcome.code}, AuditLog.Outcome.DENIED)
    return outcome


def order_reconcile(*, order: PaymentOrder) -> PaymentOrder:
    """Ask the provider about an open order (a lost callback) and apply the answer."""
    if order.status not in OPEN_STATUSES:
        return order
    try:
        report = provider().query(order_number=order.number)
    except ProviderError as exc:
        _audit(order, "payments.reconcile", {"error": str(exc)[:200]}, AuditLog.Outcome.ERROR)
        return order
    if report.order_number != order.number:
        _audit(order, "payments.reconcile", {"reason": "order_mismatch"}, AuditLog.Outcome.DENIED)
        return order
    with transaction.atomic():
        locked = PaymentOrder.objects.select_for_update().select_related("case").get(pk=order.pk)
        outcome = _apply(locked, report, via="query")
    if outcome.status_code >= 400:
        _audit(locked, "payments.reconcile", {"reason": outcome.code}, AuditLog.Outcome.DENIED)
    return locked


def orders_reconcile(*, older_than_seconds: int = 60) -> dict[str, int]:
    """Reconcile every open order older than the given age (the periodic job)."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    counts: dict[str, int] = {}
    for order in PaymentOrder.objects.filter(
        status=OrderStatus.PAYING, created_at__lte=cutoff
    ).select_related("case"):
        status = order_reconcile(order=order).status
        counts[status] = counts.get(status, 0) + 1
    return counts
