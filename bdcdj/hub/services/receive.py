"""`message_receive`: the receiver of access messages from lower nodes (ARCHITECTURE §4).

Order: size → parse (safe) → BizMsgID → AreaCode within the node's region → SM2 signature →
duplicate BizMsgID (answer the original receipt) → XSD → quality catalogue at stage
"ingest" → store message, findings, mirror, 销账 linkage and forwarding in one transaction.
Refusals before the duplicate check store nothing but a `DeliveryFailure` count; XSD and
quality rejections are stored (status rejected, 未销账) so they can be corrected and re-sent.
Message contents are never logged.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from bdcdj.core.crypto import sm3_hex
from bdcdj.hub.models import Clearance, FailureKind, LowerNode, MessageStatus, ReceivedMessage
from bdcdj.hub.services.forward import forward_enqueue, origin_public_key
from bdcdj.hub.services.hooks import run_accepted
from bdcdj.hub.services.mirror import mirror_apply
from bdcdj.hub.services.nodes import failure_record, region_covers
from bdcdj.hub.services.receipts import FAILURE, SUCCESS, Code, Receipt, Refusal
from bdcdj.hub.services.wire import Parsed, WireError, parse, schema_errors, signature_valid
from bdcdj.quality.engine import evaluate
from bdcdj.quality.findings import QualityContext, QualityReport
from bdcdj.quality.services import quality_findings_save
from bdcdj.standards.selectors import standard_version

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
RESEND_SUFFIXES = ("BBXZ", "CBXZ", "BL")  # standards §4.8
_BIZ_MSG_ID = re.compile(r"^[0-9A-Za-z_-]{1,40}$")
_RECTYPE = re.compile(r"^\d{7}$")


def max_message_bytes() -> int:
    return int(getattr(settings, "BDCDJ_HUB_MAX_MESSAGE_BYTES", DEFAULT_MAX_BYTES))


def original_id(biz_msg_id: str) -> str | None:
    """The BizMsgID a re-send corrects (its suffix removed), or None for a first send."""
    for suffix in RESEND_SUFFIXES:
        if biz_msg_id.endswith(suffix) and len(biz_msg_id) > len(suffix):
            return biz_msg_id[: -len(suffix)]
    return None


def stored_receipt(message: ReceivedMessage) -> Receipt:
    return Receipt(message.biz_msg_id, message.success_flag, message.response_code, message.response_info)


def _refuse(
    *, node: LowerNode, kind: str, code: str, info: str, status: int, biz_msg_id: str = "", region: str = ""
) -> Refusal:
    failure_record(
        node=node, claimed_region=region or node.region_code, kind=kind, code=code, biz_msg_id=biz_msg_id
    )
    logger.warning("message refused node=%s code=%s biz_msg_id=%s", node.region_code, code, biz_msg_id or "-")
    return Refusal(Receipt.failure(code=code, info=info, http_status=status, biz_msg_id=biz_msg_id))


@dataclass(frozen=True)
class Admitted:
    """A message that passed every check up to storing: what `_store` (or a batch) writes."""

    xml: bytes
    parsed: Parsed
    receipt: Receipt
    report: QualityReport | None

    @property
    def biz_msg_id(self) -> str:
        return self.parsed.head["BizMsgID"]


def message_admit(
    *, node: LowerNode, xml: bytes, seen: dict[str, ReceivedMessage | None] | None = None
) -> Receipt | Admitted:
    """Every check of one delivery before storing: the stored receipt for a duplicate, else the
    message with the receipt it is to get; raises Refusal for transport-level errors.

    `seen` (batches): stored messages by BizMsgID, None for known-absent ones, read once for the
    whole batch, so the duplicate check needs no query of its own."""
    if len(xml) > max_message_bytes():
        raise _refuse(node=node, kind=FailureKind.SIZE, code=Code.TOO_LARGE, info="报文过大", status=413)
    try:
        parsed = parse(xml=xml, max_bytes=max_message_bytes())
    except WireError as exc:
        raise _refuse(
            node=node,
            kind=FailureKind.FORMAT,
            code=Code.FORMAT,
            info=f"报文格式错误：{exc.message}",
            status=400,
        ) from exc
    head = parsed.head
    biz_msg_id = head.get("BizMsgID", "")
    if not _BIZ_MSG_ID.match(biz_msg_id):
        raise _refuse(
            node=node,
            kind=FailureKind.FORMAT,
            code=Code.FORMAT,
            info="报文格式错误：Head/BizMsgID 缺失或含非法字符（最长40位字母数字）",
            status=400,
        )
    area = head.get("AreaCode", "")
    if not region_covers(node.region_code, area):
        raise _refuse(
            node=node,
            kind=FailureKind.AREA,
            code=Code.AREA,
            info=f"区划不符：报文行政区划 {area[:12]} 不属于节点 {node.region_code}",
            status=403,
            biz_msg_id=biz_msg_id,
            region=area,
        )
    if not signature_valid(xml=xml, public_key_hex=origin_public_key(node=node, area_code=area)):
        raise _refuse(
            node=node,
            kind=FailureKind.SIGNATURE,
            code=Code.SIGNATURE,
            info="签名无效：DigitalSign 与节点登记的 SM2 公钥不符",
            status=403,
            biz_msg_id=biz_msg_id,
        )
    existing = seen[biz_msg_id] if seen is not None and biz_msg_id in seen else _existing(biz_msg_id)
    if existing is not None:
        return _duplicate(existing=existing, node=node)
    receipt, report = _check(xml=xml, parsed=parsed)
    return Admitted(xml=xml, parsed=parsed, receipt=receipt, report=report)


def message_receive(*, node: LowerNode, xml: bytes) -> Receipt:
    """Process one delivery of an authenticated node; raises Refusal for transport-level errors."""
    admitted = message_admit(node=node, xml=xml)
    if isinstance(admitted, Receipt):
        return admitted
    return message_store(node=node, admitted=admitted)[0]


def message_store(*, node: LowerNode, admitted: Admitted) -> tuple[Receipt, ReceivedMessage | None]:
    """Store one admitted message in a transaction (a savepoint inside a batch); a concurrent
    delivery of the same BizMsgID that won the unique constraint is answered with its receipt."""
    biz_msg_id = admitted.biz_msg_id
    try:
        message = _store(node=node, admitted=admitted)
    except IntegrityError:
        existing = ReceivedMessage.objects.filter(biz_msg_id=biz_msg_id).first()
        if existing is None:
            raise
        return _duplicate(existing=existing, node=node), existing
    logger.info(
        "message received node=%s biz_msg_id=%s code=%s",
        node.region_code,
        biz_msg_id,
        admitted.receipt.response_code,
    )
    return stored_receipt(message), message


def _existing(biz_msg_id: str) -> ReceivedMessage | None:
    return ReceivedMessage.objects.filter(biz_msg_id=biz_msg_id).first()


def _duplicate(*, existing: ReceivedMessage, node: LowerNode) -> Receipt:
    if existing.node_id != node.pk:
        raise Refusal(
            Receipt.failure(
                code=Code.ID_CONFLICT,
                info="业务报文ID已被其他节点使用",
                http_status=409,
                biz_msg_id=existing.biz_msg_id,
            )
        )
    return stored_receipt(existing)


def _check(*, xml: bytes, parsed: Parsed) -> tuple[Receipt, QualityReport | None]:
    head = parsed.head
    biz_msg_id = head["BizMsgID"]
    errors = schema_errors(xml=xml)
    if errors:
        info = "XSD校验失败：" + "；".join(errors)
        return Receipt.failure(code=Code.SCHEMA, info=info, http_status=200, biz_msg_id=biz_msg_id), None
    rectype = head.get("RecType", "")
    context = QualityContext(
        region_code=head["AreaCode"],
        stage="ingest",
        version=standard_version(),
        rectype=rectype if _RECTYPE.match(rectype) else None,
    )
    report = evaluate(rows=parsed.rows, context=context)
    if report.blocking:
        info = "数据质检不通过：" + "；".join(f.as_message() for f in report.blocking)
        return Receipt.failure(code=Code.QUALITY, info=info, http_status=200, biz_msg_id=biz_msg_id), report
    info = "接入成功" + (f"（{len(report.warnings)} 条质检警告）" if report.warnings else "")
    return Receipt(biz_msg_id, SUCCESS, Code.OK, info), report


def message_row(*, node: LowerNode, admitted: Admitted) -> ReceivedMessage:
    """The unsaved, validated `ReceivedMessage` of an admitted message."""
    head = admitted.parsed.head
    receipt, report = admitted.receipt, admitted.report
    accepted = receipt.success_flag == SUCCESS
    message = ReceivedMessage(
        region_code=head["AreaCode"],
        biz_msg_id=head["BizMsgID"],
        node=node,
        rectype=head.get("RecType", "")[:7],
        reg_type=head.get("RegType", "")[:3],
        right_type=head.get("RightType", "")[:4],
        estate_num=head.get("EstateNum", "")[:40],
        rec_flow_id=head.get("RecFlowID", "")[:64],
        create_date=head.get("CreateDate", "")[:32],
        xml=admitted.xml,
        digest=sm3_hex(admitted.xml),
        status=MessageStatus.ACCEPTED if accepted else MessageStatus.REJECTED,
        success_flag=receipt.success_flag,
        response_code=receipt.response_code,
        response_info=receipt.response_info,
        signature_ok=True,
        findings=[f.as_dict() for f in report.findings] if report else [],
        received_at=timezone.now(),
        clearance=Clearance.NONE if accepted else Clearance.OPEN,
    )
    # The node is the authenticated one: skipping the FK check saves a query per message.
    message.clean_fields(exclude=["node", "corrects", "cleared_by"])
    return message


def findings_save(*, message: ReceivedMessage, report: QualityReport | None) -> None:
    if report is not None and report.findings:
        quality_findings_save(
            report=report,
            region_code=message.region_code,
            stage="ingest",
            subject_type="message",
            subject_ref=message.biz_msg_id,
        )


@transaction.atomic
def _store(*, node: LowerNode, admitted: Admitted) -> ReceivedMessage:
    message = message_row(node=node, admitted=admitted)
    message.save()
    findings_save(message=message, report=admitted.report)
    _link_correction(message=message)
    if message.status == MessageStatus.ACCEPTED:
        mirror_apply(message=message, rows=admitted.parsed.rows)
        forward_enqueue(message=message)
        run_accepted(message)
    return message


def _link_correction(*, message: ReceivedMessage) -> None:
    """A re-send (suffix BBXZ/CBXZ/BL) points to the original; if accepted it clears (销账) every
    open rejection of the same business, otherwise those become 销账失败 and it stays open."""
    base = original_id(message.biz_msg_id)
    if base is None:
        return
    family = ReceivedMessage.objects.select_for_update().filter(
        node=message.node, biz_msg_id__startswith=base
    )
    family = family.exclude(pk=message.pk)
    original = family.filter(biz_msg_id=base).first() or family.order_by("-received_at", "-id").first()
    if original is None:
        return
    message.corrects = original
    message.save(update_fields=["corrects"])
    now = timezone.now()
    if message.success_flag == SUCCESS:
        family.filter(clearance__in=[Clearance.OPEN, Clearance.FAILED]).update(
            clearance=Clearance.CLEARED, cleared_by=message, cleared_at=now
        )
    else:
        family.filter(clearance=Clearance.OPEN).update(clearance=Clearance.FAILED)


__all__ = [
    "FAILURE",
    "Admitted",
    "max_message_bytes",
    "message_admit",
    "message_receive",
    "message_row",
    "message_store",
    "original_id",
    "stored_receipt",
]
