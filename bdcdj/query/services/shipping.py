"""Express delivery of paper certificates, and the couriers' signed status webhook.

Webhook authentication (per courier, key from BDCDJ_COURIER_KEYS):
`X-Courier`, `X-Timestamp` (Unix seconds, within ±300 s of our clock), `X-Nonce`
(8–64 of [A-Za-z0-9_-], never reused) and `X-Signature` =
hex HMAC-SM3(key, "<courier>\\n<timestamp>\\n<nonce>\\n" + body). A changed body, courier,
time or nonce breaks the signature; a replayed call is refused by its nonce (kept for the
window), and an old one by its timestamp.
"""

from __future__ import annotations

import hmac
import json
import re
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from bdcdj.accounts import pii
from bdcdj.accounts.models import User
from bdcdj.accounts.selectors import require_page, require_tenant
from bdcdj.accounts.services import audit_record
from bdcdj.cases.models import Case
from bdcdj.core.crypto import hmac_sm3_hex
from bdcdj.core.errors import Conflict, DomainError, InvalidInput, NotFound, invalid_fields
from bdcdj.query.models import Shipment, ShipmentEvent, ShipmentStatus, WebhookNonce

WINDOW_SECONDS = 300
BODY_MAX_BYTES = 16 * 1024
NONCE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
TRACKING = re.compile(r"^[A-Za-z0-9]{6,40}$")
COURIER_NAMES = {
    "EMS": "中国邮政EMS",
    "SF": "顺丰速运",
    "JD": "京东物流",
    "ZTO": "中通快递",
    "YTO": "圆通速递",
}


class Unauthenticated(DomainError):
    status_code = 401


def courier_keys() -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for entry in str(settings.BDCDJ_COURIER_KEYS or "").split(","):
        if "=" in entry:
            code, hexkey = entry.split("=", 1)
            try:
                keys[code.strip().upper()] = bytes.fromhex(hexkey.strip())
            except ValueError:
                continue
    return keys


def signature_of(*, key: bytes, courier: str, timestamp: str, nonce: str, body: bytes) -> str:
    return hmac_sm3_hex(key, f"{courier}\n{timestamp}\n{nonce}\n".encode() + body)


def shipment_create(
    *,
    case: Case,
    courier: str,
    tracking_number: str,
    recipient: str,
    phone: str,
    address: str,
    by: User,
) -> Shipment:
    """Record that the case's certificates were handed to a courier (after 缮证)."""
    require_page(user=by, page="cases.certify", write=True)
    require_tenant(user=by, region_code=case.region_code)
    courier = (courier or "").strip().upper()
    tracking_number = (tracking_number or "").strip().upper()
    recipient, address = " ".join((recipient or "").split()), " ".join((address or "").split())
    phone = "".join((phone or "").split())
    errors = {}
    if courier not in courier_keys():
        errors["courier"] = "未对接的快递公司"
    if not TRACKING.match(tracking_number):
        errors["tracking_number"] = "运单号应为6到40位字母或数字"
    if not recipient or len(recipient) > 100:
        errors["recipient"] = "请填写收件人（最长100个字符）"
    if not re.match(r"^\+?[0-9-]{7,20}$", phone):
        errors["phone"] = "请填写正确的联系电话"
    if len(address) < 5 or len(address) > 200 or "\x00" in address + recipient:
        errors["address"] = "请填写详细地址（5到200个字符）"
    numbers = list(case.certificates.order_by("id").values_list("number", flat=True))
    if not numbers:
        errors["case"] = "该业务没有证书或证明可邮寄"
    if errors:
        raise invalid_fields(errors)
    now = timezone.now()
    shipment = Shipment(
        case=case,
        region_code=case.region_code,
        certificate_numbers=numbers,
        courier=courier,
        tracking_number=tracking_number,
        recipient_enc=pii.encrypt_text(recipient),
        recipient_masked=pii.mask_name(recipient),
        phone_enc=pii.encrypt_text(phone),
        phone_masked=pii.mask_phone(phone),
        address_enc=pii.encrypt_text(address),
        address_masked=address[:6] + "****",
        created_at=now,
        created_by=by,
        updated_at=now,
    )
    try:
        with transaction.atomic():
            shipment.full_clean()
            shipment.save()
            audit_record(
                actor=by,
                action="query.shipment_create",
                object_type="query.shipment",
                object_id=str(shipment.pk),
                region_code=case.region_code,
                detail={"case": case.number, "courier": courier, "tracking_number": tracking_number},
            )
    except IntegrityError as exc:
        raise Conflict(code="tracking_exists", message="该运单号已登记") from exc
    return shipment


