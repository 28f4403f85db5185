"""Forwarding: queue a message received from a lower node for this node's own upstream.

A city or province passes the county's access message upward *unchanged*: the bytes, and so the
county's SM2 signature in `Head/DigitalSign`, are exactly what the county signed. The upper
node authenticates the forwarding node by its bearer token (`X-Bdcdj-Node` + token, as for any
delivery) and verifies the signature with the public key registered for the message's
district (docs/operations.md "Multi-node"). The row joins the ordinary outbox: same relay,
same per-unit order, same retries; nothing here leaves the process.

A forwarded row carries this node's region code (the relay presents it as the sending node),
no case, and the county's 业务号 (RecFlowID) as its business number. The BizMsgID is the
county's, so a second hand-over of the same message finds the first row and changes nothing.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from bdcdj.core.errors import InvalidInput
from bdcdj.exchange.messages import MessageError, parse_message
from bdcdj.exchange.messages.validate import node_scheme
from bdcdj.exchange.models import OutboxMessage, OutboxStatus

FORWARDED_BY = "下级节点报文转发"
RESEND_SUFFIXES = ("BBXZ", "CBXZ", "BL")  # reference §4.8
_BIZ_MSG_ID_MAX = OutboxMessage._meta.get_field("biz_msg_id").max_length or 24
_UNIT_CODE_MAX = OutboxMessage._meta.get_field("unit_code").max_length or 28
_REGION = re.compile(r"^\d{6}$")


def _covers(parent: str, child: str) -> bool:
    """GB/T 2260 containment (34 省 ⊃ 3401 市 ⊃ 340121 县); mirrors `hub.services.region_covers`
    so the exchange app does not import the hub."""
    if not (_REGION.match(parent) and _REGION.match(child)):
        return False
    if parent.endswith("0000"):
        return child[:2] == parent[:2]
    if parent.endswith("00"):
        return child[:4] == parent[:4]
    return child == parent


def _head(xml: bytes) -> dict[str, str]:
    try:
        return dict(parse_message(xml=xml).head)
    except MessageError as exc:
        raise InvalidInput(code="forward_unreadable", message=f"转发报文无法解析：{exc.message}") from exc


def _check(*, biz_msg_id: str, region_code: str, unit_code: str, xml: bytes) -> dict[str, str]:
    own = str(settings.BDCDJ_REGION_CODE)
    errors: dict[str, str] = {}
    if not biz_msg_id or len(biz_msg_id) > _BIZ_MSG_ID_MAX:
        errors["biz_msg_id"] = f"业务报文ID应为1至{_BIZ_MSG_ID_MAX}位"
    if not _covers(own, region_code):
        errors["region_code"] = f"行政区划 {region_code[:12]} 不属于本节点 {own}"
    if len(unit_code) > _UNIT_CODE_MAX:
        errors["unit_code"] = "不动产单元号过长"
    if errors:
        raise InvalidInput(code="forward_invalid", message="转发报文不符合要求", fields=errors)
    head = _head(xml)
    if head.get("BizMsgID") != biz_msg_id or head.get("AreaCode") != region_code:
        raise InvalidInput(
            code="forward_mismatch",
            message="转发报文的 BizMsgID 或 AreaCode 与参数不一致",
            fields={"biz_msg_id": "与报文不一致"},
        )
    return head


def outbox_enqueue_raw(
    *, biz_msg_id: str, region_code: str, rectype: str, unit_code: str, xml: bytes
) -> OutboxMessage:
    """Queue an already signed message of a lower node for this node's upstream, unchanged.

    Call inside the transaction that accepted the message (the hub's receiver does), so a
    message is forwarded if and only if it was stored. Idempotent on `biz_msg_id`: a second
    call returns the existing row. `region_code` is the message's AreaCode and must lie inside
    this node's region. Raises InvalidInput when the arguments do not match the bytes.
    """
    existing = OutboxMessage.objects.filter(biz_msg_id=biz_msg_id).first()
    if existing is not None:
        return existing
    head = _check(biz_msg_id=biz_msg_id, region_code=region_code, unit_code=unit_code, xml=xml)
    now = timezone.now()
    row = OutboxMessage(
        region_code=str(settings.BDCDJ_REGION_CODE),
        biz_msg_id=biz_msg_id,
        rectype=rectype[:7],
        scheme=node_scheme(),
        unit_code=unit_code,
        case_id=None,
        case_number=(head.get("RecFlowID") or biz_msg_id)[:50],
        right_ids=[],
        xml=bytes(xml),
        status=OutboxStatus.PENDING,
        errors=[],
        next_attempt_at=now,
        ordered_at=now,
        created_by_name=FORWARDED_BY,
    )
    row.full_clean(exclude=["xml"], validate_unique=False)
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin must not poison the caller
            row.save()
            _supersede_forwarded(row)
    except IntegrityError:
        twin = OutboxMessage.objects.filter(biz_msg_id=biz_msg_id).first()
        if twin is None:
            raise
        return twin
    return row


def _supersede_forwarded(row: OutboxMessage) -> None:
    """A forwarded re-send (BizMsgID + BBXZ/CBXZ/BL) replaces the earlier forwarded messages of
    its family here too: they are marked superseded, so one the level above refused no longer
    holds back the unit's later messages, and the re-send takes its place in the unit's order."""
    base = next((row.biz_msg_id[: -len(s)] for s in RESEND_SUFFIXES if row.biz_msg_id.endswith(s)), "")
    if not base:
        return
    family = OutboxMessage.objects.filter(
        biz_msg_id__startswith=base, case_id__isnull=True, superseded=False
    ).exclude(pk=row.pk)
    earlier = family.order_by("ordered_at", "id").first()
    if earlier is None:
        return
    family.update(superseded=True)
    row.resend_of, row.ordered_at = earlier, earlier.ordered_at
    row.save(update_fields=["resend_of", "ordered_at"])


__all__ = ["FORWARDED_BY", "outbox_enqueue_raw"]
