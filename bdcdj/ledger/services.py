"""Writes of the transparency log: queue entries, catch up on missed sources, sequence queued
entries into the Merkle tree, and publish signed tree heads.

Queuing runs inside the source's transaction and takes no global lock; only the sequencer
serialises (on the TreeState row), so registrations of different districts never queue behind
one another for the log.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from bdcdj.certs.models import CertificateVersion
from bdcdj.exchange import signing
from bdcdj.ledger import entries, merkle
from bdcdj.ledger.models import Entry, EntryKind, Node, TreeHead, TreeState
from bdcdj.ledger.selectors import log_id, node_key, nodes_fetch
from bdcdj.ledger.verifier import leaf_hash, tree_head_bytes
from bdcdj.register.models import ChainHead, RegisterEvent

logger = logging.getLogger(__name__)
SEQUENCE_BATCH = 5000


def _queue(
    *,
    kind: str,
    source_id: int,
    region_code: str,
    reference: str,
    entry: str,
    document_sm3: str = "",
    new_source: bool = False,
) -> Entry:
    """`new_source`: the source row was inserted in this very transaction (the signal path),
    so no entry can exist yet and the lookup is skipped — one INSERT per registration."""
    if not new_source:
        found = Entry.objects.filter(kind=kind, source_id=source_id).first()
        if found is not None:
            return found
    row = Entry(
        kind=kind,
        source_id=source_id,
        region_code=region_code,
        reference=reference,
        entry=entry,
        leaf_hash=leaf_hash(entry.encode("utf-8")).hex(),
        document_sm3=document_sm3,
        queued_at=timezone.now(),
    )
    row.full_clean(validate_unique=False, validate_constraints=False)  # the database enforces those
    row.save()
    return row


def entry_queue_event(*, event: RegisterEvent, new_source: bool = False) -> Entry:
    """Queue a register event (idempotent: one entry per event)."""
    return _queue(
        new_source=new_source,
        kind=EntryKind.REGISTER_EVENT,
        source_id=event.pk,
        region_code=event.region_code,
        reference=entries.event_reference(event.region_code, event.seq),
        entry=entries.event_entry(event),
    )


def entry_queue_certificate(*, version: CertificateVersion, new_source: bool = False) -> Entry:
    """Queue a certificate version (idempotent), keyed for lookups by the PDF's SM3."""
    return _queue(
        new_source=new_source,
        kind=EntryKind.CERTIFICATE,
        source_id=version.pk,
        region_code=version.region_code,
        reference=entries.certificate_reference(version),
        entry=entries.certificate_entry(version),
        document_sm3=version.sm3,
    )


def ledger_catch_up() -> int:
    """Queue every register event and certificate version that has no entry yet.

    Cheap when nothing is missing: per district the number of queued events is compared with
    the chain head's sequence number (chains are gapless), and certificate versions by count;
    only a district or table that differs is scanned.
    """
    queued = 0
    event_entries = Entry.objects.filter(kind=EntryKind.REGISTER_EVENT)
    for head in ChainHead.objects.order_by("region_code"):
        have = event_entries.filter(region_code=head.region_code).count()
        if have >= head.seq:
            continue
        missing = (
            RegisterEvent.objects.filter(region_code=head.region_code)
            .exclude(pk__in=event_entries.values("source_id"))
            .order_by("seq")
        )
        for event in missing.iterator(chunk_size=1000):
            entry_queue_event(event=event)
            queued += 1
    cert_entries = Entry.objects.filter(kind=EntryKind.CERTIFICATE)
    if cert_entries.count() < CertificateVersion.objects.count():
        missing_versions = CertificateVersion.objects.exclude(
            pk__in=cert_entries.values("source_id")
        ).order_by("pk")
        for version in missing_versions.iterator(chunk_size=1000):
            entry_queue_certificate(version=version)
            queued += 1
    if queued:
        logger.warning("透明日志补录 %s 条（来源未经信号入队）", queued)
    return queued


