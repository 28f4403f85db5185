"""What both sides share: node keys and peers, replay refusal, the query log, HTTP posting."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from bdcdj.core.errors import Conflict, InvalidInput
from bdcdj.exchange.services.relay import Answer, post
from bdcdj.precise.envelope import Envelope
from bdcdj.precise.models import QueryLog, SeenNonce, TargetKind
from bdcdj.quality.values import is_credit_code, is_id_card

API_PREFIX = "/api/precise/v1"
CLOCK_SKEW = dt.timedelta(minutes=10)
TIMEOUT_SECONDS = 10
# Signature-authenticated requests carry no bearer token (the relay's upstream token is not
# for these peers); the header says how the request is authenticated.
AUTH_HEADER = "BDCDJ-SM2-Envelope"


def node_key() -> str:
    return str(settings.BDCDJ_NODE_SM2_KEY).lower()


def node_region() -> str:
    return str(settings.BDCDJ_REGION_CODE)


def national_region() -> str:
    return str(settings.BDCDJ_PRECISE_NATIONAL_REGION)


def national_public_key() -> str:
    key = str(settings.BDCDJ_PRECISE_NATIONAL_PUBLIC_KEY)
    if not key:
        raise InvalidInput(
            code="national_key_missing", message="未配置国家级节点公钥（BDCDJ_PRECISE_NATIONAL_PUBLIC_KEY）"
        )
    return key


def national_url() -> str:
    return str(settings.BDCDJ_PRECISE_NATIONAL_URL).rstrip("/")


def envelope_fresh(envelope: Envelope, *, now: dt.datetime | None = None) -> None:
    """Refuse an envelope sent outside the clock window, or one whose nonce was seen before.

    Called only after its signature verified, so a forged envelope cannot use up a nonce. The
    nonce is stored in the receiving transaction: once an envelope was accepted, the same bytes
    are refused.
    """
    now = now or timezone.now()
    if abs(now - envelope.sent_at) > CLOCK_SKEW:
        raise InvalidInput(
            code="envelope_stale", message="报文信封的发送时间超出允许范围（±10分钟），可能是重放"
        )
    try:
        with transaction.atomic():
            SeenNonce.objects.create(sender=envelope.sender, nonce=envelope.nonce, seen_at=now)
    except IntegrityError as exc:
        raise Conflict(code="envelope_replayed", message="重复的报文信封（随机数已使用），拒绝重放") from exc


def nonces_prune(*, now: dt.datetime | None = None) -> int:
    """Forget nonces older than the clock window allows (such envelopes are refused as stale)."""
    cutoff = (now or timezone.now()) - 2 * CLOCK_SKEW
    deleted, _ = SeenNonce.objects.filter(seen_at__lt=cutoff).delete()
    return deleted


def log_add(*, region_code: str, task_serial: str, event: str, count: int = 0) -> None:
    QueryLog.objects.create(
        region_code=region_code, day=timezone.localdate(), task_serial=task_serial, event=event, count=count
    )


def envelope_post(url: str, body: bytes, *, timeout: float = TIMEOUT_SECONDS) -> Answer:
    """POST an envelope with the exchange relay's transport (never raises for network trouble)."""
    return post(
        url,
        body,
        region_code=node_region(),
        extra_headers={"Content-Type": "application/json", "Authorization": AUTH_HEADER},
        timeout=timeout,
    )


def answer_code(answer: Answer) -> str:
    """The `code` of a JSON error answer, or ""."""
    try:
        body: Any = json.loads(answer.body)
    except ValueError:
        return ""
    return str(body.get("code", "")) if isinstance(body, dict) else ""


def task_field_errors(
    *, authority: str, legal_basis: str, purpose: str, target_kind: str, target_id: str
) -> dict[str, str]:
    """Per-field Chinese messages for a task's content; the national node checks at creation and
    each county again on receipt (a task without legal basis is never worked)."""
    errors: dict[str, str] = {}
    for name, value, limit, label in (
        ("authority", authority, 100, "请求机关"),
        ("legal_basis", legal_basis, 300, "法律依据"),
        ("purpose", purpose, 300, "查询目的"),
    ):
        if not value.strip():
            errors[name] = f"必须填写{label}"
        elif len(value) > limit:
            errors[name] = f"{label}最长 {limit} 个字符"
    if target_kind == TargetKind.PERSON:
        if not is_id_card(target_id):
            errors["target_id"] = "身份证件号码无效（18位，校验位正确）"
    elif target_kind == TargetKind.ORGANISATION:
        if not is_credit_code(target_id):
            errors["target_id"] = "统一社会信用代码无效（18位，校验位正确）"
    else:
        errors["target_kind"] = "查询对象类别应为自然人或法人/其他组织"
    return errors
