"""The two sides of a reconciliation, keyed and hashed alike.

* Lower node: what it has delivered — its acked outbox messages replayed in delivery order, each
  row keyed by `hub.services.mirror.mirror_keys` and hashed by `record_hash`.
* Upper node: its mirror of that lower node (`hub.MirrorRecord`), kept by the same functions.

Equal roots mean the upper node holds exactly what the lower node sent. A difference names the
row (table, 业务号, position), which points at the message to re-send (补报) or the mirror row to
repair.
"""

from bdcdj.exchange.messages import parse_message
from bdcdj.exchange.models import OutboxMessage, OutboxStatus
from bdcdj.hub.models import MirrorRecord
from bdcdj.hub.services.mirror import mirror_keys, record_hash
from bdcdj.reconcile.tree import MerkleTree, depth_for


def _key(table: str, row_key: str) -> str:
    return f"{table}|{row_key}"


def sent_records(*, region_code: str) -> dict[str, bytes]:
    records: dict[str, bytes] = {}
    acked = OutboxMessage.objects.filter(region_code=region_code, status=OutboxStatus.ACKED).order_by(
        "acked_at", "id"
    )
    for xml in acked.values_list("xml", flat=True).iterator(chunk_size=500):
        parsed = parse_message(xml=bytes(xml))
        keyed = mirror_keys(
            rec_flow_id=parsed.head.get("RecFlowID", ""),
            estate_num=parsed.head.get("EstateNum", ""),
            rows=parsed.rows,
        )
        for (table, row_key), (_business, _unit, _status, row) in keyed.items():
            records[_key(table, row_key)] = bytes.fromhex(record_hash(row))
    return records


def mirror_records(*, region_code: str) -> dict[str, bytes]:
    rows = MirrorRecord.objects.filter(region_code=region_code).values_list("table", "row_key", "record_hash")
    return {
        _key(table, row_key): bytes.fromhex(digest)
        for table, row_key, digest in rows.iterator(chunk_size=5000)
    }


def tree_of(records: dict[str, bytes], *, depth: int | None = None) -> MerkleTree:
    return MerkleTree.build(records.items(), depth=depth or depth_for(len(records)))
