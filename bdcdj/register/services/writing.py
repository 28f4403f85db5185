"""Row-level writes of one registration: new rights with their detail and parties, ending
rights, and the per-call context that collects what changed for the event."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models

from bdcdj.accounts import pii
from bdcdj.accounts.models import User
from bdcdj.core.errors import InvalidInput
from bdcdj.register.models import (
    DETAIL_RELATED_NAMES,
    Party,
    Right,
    RightKind,
    RightStatus,
    Unit,
    attach_details,
)
from bdcdj.register.models.choices import HOLDER_ROLE
from bdcdj.register.services import build
from bdcdj.register.services.items import DETAIL_SPECS, RegistrationItem, RightSpec
from bdcdj.register.standard_fields import SOLE_OWNERSHIP
from bdcdj.register.state import RightGroups, group_rights

# Detail fields a house-like right takes from its unit when the item leaves them empty.
_FROM_UNIT = ("built_area", "exclusive_area", "shared_area", "planned_use", "house_nature", "structure")


@dataclass
class Context:
    item: RegistrationItem
    by: User
    registered_at: datetime
    units: dict[str, Unit]
    created: list[Right] = field(default_factory=list)
    ended: list[Right] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    parties: dict[int, list[Party]] = field(default_factory=dict)
    _groups: dict[int, RightGroups] | None = None

    @property
    def registrar_name(self) -> str:
        return (self.by.display_name or self.by.username)[:50]

    def groups(self, unit: Unit) -> RightGroups:
        """Current rights of a locked unit, grouped. Read once after the lock; writers keep
        the cache in step via `forget`."""
        if self._groups is None:
            self._groups = {}
            rights = current_rights(list(self.units.values()))
            units_by_id = {u.pk: u for u in self.units.values()}
            by_unit: dict[int, list[Right]] = {pk: [] for pk in units_by_id}
            for right in rights:
                right.unit = units_by_id[right.unit_id]
                by_unit[right.unit_id].append(right)
            for unit_id, unit_rights in by_unit.items():
                self._groups[unit_id] = group_rights(unit_rights)
        return self._groups[unit.pk]

    def forget(self) -> None:
        self._groups = None

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


def current_rights(units: list[Unit]) -> list[Right]:
    rights = list(
        Right.objects.filter(unit__in=units, status=RightStatus.CURRENT)
        .prefetch_related("parties")
        .order_by("registered_at", "id")
    )
    attach_details(rights)
    return rights


def holder_indexes(parties: list[Party], role: str) -> set[str]:
    return {p.id_index for p in parties if p.role == role and p.id_index}


def spec_indexes(spec: RightSpec, role: str) -> set[str]:
    return {pii.blind_index(p.id_number) for p in spec.parties if p.role == role and p.id_number.strip()}


def parties_of(right: Right) -> list[Party]:
    return list(right.parties.all())


def right_create(
    ctx: Context,
    *,
    unit: Unit,
    spec: RightSpec,
    predecessor: Right | None = None,
    detail_extra: dict[str, Any] | None = None,
) -> Right:
    """Write one current right with its detail and parties. Empty parties or detail are
    copied from the predecessor (CHANGE/CORRECT, or a TRANSFER that keeps the detail)."""
    item = ctx.item
    kind = spec.kind
    holder_role = HOLDER_ROLE[kind]
    if spec.parties:
        holders = sum(1 for p in spec.parties if p.role == holder_role)
        co_ownership = spec.co_ownership or (SOLE_OWNERSHIP if holders == 1 else "")
    else:
        co_ownership = spec.co_ownership or (predecessor.co_ownership if predecessor else "")
    right = Right(
        region_code=item.region_code,
        unit=unit,
        kind=kind,
        right_type=spec.right_type or (predecessor.right_type if predecessor else ""),
        registration_type=item.registration_type,
        reason=item.reason.strip(),
        certificate_number=item.certificate_number.strip(),
        business_number=item.business_number.strip(),
        registered_at=ctx.registered_at,
        registrar=ctx.by,
        registrar_name=ctx.registrar_name,
        status=RightStatus.CURRENT,
        predecessor=predecessor,
        co_ownership=co_ownership,
        remarks=spec.remarks.strip(),
    )
    build.clean(right)
    right.save()
    _write_detail(right, unit=unit, spec=spec, predecessor=predecessor, extra=detail_extra or {})
    _write_parties(ctx, right, spec=spec, predecessor=predecessor)
    ctx.created.append(right)
    return right


def _write_detail(
    right: Right, *, unit: Unit, spec: RightSpec, predecessor: Right | None, extra: dict[str, Any]
) -> None:
    kind = spec.kind
    if spec.detail is not None:
        detail = build.detail_from_spec(kind, spec.detail)
    elif predecessor is not None and predecessor.detail is not None:
        detail = build.copy_detail(predecessor.detail)
    else:
        detail = build.detail_from_spec(kind, DETAIL_SPECS[kind]())
    if kind in {RightKind.HOUSE_OWNERSHIP, RightKind.ADVANCE_NOTICE}:
        _fill_from_unit(detail, unit)
    for name, value in extra.items():
        setattr(detail, name, value)
    detail.right = right  # type: ignore[attr-defined]
    build.clean(detail, prefix="detail.")
    detail.save(force_insert=True)
    setattr(right, DETAIL_RELATED_NAMES[kind], detail)  # cache it for the payload


def _fill_from_unit(detail: models.Model, unit: Unit) -> None:
    for name in _FROM_UNIT:
        if hasattr(detail, name) and getattr(detail, name) in (None, ""):
            setattr(detail, name, getattr(unit, name))
    if hasattr(detail, "floor_no") and detail.floor_no is None and unit.floor is not None:
        detail.floor_no = unit.floor.number
    if hasattr(detail, "location") and not detail.location:
        detail.location = unit.location


def _write_parties(ctx: Context, right: Right, *, spec: RightSpec, predecessor: Right | None) -> None:
    if spec.parties:
        parties = [
            build.party_from_spec(p, region_code=right.region_code, order=index)
            for index, p in enumerate(spec.parties, start=1)
        ]
    elif predecessor is not None:
        parties = [build.copy_party(p) for p in parties_of(predecessor)]
    else:
        parties = []
    for index, party in enumerate(parties):
        party.right = right
        build.clean(party, prefix=f"parties[{index}].")
    Party.objects.bulk_create(parties)
    ctx.parties[right.pk] = parties


def right_end(ctx: Context, right: Right, *, status: str) -> None:
    """Move a current right to 历史 (superseded) or 终止 (ended without successor)."""
    if ctx.registered_at < right.registered_at:
        message = "登簿时间不能早于被注销或被替代权利的登簿时间"
        raise InvalidInput(code="registered_at_too_early", message=message, fields={"registered_at": message})
    right.status = status
    right.ended_at = ctx.registered_at
    right.ended_by_business = ctx.item.business_number.strip()
    right.ended_by_name = ctx.registrar_name
    right.end_reason = ctx.item.reason.strip()
    build.clean(right)
    right.save(update_fields=["status", "ended_at", "ended_by_business", "ended_by_name", "end_reason"])
    ctx.ended.append(right)
