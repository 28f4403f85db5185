"""The county side of the 登簿日志: build it from the register and the outbox, sign, store, send.

One item per 登簿 business: the register events of the day grouped by 业务号 (unit intake from
the survey, which has no 登记类型, is not a registration). SFSB/BWID come from the business's
latest outbox message that passed validation; AccessInfo/AccessList are the outbox messages
sent that day that reached the platform (acked or rejected, i.e. a receipt came back).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bdcdj.accounts.models import Tenant
from bdcdj.exchange import signing
from bdcdj.exchange.models import OutboxMessage, OutboxStatus
from bdcdj.exchange.services import resend_requests_settle
from bdcdj.exchange.services.relay import Answer, post
from bdcdj.monitor.models import DailyLog, DailyLogStatus
from bdcdj.monitor.services import logxml
from bdcdj.monitor.services.logxml import AccessItem, DailyLogContent, RegisterItem
from bdcdj.monitor.services.resend import resend_list_apply
from bdcdj.register.models import Party, RegisterEvent, Right

logger = logging.getLogger(__name__)

ENDPOINT = "/api/monitor/v1/daily-logs"
SIGNATURE_HEADER = "X-Bdcdj-Signature"
TIMEOUT_SECONDS = 30
SUCCESS_CODE = "0200"
RETRY_BASE_SECONDS = 30


def local_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _certificates(region_code: str, business_numbers: list[str]) -> dict[str, list[str]]:
    """业务号 → certificate/proof numbers of the rights it created (per holder when separate)."""
    found: dict[str, list[str]] = {}
    rights = Right.objects.filter(region_code=region_code, business_number__in=business_numbers)
    per_party: dict[int, list[str]] = {}
    holders = Party.objects.filter(right__in=rights).exclude(certificate_number="")
    for right_id, number in holders.values_list("right_id", "certificate_number"):
        per_party.setdefault(right_id, []).append(number)
    for right_id, ywh, number in rights.values_list("id", "business_number", "certificate_number"):
        numbers = per_party.get(right_id) or ([number] if number else [])
        bucket = found.setdefault(ywh, [])
        bucket.extend(n for n in numbers if n not in bucket)
    return found


def _messages(region_code: str, business_numbers: list[str]) -> dict[str, OutboxMessage]:
    """业务号 → its current (not superseded) outbox message that passed validation."""
    latest: dict[str, OutboxMessage] = {}
    rows = (
        OutboxMessage.objects.filter(region_code=region_code, case_number__in=business_numbers)
        .exclude(status=OutboxStatus.INVALID)
        .filter(superseded=False)
        .order_by("created_at", "id")
        .defer("xml")
    )
    for message in rows:
        latest[message.case_number] = message
    return latest


def register_items(*, region_code: str, day: dt.date) -> list[RegisterItem]:
    start, end = local_day_bounds(day)
    events = (
        RegisterEvent.objects.filter(region_code=region_code, occurred_at__gte=start, occurred_at__lt=end)
        .exclude(registration_type="")
        .exclude(business_number="")
        .select_related("right")
        .order_by("seq")
    )
    grouped: dict[str, list[RegisterEvent]] = {}
    for event in events:
        grouped.setdefault(event.business_number, []).append(event)
    numbers = list(grouped)
    certificates = _certificates(region_code, numbers)
    messages = _messages(region_code, numbers)
    created_types = dict(
        Right.objects.filter(region_code=region_code, business_number__in=numbers)
        .order_by("-id")
        .values_list("business_number", "right_type")
    )
    items = []
    for ywh, group in grouped.items():
        first = group[0]
        right_type = created_types.get(ywh) or next((e.right.right_type for e in group if e.right), "")
        message = messages.get(ywh)
        items.append(
            RegisterItem(
                business_number=ywh,
                registration_type=first.registration_type,
                right_type=right_type or "",
                unit_code=next((e.unit_code for e in group if e.unit_code), ""),
                certificates=",".join(certificates.get(ywh, [])),
                reported=message is not None,
                biz_msg_id=message.biz_msg_id if message else "",
            )
        )
    return items


def access_items(*, region_code: str, day: dt.date) -> list[AccessItem]:
    start, end = local_day_bounds(day)
    rows = (
        OutboxMessage.objects.filter(
            region_code=region_code,
            sent_at__gte=start,
            sent_at__lt=end,
            status__in=[OutboxStatus.ACKED, OutboxStatus.REJECTED],
        )
        .order_by("sent_at", "id")
        .values_list("case_number", "unit_code", "biz_msg_id", "rectype")
    )
    return [
        AccessItem(business_number=ywh, unit_code=unit, biz_msg_id=biz, registration_type=_reg_type(rectype))
        for ywh, unit, biz, rectype in rows
    ]


def _reg_type(rectype: str) -> str:
    """DJLX of a RecType: its first digit × 100 (2015's 9000101/9000102 抵押/地役 fall under 900)."""
    return rectype[0] + "00" if rectype[:1].isdigit() and rectype[0] != "0" else "900"


def daily_log_content(*, region_code: str, day: dt.date) -> DailyLogContent:
    name = Tenant.objects.filter(region_code=region_code).values_list("name", flat=True).first()
    return DailyLogContent(
        area_code=region_code,
        area_name=name or region_code,
        day=day,
        registered=register_items(region_code=region_code, day=day),
        accessed=access_items(region_code=region_code, day=day),
    )


def daily_log_build(*, region_code: str, day: dt.date) -> bytes:
    """The §4.7 `<AccessLogs>` XML of one district and day."""
    return logxml.render(daily_log_content(region_code=region_code, day=day))


@transaction.atomic
def daily_log_store(*, region_code: str, day: dt.date) -> DailyLog:
    """Build, sign (SM2 over the exact bytes) and store the day's log; a rebuild replaces the
    content and returns the log to `built` unless the bytes are unchanged."""
    content = daily_log_content(region_code=region_code, day=day)
    xml = logxml.render(content)
    log = DailyLog.objects.select_for_update().filter(region_code=region_code, day=day).first()
    if log is not None and bytes(log.xml) == xml:
        return log
    log = log or DailyLog(region_code=region_code, day=day)
    log.xml = xml
    log.signature = signing.sign(xml)
    log.status = DailyLogStatus.BUILT
    log.register_total = len(content.registered)
    log.access_total = len(content.accessed)
    log.built_at = timezone.now()
    log.full_clean(validate_unique=False)
    log.save()
    return log


def post_log(url: str, body: bytes, *, region_code: str, signature: str) -> Answer:
    return post(
        url,
        body,
        region_code=region_code,
        extra_headers={SIGNATURE_HEADER: signature},
        timeout=TIMEOUT_SECONDS,
    )


@dataclass(frozen=True)
class ParsedAnswer:
    code: str
    info: str
    resend: list[logxml.ResendItem] | None  # None: the answer has no ResendList


def parse_answer(body: bytes) -> ParsedAnswer | None:
    """responseLogCode, responseLogInfo and the 补报 list of a `<RespondLog>`, None if unreadable."""
    try:
        root = logxml.parse_xml(body, max_bytes=10 * 1024 * 1024)
    except logxml.MessageError:
        return None
    if root.tag != "RespondLog":
        return None
    return ParsedAnswer(
        code=(root.findtext("responseLogCode") or "").strip(),
        info=(root.findtext("responseLogInfo") or "").strip(),
        resend=logxml.parse_resend_list(root) if root.find("ResendList") is not None else None,
    )


def _apply_resend_list(region_code: str, items: list[logxml.ResendItem]) -> None:
    """The answer's 补报 list is the node's complete open list: queue it, settle the rest."""
    resend_list_apply(region_code=region_code, items=[i for i in items if i.business_number])
    resend_requests_settle(region_code=region_code, listed=[i.business_number for i in items])


def _retryable(answer: Answer) -> bool:
    return answer.status == 0 or answer.status >= 500 or answer.status in {408, 425, 429}


def daily_log_send(
    *,
    log: DailyLog,
    upstream_url: str | None = None,
    retries: int = 0,
    sleep: Callable[[float], None] = time.sleep,
) -> DailyLog:
    """POST the stored log upward (outside any transaction). Network errors, timeouts, 5xx and
    429 are retried `retries` times with exponential backoff; the answer is kept on the row.
    `0200` → acked; any other answer → sent (the response says why)."""
    base = (upstream_url if upstream_url is not None else settings.BDCDJ_UPSTREAM_URL).rstrip("/")
    if not base:
        log.response = "未配置上级节点地址（BDCDJ_UPSTREAM_URL），日志未发送"
        log.save(update_fields=["response"])
        return log
    xml = bytes(log.xml)
    for attempt in range(retries + 1):
        answer = post_log(base + ENDPOINT, xml, region_code=log.region_code, signature=log.signature)
        log.attempts += 1
        if not _retryable(answer) or attempt == retries:
            break
        sleep(min(3600, RETRY_BASE_SECONDS * 2**attempt))
    parsed = parse_answer(answer.body) if answer.body else None
    log.sent_at = timezone.now()
    if parsed is not None:
        log.response_code, log.response = parsed.code[:8], parsed.info
        if parsed.code == SUCCESS_CODE and parsed.resend is not None:
            _apply_resend_list(log.region_code, parsed.resend)
    else:
        log.response_code, log.response = "", answer.error or f"HTTP {answer.status}：应答无法解析"
    log.status = DailyLogStatus.ACKED if log.response_code == SUCCESS_CODE else DailyLogStatus.SENT
    log.save(update_fields=["attempts", "sent_at", "response_code", "response", "status"])
    logger.info("daily log %s %s sent: %s", log.region_code, log.day, log.response_code or answer.error)
    return log
