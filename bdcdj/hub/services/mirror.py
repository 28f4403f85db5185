"""This node's mirror of its lower nodes' registers, updated from every accepted message.

Rows are kept generically by table. Status rules (standards §2, §4.5, §5.2):
* a row with QSZT=2 (历史) or a filled cancellation business number (ZXDYYWH, ZXYYYWH, JFYWH,
  ZXYWH) is historic;
* a current right row naming its predecessor business (SSYWH, or SCYWH in the 2015 layout)
  moves the predecessor's rows of the same table and unit to historic;
* a 注销登记 row (QLF_QL_ZXDJ) moves the unit's current rights carrying its 要素代码 (the
  cancelled right's, docs/exchange.md) to historic; when none does, the unit's current ownership
  rights (抵押、预告、异议、查封、地役 are then cancelled in their own tables).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence

from django.utils import timezone

from bdcdj.core.crypto import sm3_hex
from bdcdj.hub.models import MirrorRecord, MirrorStatus, ReceivedMessage

CANCELLATION_FIELDS = ("ZXDYYWH", "ZXYYYWH", "JFYWH", "ZXYWH")
PREDECESSOR_FIELDS = ("SSYWH", "SCYWH")
RIGHT_PREFIXES = ("QLT_", "QLF_QL_", "QLF_FW_")
CANCELLATION_TABLE = "QLF_QL_ZXDJ"
SEPARATELY_CANCELLED = frozenset(
    {"QLF_QL_DYAQ", "QLF_QL_YGDJ", "QLF_QL_YYDJ", "QLF_QL_CFDJ", "QLF_QL_DYIQ", "QLF_QL_GZDJ"}
)


def record_hash(data: Mapping[str, str]) -> str:
    """SM3 over canonical JSON (sorted keys, no spaces, UTF-8): the leaf of reconciliation."""
    canonical = json.dumps(dict(data), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return sm3_hex(canonical.encode("utf-8"))


def _is_right(table: str) -> bool:
    return table.startswith(RIGHT_PREFIXES) and table != CANCELLATION_TABLE


def _row_status(row: Mapping[str, str]) -> str:
    if row.get("QSZT", "").strip() == "2" or any(row.get(f, "").strip() for f in CANCELLATION_FIELDS):
        return MirrorStatus.HISTORIC
    return MirrorStatus.CURRENT


def mirror_keys(
    *, rec_flow_id: str, estate_num: str, rows: Mapping[str, Sequence[Mapping[str, str]]]
) -> dict[tuple[str, str], tuple[str, str, str, Mapping[str, str]]]:
    """(table, row key) → (business number, unit code, status, row) for a message's rows.

    The row key is table, 业务号 and the row's position within that business, so a re-sent
    business replaces its own rows. Reconciliation keys the sender's side the same way."""
    keyed: dict[tuple[str, str], tuple[str, str, str, Mapping[str, str]]] = {}
    for table, table_rows in rows.items():
        positions: Counter[str] = Counter()
        for row in table_rows:
            business_no = row.get("YWH", "").strip() or rec_flow_id
            position = positions[business_no]
            positions[business_no] += 1
            row_key = f"{table}:{business_no}:{position}"[:140]
            unit_code = row.get("BDCDYH", "").strip() or estate_num
            keyed[(table, row_key)] = (business_no, unit_code, _row_status(row), row)
    return keyed


Incoming = dict[tuple[str, str, str], tuple[ReceivedMessage, str, str, str, Mapping[str, str]]]


def _incoming(message: ReceivedMessage, rows: Mapping[str, Sequence[Mapping[str, str]]]) -> Incoming:
    keyed = mirror_keys(rec_flow_id=message.rec_flow_id, estate_num=message.estate_num, rows=rows)
    return {(message.region_code, t, k): (message, *value) for (t, k), value in keyed.items()}


def mirror_needs_order(*, rows: Mapping[str, Sequence[Mapping[str, str]]]) -> bool:
    """Whether applying these rows closes other rows (a predecessor business, a cancelled right):
    such a message must be applied after every earlier one, on its own (see `mirror_apply_many`)."""
    for table, table_rows in rows.items():
        if table == CANCELLATION_TABLE and table_rows:
            return True
        if not _is_right(table):
            continue
        for row in table_rows:
            own = row.get("YWH", "").strip()
            if _row_status(row) == MirrorStatus.CURRENT and (
                {row.get(f, "").strip() for f in PREDECESSOR_FIELDS} - {"", own}
            ):
                return True
    return False


