"""The relay: delivers pending outbox messages to the upper node and stores its receipts.

One pass (`relay_once`):
1. claim due rows — status pending (or a sending row whose lease ran out after a crash) with
   `next_attempt_at` ≤ now, oldest first; on PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED`, so
   several relays never take the same row; on SQLite a plain select (one writer). A claimed row
   becomes "sending" with a lease (`next_attempt_at` = now + LEASE) and is committed at once;
2. per unit, in order: a row is skipped while an earlier, not superseded message for the same
   unit (by `ordered_at`, a re-send keeping its original's place) is not acked;
3. POST the bytes to `{BDCDJ_UPSTREAM_URL}/api/exchange/v1/messages` (Content-Type
   application/xml, X-Bdcdj-Node, Authorization: Bearer <BDCDJ_NODE_TOKEN>, 10 s timeout),
   outside any transaction;
4. a `<Rep>` receipt with SuccessFlag 1 → acked, 2 → rejected (kept for 销账, re-send from the
   page); network errors, timeouts, 5xx, 429 and unreadable answers → back to pending with
   exponential backoff (30 s · 2^(n-1), capped at 1 h, ±20 % jitter), attempts counted, for
   ever — a message is never dropped; other 4xx without a receipt (wrong token, bad request)
   → failed, shown on the page until someone re-sends it.

When more than one message can go in a round, they go together to
`…/messages/batch` (JSON, each message base64; the answer lists one receipt per message, in
order, each handled as the answer to a single delivery). A batch holds at most one message
per unit, so a unit's next message still waits for the receipt of the one before. An upper
node without the batch endpoint (404, or 405/413/415) gets single deliveries for the rest of
the pass.
"""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import json
import logging
import random
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from bdcdj.exchange.messages import MessageError, parse_receipt
from bdcdj.exchange.models import OutboxMessage, OutboxStatus
from bdcdj.exchange.services.hooks import run_rejected

logger = logging.getLogger(__name__)

ENDPOINT = "/api/exchange/v1/messages"
BATCH_ENDPOINT = "/api/exchange/v1/messages/batch"
BATCH_MAX_MESSAGES = 50
BATCH_MAX_BYTES = 4 * 1024 * 1024  # raw bytes per batch; base64 adds a third
NO_BATCH_STATUSES = frozenset({404, 405, 413, 415})
TIMEOUT_SECONDS = 10
LEASE = dt.timedelta(minutes=2)
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600
JITTER = 0.2
RETRY_STATUSES = frozenset({408, 425, 429})


@dataclass
class RelayReport:
    claimed: int = 0
    acked: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


def backoff(attempts: int, *, rng: random.Random | None = None) -> dt.timedelta:
    """Delay before attempt `attempts + 1`: exponential, capped, jittered."""
    base = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    spread = (rng or random).uniform(1 - JITTER, 1 + JITTER)
    return dt.timedelta(seconds=min(BACKOFF_CAP_SECONDS, base * spread))


def _blocked(message: OutboxMessage) -> bool:
    earlier = OutboxMessage.objects.filter(
        region_code=message.region_code, unit_code=message.unit_code, superseded=False
    ).filter(Q(ordered_at__lt=message.ordered_at) | Q(ordered_at=message.ordered_at, pk__lt=message.pk))
    return earlier.exclude(status=OutboxStatus.ACKED).exclude(pk=message.pk).exists()


def _claim(now: dt.datetime, limit: int, report: RelayReport) -> list[OutboxMessage]:
    due = Q(status=OutboxStatus.PENDING) | Q(status=OutboxStatus.SENDING)
    with transaction.atomic():
        query = OutboxMessage.objects.filter(due, next_attempt_at__lte=now, superseded=False).order_by(
            "ordered_at", "id"
        )
        if connection.vendor == "postgresql":
            query = query.select_for_update(skip_locked=True)
        claimed: list[OutboxMessage] = []
        for message in query[: limit * 4]:
            if len(claimed) >= limit:
                break
            if _blocked(message):
                report.blocked.append(message.biz_msg_id)
                continue
            message.status = OutboxStatus.SENDING
            message.next_attempt_at = now + LEASE
            message.save(update_fields=["status", "next_attempt_at"])
            claimed.append(message)
    return claimed


@dataclass(frozen=True)
class Answer:
    status: int  # HTTP status; 0 when nothing came back
    body: bytes
    error: str
    node: str = ""  # the answering node's region (X-Bdcdj-Node of the answer), when it says


