"""Reads of the register. Every selector takes the acting user first and sees only the user's
districts (`accounts.selectors.tenant_codes`): another district's unit is NotFound, exactly
like a unit that does not exist. Queries are index-backed (unit code, blind index, right
(unit, status)) and fetch details and parties in a fixed number of queries.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone

from bdcdj.accounts import pii
from bdcdj.accounts.selectors import AnyUser, can_view_pii, tenant_codes
from bdcdj.accounts.services import audit_record
from bdcdj.core.errors import DomainError, InvalidInput, NotFound
from bdcdj.register.models import (
    TITLE_KINDS,
    Party,
    PartyRole,
    RegisterEvent,
    Right,
    RightStatus,
    Unit,
    attach_details,
)
from bdcdj.register.services.codes import parse_code
from bdcdj.register.state import RightGroups, group_rights, seizure_effective

LOCATION_MIN_CHARS = 2
PAGE_SIZE_MAX = 100


@dataclass(frozen=True)
class UnitState:
    """A unit with the rights in force at `as_of` (now when None), restrictions split out."""

    unit: Unit
    as_of: datetime | None
    rights: list[Right]
    groups: RightGroups

    @property
    def title(self) -> Right | None:
        return self.groups.title

    @property
    def mortgages(self) -> list[Right]:
        return self.groups.mortgages

    @property
    def seizures(self) -> list[Right]:
        return self.groups.seizures

    @property
    def objections(self) -> list[Right]:
        return self.groups.objections

    @property
    def advance_notices(self) -> list[Right]:
        return self.groups.advance_notices

    @property
    def servitudes(self) -> list[Right]:
        return self.groups.servitudes

    @property
    def is_seized(self) -> bool:
        return any(seizure_effective(s, self.as_of) for s in self.groups.seizures)

    @property
    def is_mortgaged(self) -> bool:
        return self.groups.is_mortgaged

    @property
    def has_objection(self) -> bool:
        return self.groups.has_objection

    @property
    def has_advance_notice(self) -> bool:
        return self.groups.has_advance_notice


@dataclass(frozen=True)
class UnitPage:
    items: list[Unit]
    page: int
    page_size: int
    has_next: bool


@dataclass(frozen=True)
class RightLink:
    """A right with its 上手 (predecessor) and 下手 (successors)."""

    right: Right
    predecessor_id: int | None
    successor_ids: tuple[int, ...]


@dataclass(frozen=True)
class HistoryEntry:
    """One registration that touched the unit, in chain order."""

    event: RegisterEvent
    unit_created: bool
    rights_created: tuple[RightLink, ...]
    rights_ended: tuple[RightLink, ...]


def _tenants(user: AnyUser) -> frozenset[str]:
    return tenant_codes(user=user)


def _not_found(code: str) -> NotFound:
    return NotFound(code="unit_not_found", message=f"未找到不动产单元：{code}")


def _rights_query() -> Any:
    return Right.objects.prefetch_related(
        Prefetch("parties", queryset=Party.objects.order_by("order", "id"))
    ).order_by("registered_at", "id")


def _loaded(rights_qs: Any) -> list[Right]:
    """Rights with parties (one query) and details (one query per kind present)."""
    rights = list(rights_qs)
    attach_details(rights)
    return rights


def unit_get(*, user: AnyUser, code: str) -> Unit:
    """One unit by its 28-character code; InvalidInput for a malformed code."""
    parsed = parse_code(code)
    if parsed.raw[:6] not in _tenants(user):
        raise _not_found(parsed.raw)
    unit = (
        Unit.objects.select_related("parcel", "building", "floor")
        .filter(code=parsed.raw, region_code__in=_tenants(user))
        .first()
    )
    if unit is None:
        raise _not_found(parsed.raw)
    return unit


def units_by_location(*, user: AnyUser, text: str, limit: int = 50, page: int = 1) -> UnitPage:
    """Units whose 坐落 contains `text`, by code; `page` starts at 1."""
    text = " ".join(text.split())
    if len(text) < LOCATION_MIN_CHARS:
        message = f"坐落查询至少输入{LOCATION_MIN_CHARS}个字"
        raise InvalidInput(code="location_too_short", message=message, fields={"location": message})
    limit = max(1, min(limit, PAGE_SIZE_MAX))
    page = max(1, page)
    start = (page - 1) * limit
    rows = list(
        Unit.objects.filter(region_code__in=_tenants(user), location__icontains=text)
        .select_related("building")
        .order_by("code")[start : start + limit + 1]
    )
    return UnitPage(items=rows[:limit], page=page, page_size=limit, has_next=len(rows) > limit)


def units_by_owner_id(*, user: AnyUser, id_number: str, current_only: bool = True) -> list[Unit]:
    """Units whose title holder has this ID number, through the blind index (the number is
    never compared or stored in clear). Each search is audited without the number."""
    index = pii.blind_index(id_number)
    if not index:
        raise InvalidInput(code="id_number_required", message="请输入证件号", fields={"id_number": "必填"})
    rights = Right.objects.filter(
        region_code__in=_tenants(user),
        kind__in=sorted(TITLE_KINDS),
        parties__id_index=index,
        parties__role=PartyRole.HOLDER,
    )
    if current_only:
        rights = rights.filter(status=RightStatus.CURRENT)
    units = list(
        Unit.objects.filter(pk__in=rights.values("unit_id"))
        .select_related("parcel", "building", "floor")
        .order_by("code")
    )
    audit_record(
        actor=user,
        action="register.owner_search",
        object_type="register.unit",
        detail={"id_index": index[:16], "found": len(units), "current_only": current_only},
    )
    return units


def unit_state(*, user: AnyUser, code: str, as_of: datetime | None = None) -> UnitState:
    """The unit and its rights in force now, or at `as_of` (rights registered by then and not
    yet ended; a 轮候 seizure counts as binding only from its effective time)."""
    if as_of is not None and timezone.is_naive(as_of):
        raise InvalidInput(code="as_of_naive", message="查询时点须带时区", fields={"as_of": "须带时区"})
    unit = unit_get(user=user, code=code)
    rights_qs = _rights_query().filter(unit=unit)
    if as_of is None:
        rights_qs = rights_qs.filter(status=RightStatus.CURRENT)
    else:
        rights_qs = (
            rights_qs.filter(registered_at__lte=as_of)
            .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=as_of))
            .exclude(status=RightStatus.TEMPORARY)
        )
    rights = _loaded(rights_qs)
    for right in rights:
        right.unit = unit
    return UnitState(unit=unit, as_of=as_of, rights=rights, groups=group_rights(rights, as_of=as_of))


def unit_history(*, user: AnyUser, code: str) -> list[HistoryEntry]:
    """Every registration that touched the unit, in chain order, with the rights it created
    and ended and their 上手/下手 links."""
    unit = unit_get(user=user, code=code)
    rights = _loaded(_rights_query().filter(unit=unit))
    successors: dict[int, list[int]] = {}
    for right in rights:
        right.unit = unit
        if right.predecessor_id is not None:
            successors.setdefault(right.predecessor_id, []).append(right.pk)
    links = {r.pk: RightLink(r, r.predecessor_id, tuple(successors.get(r.pk, ()))) for r in rights}
    event_ids = {
        unit.created_by_event_id,
        *(r.recorded_event_id for r in rights),
        *(r.ended_event_id for r in rights),
    }
    event_ids.discard(None)
    # Fetched by primary key and ordered here: a handful of rows, whatever the chain's length.
    events = sorted(RegisterEvent.objects.filter(pk__in=event_ids), key=lambda e: (e.region_code, e.seq))
    return [
        HistoryEntry(
            event=event,
            unit_created=unit.created_by_event_id == event.pk,
            rights_created=tuple(links[r.pk] for r in rights if r.recorded_event_id == event.pk),
            rights_ended=tuple(links[r.pk] for r in rights if r.ended_event_id == event.pk),
        )
        for event in events
    ]


def right_get(*, user: AnyUser, right_id: int) -> Right:
    rights = _loaded(
        _rights_query().select_related("unit").filter(pk=right_id, region_code__in=_tenants(user))
    )
    if not rights:
        raise NotFound(code="right_not_found", message=f"未找到权利：{right_id}")
    return rights[0]


def party_display(*, user: AnyUser, party: Party) -> dict[str, Any]:
    """A party as the user may see it: masked, unless the user's role may view personal data
    (`can_view_pii`), in which case the clear name and ID number are shown and the read is
    audited."""
    if party.region_code not in _tenants(user):
        raise NotFound(code="party_not_found", message="未找到该权利人")
    shown: dict[str, Any] = {
        "id": party.pk,
        "role": party.role,
        "role_label": party.get_role_display(),
        "party_type": party.party_type,
        "name": party.name_masked,
        "id_type": party.id_type,
        "id_number": party.id_masked,
        "share": party.share,
        "holds_certificate": party.holds_certificate,
        "certificate_number": party.certificate_number,
        "masked": True,
    }
    if not can_view_pii(user=user):
        return shown
    target: dict[str, Any] = {
        "object_type": "register.party",
        "object_id": str(party.pk),
        "region_code": party.region_code,
    }
    try:
        name, id_number = pii.decrypt_text(party.name_enc), pii.decrypt_text(party.id_number_enc)
        phone = pii.decrypt_text(party.phone_enc)
    except ValueError as exc:  # includes pii.PiiDecryptError
        audit_record(actor=user, action="register.party_reveal", outcome="error", **target)
        raise DomainError(
            code="pii_undecryptable", message="权利人信息无法解密：密钥不符或数据已损坏"
        ) from exc
    audit_record(
        actor=user,
        action="register.party_reveal",
        detail={"right_id": party.right_id, "fields": ["name", "id_number"]},
        **target,
    )
    shown.update(name=name, id_number=id_number, phone=phone, masked=False)
    return shown


def parcels_current_right_kinds(*, user: AnyUser, parcel_ids: list[int]) -> dict[int, frozenset[str]]:
    """For each parcel, the kinds of the current rights on any of its units (title, mortgage,
    seizure, objection …), in one query; parcels of other districts are left out."""
    units = Unit.objects.filter(parcel_id__in=parcel_ids).values("id")
    rows = (
        Right.objects.filter(region_code__in=_tenants(user), unit_id__in=units, status=RightStatus.CURRENT)
        .values_list("unit__parcel_id", "kind")
        .distinct()
    )
    kinds: dict[int, set[str]] = {}
    for parcel_id, kind in rows:
        kinds.setdefault(parcel_id, set()).add(kind)
    return {parcel_id: frozenset(found) for parcel_id, found in kinds.items()}