def _upsert(incoming: Incoming) -> list[tuple[MirrorRecord, Mapping[str, str]]]:
    """Read the existing rows in one query, write new and changed rows in one bulk insert and one
    bulk update; returns the rows that changed with their source rows."""
    if not incoming:
        return []
    now = timezone.now()
    existing = {
        (record.region_code, record.table, record.row_key): record
        for record in MirrorRecord.objects.filter(
            region_code__in={region for region, _, _ in incoming},
            table__in={table for _, table, _ in incoming},
            row_key__in={row_key for _, _, row_key in incoming},
        ).order_by()  # no sort needed (the model's default ordering would add one)
    }
    created: list[MirrorRecord] = []
    updated: list[MirrorRecord] = []
    touched: list[tuple[MirrorRecord, Mapping[str, str]]] = []
    for key, (message, business_no, unit_code, status, row) in incoming.items():
        digest = record_hash(row)
        record = existing.get(key)
        if record is not None and record.record_hash == digest and record.status == status:
            continue
        if record is None:
            region_code, table, row_key = key
            record = MirrorRecord(region_code=region_code, table=table, row_key=row_key)
            created.append(record)
        else:
            updated.append(record)
        record.unit_code = unit_code[:40]
        record.business_no = business_no[:64]
        record.data = dict(row)
        record.record_hash = digest
        record.status = status
        record.updated_by_message = message
        record.updated_at = now
        touched.append((record, row))
    MirrorRecord.objects.bulk_create(created)
    MirrorRecord.objects.bulk_update(
        updated,
        ["unit_code", "business_no", "data", "record_hash", "status", "updated_by_message", "updated_at"],
    )
    return touched


def mirror_apply(*, message: ReceivedMessage, rows: Mapping[str, Sequence[Mapping[str, str]]]) -> int:
    """Upsert every row of `message` into the mirror; returns how many rows changed.

    Runs inside the caller's transaction (the receiver stores the message and the mirror
    together). Rows whose content did not change are left alone. The message's rows are read
    and written in bulk; closing predecessors and cancelled rights follows, and only touches
    rows of other businesses, so it does not depend on the order of the upserts."""
    touched = _upsert(_incoming(message, rows))
    changed = len(touched)
    for record, row in touched:
        if record.status == MirrorStatus.CURRENT and _is_right(record.table):
            changed += _close_predecessors(record=record, row=row, message=message)
        if record.table == CANCELLATION_TABLE:
            changed += _close_unit_rights(
                region_code=message.region_code, unit_code=record.unit_code, message=message, row=row
            )
    return changed


def mirror_apply_many(
    *, items: Sequence[tuple[ReceivedMessage, Mapping[str, Sequence[Mapping[str, str]]]]]
) -> int:
    """`mirror_apply` for several messages at once: one read, one insert, one update in all.

    Only for messages that close no other rows (`mirror_needs_order` false) and write disjoint
    row keys — the batch receiver guarantees both, so the result equals applying them in order."""
    incoming: Incoming = {}
    for message, rows in items:
        incoming.update(_incoming(message, rows))
    return len(_upsert(incoming))


def _close_predecessors(*, record: MirrorRecord, row: Mapping[str, str], message: ReceivedMessage) -> int:
    earlier = {row.get(f, "").strip() for f in PREDECESSOR_FIELDS} - {"", record.business_no}
    if not earlier:
        return 0
    return (
        MirrorRecord.objects.filter(
            region_code=record.region_code,
            table=record.table,
            unit_code=record.unit_code,
            business_no__in=earlier,
            status=MirrorStatus.CURRENT,
        )
        .exclude(row_key=record.row_key)
        .update(status=MirrorStatus.HISTORIC, updated_by_message=message, updated_at=timezone.now())
    )


def _close_unit_rights(
    *, region_code: str, unit_code: str, message: ReceivedMessage, row: Mapping[str, str]
) -> int:
    current = [
        record
        for record in MirrorRecord.objects.filter(
            region_code=region_code, unit_code=unit_code, status=MirrorStatus.CURRENT
        ).exclude(updated_by_message=message)
        if _is_right(record.table)
    ]
    ysdm = row.get("YSDM", "").strip()
    named = [record for record in current if ysdm and record.data.get("YSDM", "").strip() == ysdm]
    targets = named or [record for record in current if record.table not in SEPARATELY_CANCELLED]
    for record in targets:
        record.status = MirrorStatus.HISTORIC
        record.updated_by_message = message
        record.updated_at = timezone.now()
        record.save(update_fields=["status", "updated_by_message", "updated_at"])
    return len(targets)