def _authenticate(*, courier: str, timestamp: str, nonce: str, signature: str, body: bytes) -> None:
    key = courier_keys().get(courier)
    if key is None:
        raise Unauthenticated(code="courier_unknown", message="未对接的快递公司")
    try:
        sent = int(timestamp)
    except ValueError as exc:
        raise Unauthenticated(code="timestamp_invalid", message="时间戳格式有误") from exc
    if abs(time.time() - sent) > WINDOW_SECONDS:
        raise Unauthenticated(code="timestamp_expired", message="请求时间戳超出允许范围（±5分钟）")
    if not NONCE.match(nonce):
        raise Unauthenticated(code="nonce_invalid", message="随机数格式有误")
    expected = signature_of(key=key, courier=courier, timestamp=timestamp, nonce=nonce, body=body)
    if not hmac.compare_digest(expected, (signature or "").lower()):
        raise Unauthenticated(code="signature_invalid", message="签名校验失败")


def _event_fields(body: bytes) -> tuple[str, str, datetime, str, str]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput(code="body_invalid", message="请求体应为 JSON") from exc
    if not isinstance(data, dict):
        raise InvalidInput(code="body_invalid", message="请求体应为 JSON 对象")
    tracking = str(data.get("tracking_number", "")).strip().upper()
    status = str(data.get("status", ""))
    occurred = parse_datetime(str(data.get("occurred_at", ""))) if data.get("occurred_at") else None
    errors = {}
    if not TRACKING.match(tracking):
        errors["tracking_number"] = "运单号有误"
    if status not in ShipmentStatus.values:
        errors["status"] = "未知的状态"
    if occurred is None or timezone.is_naive(occurred):
        errors["occurred_at"] = "应为带时区的 ISO 8601 时间"
    if errors:
        raise invalid_fields(errors)
    assert occurred is not None
    place, note = str(data.get("place", ""))[:100], str(data.get("note", ""))[:200]
    return tracking, status, occurred, place, note


def webhook_receive(
    *, courier: str, timestamp: str, nonce: str, signature: str, body: bytes
) -> ShipmentEvent:
    """One signed status event from a courier; replayed or tampered calls are refused."""
    courier = (courier or "").strip().upper()
    if len(body) > BODY_MAX_BYTES:
        raise InvalidInput(code="body_too_large", message="请求体过大")
    _authenticate(courier=courier, timestamp=timestamp, nonce=nonce, signature=signature, body=body)
    tracking, status, occurred, place, note = _event_fields(body)
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookNonce.objects.create(courier=courier, nonce=nonce, received_at=now)
        except IntegrityError as exc:
            raise Conflict(code="replayed", message="重复的请求（随机数已使用）") from exc
        WebhookNonce.objects.filter(received_at__lt=now - timedelta(seconds=4 * WINDOW_SECONDS)).delete()
        shipment = (
            Shipment.objects.select_for_update().filter(courier=courier, tracking_number=tracking).first()
        )
        if shipment is None:
            raise NotFound(code="shipment_not_found", message="未找到该运单")
        event = ShipmentEvent(
            shipment=shipment, status=status, occurred_at=occurred, place=place, note=note, received_at=now
        )
        event.full_clean()
        event.save()
        latest = shipment.events.order_by("-occurred_at", "-id").first()
        shipment.status = latest.status if latest is not None else status
        shipment.updated_at = now
        shipment.save(update_fields=["status", "updated_at"])
    return event