def _lock_state() -> TreeState:
    """Lock the tree state row: an UPDATE first takes SQLite's write lock too, so two
    sequencers never read the same size."""
    TreeState.objects.get_or_create(pk=1)
    TreeState.objects.filter(pk=1).update(updated_at=timezone.now())
    return TreeState.objects.select_for_update().get(pk=1)


def _positions_store(rows: list[Entry], *, appended_at: datetime) -> None:
    """Write the new positions with one UPDATE … FROM a VALUES list per chunk (PostgreSQL and
    SQLite ≥ 3.33); Django's bulk_update builds a CASE per row and is ~20× slower here."""
    table = connection.ops.quote_name(Entry._meta.db_table)
    index_col = connection.ops.quote_name("index")
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        values = ", ".join(["(%s, %s)"] * len(chunk))
        params: list[Any] = [v for row in chunk for v in (row.pk, row.index)]
        sql = (
            f"WITH v(id, position) AS (VALUES {values}) "
            f"UPDATE {table} SET {index_col} = v.position, appended_at = %s FROM v WHERE {table}.id = v.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, connection.ops.adapt_datetimefield_value(appended_at)])


def ledger_sequence(*, limit: int = SEQUENCE_BATCH) -> int:
    """Give queued entries the next positions (queue order) and store the new complete
    subtrees; returns how many were appended. Repeat until it returns 0 to drain the queue."""
    with transaction.atomic():
        state = _lock_state()
        pending = list(Entry.objects.filter(index__isnull=True).order_by("pk")[:limit])
        if not pending:
            return 0
        known = nodes_fetch(merkle.frontier(state.size))
        appender = merkle.Appender(state.size, [known[key] for key in merkle.frontier(state.size)])
        now = timezone.now()
        created: list[Node] = []
        for row in pending:
            row.index = appender.size
            row.appended_at = now
            for level, position, digest in appender.append(bytes.fromhex(row.leaf_hash)):
                created.append(Node(key=node_key(level, position), hash=digest.hex()))
        _positions_store(pending, appended_at=now)
        Node.objects.bulk_create(created, batch_size=2000)
        state.size = appender.size
        state.root_hash = appender.root().hex()
        state.updated_at = now
        state.save(update_fields=["size", "root_hash", "updated_at"])
    return len(pending)


def tree_head_sign(*, state: TreeState) -> TreeHead:
    """Sign the current state with the node's SM2 key and publish it."""
    root = bytes.fromhex(state.root_hash) if state.size else merkle.root_hash(0, lambda _l, _p: b"")
    stamp = int(time.time() * 1000)
    data = tree_head_bytes(log_id=log_id(), tree_size=state.size, timestamp_ms=stamp, root_hash=root)
    head = TreeHead(
        log_id=log_id(),
        tree_size=state.size,
        timestamp_ms=stamp,
        root_hash=root.hex(),
        signature=signing.sign(data),
        public_key=signing.node_public_key_hex(),
        published_at=timezone.now(),
    )
    head.full_clean()
    head.save()
    return head


def tree_head_publish(*, force: bool = False) -> TreeHead | None:
    """Catch up, sequence everything queued, then sign a new head if the tree grew or the last
    head is older than BDCDJ_LEDGER_STH_SECONDS (so witnesses see the log is alive). Returns
    the new head, or None when the latest one still stands."""
    ledger_catch_up()
    while ledger_sequence():
        pass
    with transaction.atomic():
        state = _lock_state()
        latest = TreeHead.objects.order_by("-tree_size", "-timestamp_ms").first()
        max_age = timedelta(seconds=int(getattr(settings, "BDCDJ_LEDGER_STH_SECONDS", 3600)))
        stale = latest is None or latest.published_at < timezone.now() - max_age
        if not force and not stale and latest is not None and latest.tree_size == state.size:
            return None
        return tree_head_sign(state=state)
