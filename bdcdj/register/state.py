"""Grouping of a unit's rights into title, restrictions and servitudes — the shape both the
register's rules and the unit-state read work on."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bdcdj.register.models import TITLE_KINDS, Right, RightKind


@dataclass
class RightGroups:
    title: Right | None = None
    mortgages: list[Right] = field(default_factory=list)  # by rank (顺位)
    seizures: list[Right] = field(default_factory=list)  # the effective one first, then the queue
    objections: list[Right] = field(default_factory=list)
    advance_notices: list[Right] = field(default_factory=list)
    servitudes: list[Right] = field(default_factory=list)  # 地役权, 居住权

    @property
    def effective_seizures(self) -> list[Right]:
        return [s for s in self.seizures if seizure_effective(s)]

    @property
    def is_seized(self) -> bool:
        return bool(self.effective_seizures)

    @property
    def is_mortgaged(self) -> bool:
        return bool(self.mortgages)

    @property
    def has_objection(self) -> bool:
        return bool(self.objections)

    @property
    def has_advance_notice(self) -> bool:
        return bool(self.advance_notices)

    def next_rank(self) -> int:
        return max((m.detail.rank for m in self.mortgages if m.detail is not None), default=0) + 1


def seizure_effective(right: Right, as_of: datetime | None = None) -> bool:
    """A seizure binds once it takes effect; a 轮候 one waits until the one before is lifted."""
    detail = right.detail
    if detail is None:
        return True
    if as_of is None:
        return detail.queue_position == 0
    return detail.effective_at is not None and detail.effective_at <= as_of


def group_rights(rights: Iterable[Right], *, as_of: datetime | None = None) -> RightGroups:
    groups = RightGroups()
    for right in rights:
        if right.kind in TITLE_KINDS:
            groups.title = right
        elif right.kind == RightKind.MORTGAGE:
            groups.mortgages.append(right)
        elif right.kind == RightKind.SEIZURE:
            groups.seizures.append(right)
        elif right.kind == RightKind.OBJECTION:
            groups.objections.append(right)
        elif right.kind == RightKind.ADVANCE_NOTICE:
            groups.advance_notices.append(right)
        else:
            groups.servitudes.append(right)
    groups.mortgages.sort(key=lambda r: (r.detail.rank if r.detail else 0, r.registered_at, r.pk))

    def seizure_order(r: Right) -> tuple[int, object, int]:
        effective = seizure_effective(r, as_of)
        if as_of is None and r.detail is not None:
            return (r.detail.queue_position, r.registered_at, r.pk)
        return (0 if effective else 1, r.registered_at, r.pk)

    groups.seizures.sort(key=seizure_order)
    return groups
