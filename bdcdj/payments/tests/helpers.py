"""Signed callbacks as the provider sends them, and an order in the state the provider left it."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.test import Client

from bdcdj.cases.models import Case
from bdcdj.payments import signing
from bdcdj.payments.models import OrderStatus, PaymentOrder


def paying_order(case: Case, amount: Decimal | None = None, number: str = "") -> PaymentOrder:
    """An order already handed to the provider (what `order_create` leaves after the provider
    answered), without the provider process."""
    from bdcdj.payments.selectors import amount_due

    return PaymentOrder.objects.create(
        region_code=case.region_code,
        number=number or f"T{case.pk:06d}{int(time.time() * 1000) % 10**9:09d}",
        case=case,
        amount=amount if amount is not None else amount_due(case=case),
        status=OrderStatus.PAYING,
        provider="simulator",
        trade_number="TSIM0001",
        pay_url="http://127.0.0.1:9/pay/TSIM0001",
    )


def callback_body(order: PaymentOrder, **changes: Any) -> bytes:
    report = {
        "merchant": settings.BDCDJ_PAYMENT_MERCHANT,
        "order_number": order.number,
        "trade_number": order.trade_number,
        "amount": f"{order.amount:.2f}",
        "status": "paid",
        "paid_at": "2026-01-05T10:00:00+0800",
        **changes,
    }
    return json.dumps(report, ensure_ascii=False).encode("utf-8")


def post_callback(client: Client, body: bytes, headers: dict[str, str] | None = None) -> Any:
    signed = headers or signing.sign(secret=settings.BDCDJ_PAYMENT_SECRET, body=body)
    meta = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in signed.items()}
    return client.post("/payments/callback/", data=body, content_type="application/json", **meta)