def post(
    url: str,
    body: bytes | IO[bytes],
    *,
    region_code: str,
    extra_headers: dict[str, str] | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> Answer:
    """POST XML upstream with this node's credentials; never raises for network trouble (the
    relay and the daily-log sender decide about retries from the Answer)."""
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/xml",
            "X-Bdcdj-Node": region_code,
            "Authorization": f"Bearer {settings.BDCDJ_NODE_TOKEN}",
            **(extra_headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(
                status=response.status,
                body=response.read(1024 * 1024),
                error="",
                node=(response.headers.get("X-Bdcdj-Node") or "")[:6],
            )
    except urllib.error.HTTPError as exc:
        return Answer(status=exc.code, body=exc.read(1024 * 1024), error=f"HTTP {exc.code}")
    except (urllib.error.URLError, TimeoutError, ConnectionError, http.client.HTTPException, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return Answer(status=0, body=b"", error=f"网络错误：{type(reason).__name__}")


def _deliver(message: OutboxMessage, url: str, now: dt.datetime, report: RelayReport) -> None:
    _apply(message, post(url, message.xml_bytes, region_code=message.region_code), now, report)


def _deliver_batch(batch: list[OutboxMessage], url: str, now: dt.datetime, report: RelayReport) -> bool:
    """POST several messages at once; False (nothing applied) when the upper node has no batch
    endpoint, so the caller delivers them one by one."""
    body = json.dumps({"messages": [base64.b64encode(m.xml_bytes).decode("ascii") for m in batch]})
    answer = post(
        url,
        body.encode("ascii"),
        region_code=batch[0].region_code,
        extra_headers={"Content-Type": "application/json"},
        timeout=TIMEOUT_SECONDS * 3,
    )
    if answer.status in NO_BATCH_STATUSES:
        return False
    answers = _batch_answers(answer, len(batch))
    for message, each in zip(batch, answers, strict=True):
        _apply(message, each, now, report)
    return True


def _batch_answers(answer: Answer, count: int) -> list[Answer]:
    """One Answer per message: its receipt from the list, else the batch's own answer (a
    refusal of the whole batch, or no/unreadable answer) for every message."""
    if answer.status == 200:
        try:
            items = json.loads(answer.body)["receipts"]
            if not isinstance(items, list) or len(items) != count:
                raise ValueError
            return [Answer(int(i["status"]), str(i["xml"]).encode("utf-8"), "", answer.node) for i in items]
        except (ValueError, KeyError, TypeError):
            return [Answer(answer.status, b"", "批量回执无法解析", answer.node)] * count
    return [answer] * count


def _apply(message: OutboxMessage, answer: Answer, now: dt.datetime, report: RelayReport) -> None:
    message.attempts += 1
    message.sent_at = timezone.now()
    receipt = None
    if answer.body:
        try:
            receipt = parse_receipt(xml=answer.body)
        except MessageError as exc:
            receipt = None
            answer = Answer(
                status=answer.status, body=b"", error=answer.error or f"回执无法解析：{exc.message}"
            )
    if receipt is not None and receipt.biz_msg_id and receipt.biz_msg_id != message.biz_msg_id:
        answer = Answer(answer.status, b"", f"回执报文ID不符：{receipt.biz_msg_id}")
        receipt = None
    fields = ["attempts", "sent_at", "status", "next_attempt_at", "last_error"]
    if receipt is not None:
        message.success_flag = receipt.success_flag
        message.response_code = receipt.response_code[:50]
        message.response_info = receipt.response_info
        message.acked_at = timezone.now()
        message.status = OutboxStatus.ACKED if receipt.accepted else OutboxStatus.REJECTED
        message.last_error = "" if receipt.accepted else f"上级接入失败：{receipt.response_info}"[:2000]
        fields += ["success_flag", "response_code", "response_info", "acked_at"]
        (report.acked if receipt.accepted else report.rejected).append(message.biz_msg_id)
    elif answer.status == 0 or answer.status >= 500 or answer.status in RETRY_STATUSES or answer.status < 300:
        message.status = OutboxStatus.PENDING
        message.last_error = answer.error or f"HTTP {answer.status}：无回执"
        report.retried.append(message.biz_msg_id)
    else:
        message.status = OutboxStatus.FAILED
        message.last_error = answer.error or f"HTTP {answer.status}"
        report.failed.append(message.biz_msg_id)
    message.next_attempt_at = (
        now + backoff(message.attempts) if message.status == OutboxStatus.PENDING else now
    )
    with transaction.atomic():
        message.save(update_fields=fields)
        if message.status == OutboxStatus.REJECTED:
            run_rejected(message, rejected_by=answer.node)
    logger.info("relay %s attempt %s: %s", message.biz_msg_id, message.attempts, message.status)


def relay_once(
    *, now: dt.datetime | None = None, limit: int = 50, upstream_url: str | None = None
) -> RelayReport:
    """One pass over the due messages; returns what happened to each."""
    base = (upstream_url if upstream_url is not None else settings.BDCDJ_UPSTREAM_URL).rstrip("/")
    report = RelayReport()
    if not base:
        return report
    now = now or timezone.now()
    claimed = _claim(now, limit, report)
    report.claimed = len(claimed)
    sent_units: set[tuple[str, str]] = set()
    batching = True
    waiting = claimed
    while waiting:
        batch, waiting = _next_round(waiting, sent_units, now, report)
        if len(batch) > 1 and batching:
            if _deliver_batch(batch, base + BATCH_ENDPOINT, now, report):
                continue
            batching = False
        for message in batch:
            _deliver(message, base + ENDPOINT, now, report)
    return report


def _next_round(
    waiting: list[OutboxMessage], sent_units: set[tuple[str, str]], now: dt.datetime, report: RelayReport
) -> tuple[list[OutboxMessage], list[OutboxMessage]]:
    """The messages that can go now (at most one per unit, within the batch limits) and those
    that wait for a receipt of this round; a message behind an unacked one of an earlier round
    goes back to pending."""
    batch: list[OutboxMessage] = []
    later: list[OutboxMessage] = []
    units: set[tuple[str, str]] = set()
    size = 0
    for message in waiting:
        key = (message.region_code, message.unit_code)
        full = len(batch) >= BATCH_MAX_MESSAGES or (
            bool(batch) and size + len(message.xml_bytes) > BATCH_MAX_BYTES
        )
        other_sender = bool(batch) and message.region_code != batch[0].region_code  # X-Bdcdj-Node
        if key in units or full or other_sender:
            later.append(message)
            continue
        if key in sent_units and _blocked(message):  # an earlier one of this pass was not acked
            message.status, message.next_attempt_at = OutboxStatus.PENDING, now
            message.save(update_fields=["status", "next_attempt_at"])
            report.blocked.append(message.biz_msg_id)
            continue
        units.add(key)
        sent_units.add(key)
        batch.append(message)
        size += len(message.xml_bytes)
    return batch, later
