"""What the query pages may say about a unit: its natural status and whether restrictions
weigh on it. Built from register rows already loaded; never carries a name or ID number.

The public sees these facts without logging in, so only the thing itself is described
(坐落, 面积, 用途, 结构, 层数 …) and each restriction only by kind and dates: who holds a
mortgage or which court seized a unit is not public.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from bdcdj.register.models import Right, RightKind, Unit
from bdcdj.register.state import seizure_effective
from bdcdj.standards.selectors import dictionary_label

RESTRICTION_LABELS: dict[str, str] = {
    RightKind.MORTGAGE: "抵押",
    RightKind.SEIZURE: "查封",
    RightKind.OBJECTION: "异议",
    RightKind.ADVANCE_NOTICE: "预告",
}


def label(dictionary: str, value: str | None) -> str:
    if not value:
        return ""
    return dictionary_label(code=dictionary, value=value) or value


@dataclass(frozen=True)
class Restriction:
    """One current restriction on a unit, by kind and dates only."""

    kind: str
    label: str
    registered_on: date
    start: date | None
    end: date | None
    note: str  # e.g. 轮候 position, 最高额抵押; never a party


@dataclass(frozen=True)
class NaturalStatus:
    """自然状况 of a unit: what it is and where, no owner."""

    unit_code: str
    region_code: str
    kind_label: str
    location: str
    built_area: Decimal | None
    exclusive_area: Decimal | None
    shared_area: Decimal | None
    parcel_code: str
    parcel_area: Decimal | None
    use_label: str
    land_use_label: str
    structure_label: str
    floor_label: str
    floors_total: int | None
    room_label: str


def _day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def restriction_of(right: Right) -> Restriction:
    """Kind and dates of one restriction right (details must be attached)."""
    detail = right.detail
    start = end = None
    note = ""
    if right.kind == RightKind.MORTGAGE and detail is not None:
        start, end = detail.debt_start, detail.debt_end
        note = f"第{detail.rank}顺位" + ("，最高额抵押" if detail.method == "2" else "")
    elif right.kind == RightKind.SEIZURE and detail is not None:
        start, end = detail.start, detail.end
        note = "轮候查封" if not seizure_effective(right) else label("CFLX", detail.seizure_kind)
    elif right.kind == RightKind.OBJECTION and detail is not None:
        start, end = detail.start, detail.end
    elif right.kind == RightKind.ADVANCE_NOTICE and detail is not None:
        note = label("YGDJZL", detail.notice_kind)
    return Restriction(
        kind=right.kind,
        label=RESTRICTION_LABELS.get(right.kind, right.get_kind_display()),
        registered_on=timezone.localdate(right.registered_at),
        start=start,
        end=end,
        note=note,
    )


def natural_status(unit: Unit, title: Right | None) -> NaturalStatus:
    """The unit's description; house details of the current title fill what the unit lacks."""
    detail = title.detail if title is not None else None
    parcel = unit.parcel
    building = unit.building
    floor = unit.floor
    floors_total = None
    if building is not None:
        floors_total = (building.floors_above or 0) + (building.floors_below or 0) or None
    if floors_total is None and getattr(detail, "total_floors", None):
        floors_total = getattr(detail, "total_floors", None)
    floor_label = ""
    if floor is not None:
        floor_label = floor.nominal_label or f"{floor.number}层"
    elif getattr(detail, "floor_no", None) is not None:
        floor_label = f"{getattr(detail, 'floor_no', '')}层"
    return NaturalStatus(
        unit_code=unit.code,
        region_code=unit.region_code,
        kind_label=unit.get_kind_display(),
        location=unit.location,
        built_area=unit.built_area or getattr(detail, "built_area", None),
        exclusive_area=unit.exclusive_area or getattr(detail, "exclusive_area", None),
        shared_area=unit.shared_area or getattr(detail, "shared_area", None),
        parcel_code=parcel.code,
        parcel_area=parcel.area,
        use_label=label("FWYT", unit.planned_use or getattr(detail, "planned_use", "")),
        land_use_label=label("TDYT", parcel.land_use),
        structure_label=label("FWJG", unit.structure or getattr(detail, "structure", "")),
        floor_label=floor_label,
        floors_total=floors_total,
        room_label=unit.room_label,
    )


def main_area(unit: Unit, title: Right | None) -> Decimal | None:
    """The area a holder recognises: the house's built area, else the right's or parcel's."""
    detail = title.detail if title is not None else None
    for value in (
        unit.built_area,
        getattr(detail, "built_area", None),
        getattr(detail, "area", None),
        getattr(detail, "area_mu", None),
        getattr(detail, "area_ha", None),
    ):
        if value is not None:
            return Decimal(value)
    return unit.parcel.area if unit.kind != "house" else None


def day_of(moment: datetime | None) -> date | None:
    return _day(moment)
