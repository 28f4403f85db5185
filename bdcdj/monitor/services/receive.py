"""The upper-node side of the 登簿日志: authenticate, verify, parse, store, compare.

Order: (node authenticated by the caller) → size → SM2 signature over the exact body (header
`X-Bdcdj-Signature`, the node's registered public key) → safe parse and layout (§4.7) →
AreaCode inside the node's region → one transaction storing the log and its comparison with the
received access messages. Refusals store nothing but a hub `DeliveryFailure` count (the
monitoring "security" dimension) and answer a `<RespondLog>` with a non-0200 code.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from lxml import etree

from bdcdj.core.crypto import sm3_hex
from bdcdj.exchange import signing
from bdcdj.hub.models import FailureKind, LowerNode, MessageStatus, ReceivedMessage
from bdcdj.hub.services import region_covers
from bdcdj.hub.services.nodes import failure_record
from bdcdj.hub.services.receipts import Code
from bdcdj.monitor.models import DiscrepancyKind, LogDiscrepancy, ReceivedDailyLog
from bdcdj.monitor.services import logxml
from bdcdj.monitor.services.logxml import DailyLogContent, LogFormatError
from bdcdj.monitor.services.resend import open_items

logger = logging.getLogger(__name__)

RESEND_SUFFIXES = ("", "BBXZ", "CBXZ", "BL")


class LogCode:
    """responseLogCode values. 0200 is the standard's success (AH variant); the rest are ours."""

    OK = "0200"
    FORMAT = "0400"
    UNAUTHORIZED = "0401"
    FORBIDDEN = "0403"
    TOO_LARGE = "0413"
    MEDIA_TYPE = "0415"


@dataclass(frozen=True)
class LogAnswer:
    """`RespondLog`; an accepted log's answer also carries the node's open 补报 items
    (`ResendList`, our extension — a reader of the plain §4.7 answer ignores it)."""

    code: str
    info: str
    http_status: int = 200
    resend: tuple[logxml.ResendItem, ...] | None = None

    def to_xml(self) -> bytes:
        root = etree.Element("RespondLog")
        etree.SubElement(root, "responseLogCode").text = self.code
        etree.SubElement(root, "responseLogInfo").text = self.info[:4000]
        if self.resend is not None:
            logxml.render_resend_list(root, self.resend)
        return bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=True))


class LogRefusal(Exception):
    def __init__(self, answer: LogAnswer) -> None:
        super().__init__(answer.info)
        self.answer = answer


def max_log_bytes() -> int:
    return int(getattr(settings, "BDCDJ_MONITOR_MAX_LOG_BYTES", logxml.MAX_LOG_BYTES))


def _refuse(*, node: LowerNode, kind: str, code: str, info: str, status: int, region: str = "") -> LogRefusal:
    hub_codes: dict[str, str] = {
        FailureKind.SIGNATURE: Code.SIGNATURE,
        FailureKind.AREA: Code.AREA,
        FailureKind.SIZE: Code.TOO_LARGE,
    }
    hub_code = hub_codes.get(kind, Code.FORMAT)
    failure_record(node=node, claimed_region=region or node.region_code, kind=kind, code=hub_code)
    logger.warning("daily log refused node=%s code=%s", node.region_code, code)
    return LogRefusal(LogAnswer(code=code, info=info, http_status=status))


def daily_log_receive(*, node: LowerNode, xml: bytes, signature: str) -> LogAnswer:
    """Process one delivered log of an authenticated node; raises LogRefusal when refused."""
    if len(xml) > max_log_bytes():
        raise _refuse(node=node, kind=FailureKind.SIZE, code=LogCode.TOO_LARGE, info="日志过大", status=413)
    if not signing.verify(public_key_hex=node.public_key_hex, data=xml, signature_hex=signature.strip()):
        raise _refuse(
            node=node,
            kind=FailureKind.SIGNATURE,
            code=LogCode.FORBIDDEN,
            info="签名无效：X-Bdcdj-Signature 与节点登记的 SM2 公钥不符",
            status=403,
        )
    try:
        content = logxml.parse(xml, max_bytes=max_log_bytes())
    except LogFormatError as exc:
        raise _refuse(
            node=node,
            kind=FailureKind.FORMAT,
            code=LogCode.FORMAT,
            info=f"日志格式错误：{exc.message}",
            status=400,
        ) from exc
    if not region_covers(node.region_code, content.area_code):
        raise _refuse(
            node=node,
            kind=FailureKind.AREA,
            code=LogCode.FORBIDDEN,
            info=f"区划不符：日志行政区划 {content.area_code} 不属于节点 {node.region_code}",
            status=403,
            region=content.area_code,
        )
    if content.day > timezone.localdate():
        raise _refuse(
            node=node,
            kind=FailureKind.FORMAT,
            code=LogCode.FORMAT,
            info="日志格式错误：AccessDate 晚于今天",
            status=400,
        )
    log = _store(node=node, xml=xml, signature=signature.strip(), content=content)
    info = (
        f"登簿日志已接收：{log.day:%Y%m%d} 登簿 {log.register_total} 件，已接入 {log.matched} 件，"
        f"登簿未接入 {log.missing_count} 件，接入未登簿 {log.unregistered_count} 件"
    )
    logger.info("daily log received node=%s day=%s", node.region_code, log.day)
    return LogAnswer(code=LogCode.OK, info=info, resend=tuple(open_items(node=node)))


