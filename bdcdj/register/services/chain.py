"""The hash chain of register events: canonical bytes, appending under the chain-head lock,
and verification.

hash(n) = SM3( prev_hash(n) ‖ canonical JSON of event n ), with prev_hash(1) = 64 zeros and
prev_hash(n) = hash(n-1) within a region. The canonical JSON is
`json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))` of
{region, seq, kind, occurred_at (UTC ISO-8601, microseconds), business_number, unit, right,
payload}. Payloads hold only JSON strings, integers, booleans, null, lists and objects, so
they survive a database round trip (PostgreSQL jsonb included) byte for byte.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from bdcdj.accounts.models import User
from bdcdj.core.crypto import sm3_hex
from bdcdj.register.models import GENESIS_HASH, ChainHead, RegisterEvent, Right, Unit

CHUNK = 2000


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(
    *,
    prev_hash: str,
    region_code: str,
    seq: int,
    kind: str,
    occurred_at: datetime,
    business_number: str,
    unit_code: str,
    right_id: int | None,
    payload: dict[str, Any],
) -> str:
    body = {
        "region": region_code,
        "seq": seq,
        "kind": kind,
        "occurred_at": _iso(occurred_at),
        "business_number": business_number,
        "unit": unit_code,
        "right": right_id,
        "payload": payload,
    }
    return sm3_hex(prev_hash.encode("ascii") + canonical_json(body).encode("utf-8"))


def stored_event_hash(event: RegisterEvent, *, prev_hash: str) -> str:
    """The hash an event should have, recomputed from its stored columns."""
    return event_hash(
        prev_hash=prev_hash,
        region_code=event.region_code,
        seq=event.seq,
        kind=event.kind,
        occurred_at=event.occurred_at,
        business_number=event.business_number,
        unit_code=event.unit_code,
        right_id=event.right_id,
        payload=event.payload,
    )


def event_append(
    *,
    region_code: str,
    kind: str,
    actor: User,
    occurred_at: datetime,
    business_number: str,
    registration_type: str,
    unit: Unit | None,
    right: Right | None,
    payload: dict[str, Any],
) -> RegisterEvent:
    """Append one event to the region's chain. Must run inside the caller's transaction:
    the chain head row stays locked until it commits, so concurrent appends queue."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_append must run inside transaction.atomic")
    # Round-trip the payload through JSON now, so what we hash is what the database returns.
    payload = json.loads(canonical_json(payload))
    head, _ = ChainHead.objects.select_for_update().get_or_create(region_code=region_code)
    seq = head.seq + 1
    unit_code = unit.code if unit is not None else ""
    digest = event_hash(
        prev_hash=head.hash,
        region_code=region_code,
        seq=seq,
        kind=kind,
        occurred_at=occurred_at,
        business_number=business_number,
        unit_code=unit_code,
        right_id=right.pk if right is not None else None,
        payload=payload,
    )
    event = RegisterEvent(
        region_code=region_code,
        seq=seq,
        kind=kind,
        occurred_at=occurred_at,
        actor=actor,
        actor_name=(actor.display_name or actor.username)[:50],
        business_number=business_number,
        registration_type=registration_type,
        unit=unit,
        unit_code=unit_code,
        right=right,
        payload=payload,
        prev_hash=head.hash,
        hash=digest,
    )
    event.full_clean(exclude=["actor", "unit", "right"], validate_unique=False, validate_constraints=False)
    event.save()
    ChainHead.objects.filter(pk=head.pk).update(seq=seq, hash=digest)
    return event


@dataclass(frozen=True)
class BrokenLink:
    """The first place the chain does not hold. `reason`: hash (content changed), link
    (prev_hash does not match the previous event), missing (a sequence number is absent) or
    head (the chain head disagrees with the last event)."""

    seq: int
    reason: str
    expected: str
    stored: str

    @property
    def message(self) -> str:
        labels = {"hash": "摘要不符", "link": "与上一条的链接不符", "missing": "缺失", "head": "链头不符"}
        return f"第 {self.seq} 条{labels[self.reason]}：期望 {self.expected}，存储 {self.stored}"


@dataclass(frozen=True)
class ChainReport:
    region_code: str
    checked: int
    last_seq: int
    broken: BrokenLink | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _events(region_code: str, from_seq: int) -> Iterator[RegisterEvent]:
    return (
        RegisterEvent.objects.filter(region_code=region_code, seq__gte=from_seq)
        .order_by("seq")
        .only(
            "region_code",
            "seq",
            "kind",
            "occurred_at",
            "business_number",
            "unit_code",
            "right_id",
            "payload",
            "prev_hash",
            "hash",
        )
        .iterator(chunk_size=CHUNK)
    )


def chain_verify(*, region_code: str, from_seq: int = 1) -> ChainReport:
    """Recompute every hash of a region's chain in order and report the first broken link.

    With `from_seq` > 1 the event before it is trusted as the starting point (for quick checks
    of the recent tail; a full check starts at 1).
    """
    from_seq = max(1, from_seq)
    if from_seq == 1:
        prev_hash = GENESIS_HASH
    else:
        before = RegisterEvent.objects.filter(region_code=region_code, seq=from_seq - 1).only("hash").first()
        if before is None:
            return ChainReport(region_code, 0, 0, BrokenLink(from_seq - 1, "missing", "存在", "无"))
        prev_hash = before.hash
    expected_seq, checked = from_seq, 0
    for event in _events(region_code, from_seq):
        if event.seq != expected_seq:
            return ChainReport(
                region_code, checked, expected_seq - 1, BrokenLink(expected_seq, "missing", "存在", "无")
            )
        if event.prev_hash != prev_hash:
            return ChainReport(
                region_code, checked, event.seq, BrokenLink(event.seq, "link", prev_hash, event.prev_hash)
            )
        recomputed = stored_event_hash(event, prev_hash=prev_hash)
        if recomputed != event.hash:
            return ChainReport(
                region_code, checked, event.seq, BrokenLink(event.seq, "hash", recomputed, event.hash)
            )
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    last_seq = expected_seq - 1
    head = ChainHead.objects.filter(region_code=region_code).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_seq != last_seq or head_hash != prev_hash:
        broken = BrokenLink(
            max(head_seq, last_seq), "head", f"{last_seq}:{prev_hash}", f"{head_seq}:{head_hash}"
        )
        return ChainReport(region_code, checked, last_seq, broken)
    return ChainReport(region_code, checked, last_seq, None)


def chain_regions() -> list[str]:
    """Every region that has a chain (for verifying all of them)."""
    return list(ChainHead.objects.order_by("region_code").values_list("region_code", flat=True))
