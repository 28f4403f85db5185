"""Payment providers behind one interface; `BDCDJ_PAYMENT_PROVIDER` selects one.

A provider creates an order on its side (returning where the payer goes), answers queries
(reconciliation when a callback is lost) and signs its callbacks. The only provider shipped is
the simulator (`python -m bdcdj.payments.simulator`); a real one (银联, 财政非税收缴) implements
the same three methods.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from django.conf import settings

from bdcdj.payments import signing

TIMEOUT = 10


class ProviderError(Exception):
    """The provider could not be reached or answered something we cannot trust."""


@dataclass(frozen=True)
class ProviderOrder:
    trade_number: str
    pay_url: str


@dataclass(frozen=True)
class ProviderReport:
    """What the provider says about an order (from a callback or a query)."""

    merchant: str
    order_number: str
    trade_number: str
    amount: Decimal
    status: str  # paid | paying | failed
    paid_at: str = ""


class Provider(Protocol):
    code: str

    def create(
        self, *, order_number: str, amount: Decimal, subject: str, notify_url: str, return_url: str
    ) -> ProviderOrder: ...

    def query(self, *, order_number: str) -> ProviderReport: ...

    def verify(self, *, body: bytes, headers: Mapping[str, str]) -> bool: ...


def report_from(data: Any) -> ProviderReport:
    """A report from a decoded JSON object; ProviderError when a field is missing or malformed."""
    if not isinstance(data, dict):
        raise ProviderError("应答不是对象")
    try:
        amount = Decimal(str(data["amount"]))
        if not amount.is_finite():
            raise InvalidOperation
        report = ProviderReport(
            merchant=str(data["merchant"]),
            order_number=str(data["order_number"]),
            trade_number=str(data.get("trade_number") or ""),
            amount=amount,
            status=str(data["status"]),
            paid_at=str(data.get("paid_at") or ""),
        )
    except (KeyError, InvalidOperation, ValueError) as exc:
        raise ProviderError("应答缺少字段或格式有误") from exc
    if report.status not in {"paid", "paying", "failed"}:
        raise ProviderError("未知的支付状态")
    return report


class SimulatorProvider:
    """Client of the payment simulator: JSON over HTTP, every request and answer HMAC-SM3 signed."""

    code = "simulator"

    def __init__(self) -> None:
        self.base = str(settings.BDCDJ_PAYMENT_URL).rstrip("/")
        self.merchant = str(settings.BDCDJ_PAYMENT_MERCHANT)
        self.secret = str(settings.BDCDJ_PAYMENT_SECRET)

    def _call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8") if payload is not None else b""
        signed = body if payload is not None else path.encode("utf-8")
        headers = {"Content-Type": "application/json", **signing.sign(secret=self.secret, body=signed)}
        request = urllib.request.Request(self.base + path, data=body or None, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                content = response.read(1_000_000)
                answer_headers = {k: v for k, v in response.headers.items()}
        except (urllib.error.URLError, OSError) as exc:
            raise ProviderError(f"支付渠道不可用：{exc}") from exc
        normalised = {k.title(): v for k, v in answer_headers.items()}
        wanted = {h.title(): h for h in (signing.TIMESTAMP, signing.NONCE, signing.SIGNATURE)}
        check = {original: normalised.get(title, "") for title, original in wanted.items()}
        if not signing.verify(secret=self.secret, body=content, headers=check):
            raise ProviderError("支付渠道应答签名无效")
        try:
            data = json.loads(content)
        except ValueError as exc:
            raise ProviderError("支付渠道应答不是 JSON") from exc
        if not isinstance(data, dict):
            raise ProviderError("支付渠道应答不是对象")
        return data

    def create(
        self, *, order_number: str, amount: Decimal, subject: str, notify_url: str, return_url: str
    ) -> ProviderOrder:
        data = self._call(
            "POST",
            "/api/orders",
            {
                "merchant": self.merchant,
                "order_number": order_number,
                "amount": f"{amount:.2f}",
                "subject": subject,
                "notify_url": notify_url,
                "return_url": return_url,
            },
        )
        trade, url = str(data.get("trade_number") or ""), str(data.get("pay_url") or "")
        if not trade or not url.startswith(("http://", "https://")):
            raise ProviderError("支付渠道未返回交易号或支付地址")
        return ProviderOrder(trade_number=trade, pay_url=url)

    def query(self, *, order_number: str) -> ProviderReport:
        path = f"/api/orders/{urllib.parse.quote(order_number)}?merchant={urllib.parse.quote(self.merchant)}"
        return report_from(self._call("GET", path))

    def verify(self, *, body: bytes, headers: Mapping[str, str]) -> bool:
        return signing.verify(secret=self.secret, body=body, headers=headers)


PROVIDERS: dict[str, type[Provider]] = {"simulator": SimulatorProvider}


def provider() -> Provider:
    code = str(settings.BDCDJ_PAYMENT_PROVIDER)
    if code not in PROVIDERS:
        raise ProviderError(f"未知的支付渠道：{code}")
    return PROVIDERS[code]()