@transaction.atomic
def _store(*, node: LowerNode, xml: bytes, signature: str, content: DailyLogContent) -> ReceivedDailyLog:
    log = (
        ReceivedDailyLog.objects.select_for_update()
        .filter(region_code=content.area_code, day=content.day)
        .first()
    )
    revisions = log.revisions + 1 if log else 1
    log = log or ReceivedDailyLog(region_code=content.area_code, day=content.day, node=node)
    log.node = node
    log.xml = xml
    log.digest = sm3_hex(xml)
    log.signature = signature
    log.register_total = len(content.registered)
    log.access_total = len(content.accessed)
    log.register_counts = logxml.counters(item.registration_type for item in content.registered)
    log.access_counts = content.access_info
    log.revisions = revisions
    log.received_at = timezone.now()
    log.full_clean(validate_unique=False)
    log.save()
    daily_log_compare(log=log, content=content)
    return log


def _family_ids(biz_msg_id: str) -> list[str]:
    base = biz_msg_id[:18]
    return [base + suffix for suffix in RESEND_SUFFIXES] + [biz_msg_id]


def daily_log_compare(*, log: ReceivedDailyLog, content: DailyLogContent) -> None:
    """Replace the log's discrepancies: 登簿未接入 (registered, no accepted message — to 补报)
    and 接入未登簿 (a message whose 登簿时间 is that day but which the log does not list)."""
    log.discrepancies.all().delete()
    region = log.region_code
    ywhs = {item.business_number for item in content.registered if item.business_number}
    ids = {i for item in content.registered if item.biz_msg_id for i in _family_ids(item.biz_msg_id)}
    known: list[ReceivedMessage] = []
    for chunk in _chunks(sorted(ids), 400):
        known.extend(ReceivedMessage.objects.filter(region_code=region, biz_msg_id__in=chunk).defer("xml"))
    for chunk in _chunks(sorted(ywhs), 400):
        known.extend(ReceivedMessage.objects.filter(region_code=region, rec_flow_id__in=chunk).defer("xml"))
    by_id = {m.biz_msg_id: m for m in known}
    by_ywh: dict[str, list[ReceivedMessage]] = {}
    for message in by_id.values():
        by_ywh.setdefault(message.rec_flow_id, []).append(message)
    rows: list[LogDiscrepancy] = []
    matched = 0
    for item in content.registered:
        family = [by_id[i] for i in _family_ids(item.biz_msg_id) if i in by_id] if item.biz_msg_id else []
        family += [m for m in by_ywh.get(item.business_number, []) if m not in family]
        if any(m.status == MessageStatus.ACCEPTED for m in family):
            matched += 1
            continue
        if family:
            reason = "报文接入失败，尚未销账"
        elif not item.reported:
            reason = "未上报（SFSB=0）"
        elif item.biz_msg_id:
            reason = f"报文 {item.biz_msg_id} 未被接收"
        else:
            reason = "未接收到该业务的报文"
        rows.append(
            _row(
                log,
                DiscrepancyKind.MISSING_ACCESS,
                item.business_number,
                item.unit_code,
                item.biz_msg_id,
                item.registration_type,
                reason,
                needs_resend=True,
            )
        )
    bases = {item.biz_msg_id[:18] for item in content.registered if item.biz_msg_id}
    same_day = ReceivedMessage.objects.filter(
        Q(create_date__startswith=log.day.isoformat()), region_code=region
    ).defer("xml")
    for message in same_day.order_by("received_at", "id"):
        if message.rec_flow_id in ywhs or message.biz_msg_id[:18] in bases:
            continue
        rows.append(
            _row(
                log,
                DiscrepancyKind.UNREGISTERED,
                message.rec_flow_id,
                message.estate_num,
                message.biz_msg_id,
                message.reg_type,
                "报文登簿时间为当日，但不在登簿日志中",
            )
        )
    LogDiscrepancy.objects.bulk_create(rows, batch_size=500)
    log.matched = matched
    log.missing_count = sum(1 for r in rows if r.kind == DiscrepancyKind.MISSING_ACCESS)
    log.unregistered_count = len(rows) - log.missing_count
    log.save(update_fields=["matched", "missing_count", "unregistered_count"])


def _row(
    log: ReceivedDailyLog,
    kind: str,
    ywh: str,
    unit: str,
    biz: str,
    reg_type: str,
    reason: str,
    *,
    needs_resend: bool = False,
) -> LogDiscrepancy:
    return LogDiscrepancy(
        log=log,
        region_code=log.region_code,
        kind=kind,
        business_number=ywh[:64],
        unit_code=unit[:40],
        biz_msg_id=biz[:40],
        registration_type=reg_type[:4],
        reason=reason[:200],
        needs_resend=needs_resend,
    )


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
