"""Batch delivery (`/messages/batch`): several messages of one node, one transaction, one
receipt each in request order.

Every message is admitted exactly as a single delivery (`message_admit`: size, parse,
BizMsgID, AreaCode, SM2, duplicate, XSD, quality). The admitted ones are then stored in
groups: one bulk insert of the message rows, one read + one insert + one update of the mirror
for the whole group, one savepoint for the group. A message whose mirror update closes other
rows (a predecessor business, a cancellation) or corrects an earlier one (BBXZ/CBXZ/BL) is
stored alone, after the group before it, so the result equals storing one by one in order;
so is a message writing a mirror row an earlier message of the group writes.

Failure isolation: if a group fails while being stored (a concurrent delivery took one of its
BizMsgIDs, a hook's write failed), its savepoint is rolled back and each of its messages is
stored alone in a savepoint of its own: the concurrent duplicate gets the winner's receipt,
a message that cannot be stored gets `1010` with status 503 and leaves nothing of itself, the
others are stored. No message is ever stored in part.
"""

from __future__ import annotations

import logging
import re

from django.db import DatabaseError, transaction

from bdcdj.hub.models import LowerNode, MessageStatus, ReceivedMessage
from bdcdj.hub.services.forward import forward_enqueue
from bdcdj.hub.services.hooks import run_accepted
from bdcdj.hub.services.mirror import mirror_apply_many, mirror_keys, mirror_needs_order
from bdcdj.hub.services.receipts import Code, Receipt, Refusal
from bdcdj.hub.services.receive import (
    Admitted,
    findings_save,
    message_admit,
    message_row,
    message_store,
    original_id,
    stored_receipt,
)

logger = logging.getLogger(__name__)

_BIZ_MSG_ID_ELEMENT = re.compile(rb"<BizMsgID>([0-9A-Za-z_-]{1,40})</BizMsgID>")
Group = list[tuple[int, Admitted]]


def messages_receive_batch(*, node: LowerNode, messages: list[bytes]) -> list[Receipt]:
    """Several deliveries of one node in one transaction, in order, one receipt each."""
    receipts: list[Receipt | None] = [None] * len(messages)
    with transaction.atomic():
        # Only a hint: an ID written differently is looked up by message_admit itself.
        ids = {m.group(1).decode("ascii") for xml in messages if (m := _BIZ_MSG_ID_ELEMENT.search(xml))}
        seen: dict[str, ReceivedMessage | None] = dict.fromkeys(ids)
        seen.update({m.biz_msg_id: m for m in ReceivedMessage.objects.filter(biz_msg_id__in=ids)})
        first_of: dict[str, int] = {}
        repeats: dict[int, int] = {}
        group: Group = []
        group_keys: set[tuple[str, str, str]] = set()
        for index, xml in enumerate(messages):
            try:
                admitted = message_admit(node=node, xml=xml, seen=seen)
            except Refusal as refusal:
                receipts[index] = refusal.receipt
                continue
            if isinstance(admitted, Receipt):
                receipts[index] = admitted
                continue
            if admitted.biz_msg_id in first_of:  # the same ID earlier in this batch
                repeats[index] = first_of[admitted.biz_msg_id]
                continue
            first_of[admitted.biz_msg_id] = index
            alone = _needs_order(admitted)
            keys = set() if alone else _row_keys(admitted)
            if alone or keys & group_keys:
                _flush(node=node, group=group, receipts=receipts)
                group, group_keys = [], set()
            if alone:
                _store_alone(node=node, index=index, admitted=admitted, receipts=receipts)
            else:
                group.append((index, admitted))
                group_keys |= keys
        _flush(node=node, group=group, receipts=receipts)
        for index, first in repeats.items():
            receipts[index] = receipts[first]
    return [r for r in receipts if r is not None]


def _needs_order(admitted: Admitted) -> bool:
    if original_id(admitted.biz_msg_id) is not None:
        return True
    return admitted.receipt.ok and mirror_needs_order(rows=admitted.parsed.rows)


def _row_keys(admitted: Admitted) -> set[tuple[str, str, str]]:
    if not admitted.receipt.ok:
        return set()
    head = admitted.parsed.head
    keyed = mirror_keys(
        rec_flow_id=head.get("RecFlowID", "")[:64],
        estate_num=head.get("EstateNum", "")[:40],
        rows=admitted.parsed.rows,
    )
    return {(head["AreaCode"], table, row_key) for table, row_key in keyed}


def _flush(*, node: LowerNode, group: Group, receipts: list[Receipt | None]) -> None:
    """Store a group in bulk; on failure store its messages one by one (see module doc)."""
    if not group:
        return
    try:
        with transaction.atomic():
            stored = _store_group(node=node, group=group)
    except DatabaseError:
        logger.warning("batch group of %s failed, storing its messages one by one", len(group))
        for index, admitted in group:
            _store_alone(node=node, index=index, admitted=admitted, receipts=receipts)
        return
    for (index, _admitted), message in zip(group, stored, strict=True):
        receipts[index] = stored_receipt(message)
    logger.info("batch stored node=%s messages=%s", node.region_code, len(stored))


def _store_group(*, node: LowerNode, group: Group) -> list[ReceivedMessage]:
    messages = [message_row(node=node, admitted=admitted) for _index, admitted in group]
    ReceivedMessage.objects.bulk_create(messages)
    for message, (_index, admitted) in zip(messages, group, strict=True):
        findings_save(message=message, report=admitted.report)
    accepted = [
        (message, admitted)
        for message, (_index, admitted) in zip(messages, group, strict=True)
        if message.status == MessageStatus.ACCEPTED
    ]
    mirror_apply_many(items=[(message, admitted.parsed.rows) for message, admitted in accepted])
    for message, _admitted in accepted:
        forward_enqueue(message=message)
        run_accepted(message)
    return messages


def _store_alone(*, node: LowerNode, index: int, admitted: Admitted, receipts: list[Receipt | None]) -> None:
    try:
        receipts[index] = message_store(node=node, admitted=admitted)[0]
    except Refusal as refusal:
        receipts[index] = refusal.receipt
    except DatabaseError:
        # Rolled back to its own savepoint: nothing of it is stored; the sender retries it.
        logger.warning(
            "batch message not stored node=%s biz_msg_id=%s", node.region_code, admitted.biz_msg_id
        )
        receipts[index] = Receipt.failure(
            code=Code.NOT_STORED,
            info="暂时无法保存该报文，未保存任何内容，请稍后重发",
            http_status=503,
            biz_msg_id=admitted.biz_msg_id,
        )
