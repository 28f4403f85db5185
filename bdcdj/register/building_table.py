"""楼盘表: reads of one 自然幢 as a grid of floors × households with each household's register status.

The whole table costs a fixed number of queries whatever the number of households: the building,
its 逻辑幢, its floors, its units, and one aggregate over the rights of those units
(`(unit, kind, status)` pairs, never the rights themselves). Like every register selector these
take the acting user first and treat another district's building exactly like a missing one.
"""

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.db.models import Count, Q

from bdcdj.accounts.selectors import AnyUser, tenant_codes
from bdcdj.core.errors import NotFound
from bdcdj.register.models import (
    TITLE_KINDS,
    Building,
    Floor,
    LogicalBuilding,
    Right,
    RightKind,
    RightStatus,
    Unit,
    UnitStatus,
)


@dataclass(frozen=True)
class Status:
    key: str
    label: str
    color: str


# Most severe first: a household's cell takes the colour of its first status; the others are flags.
STATUSES: tuple[Status, ...] = (
    Status("seized", "查封", "#d92d20"),
    Status("objection", "异议", "#7a5af8"),
    Status("mortgaged", "抵押", "#f79009"),
    Status("notice", "预告", "#06aed4"),
    Status("registered", "已登记所有权", "#12b76a"),
    Status("cancelled", "已注销", "#475467"),
    Status("invalid", "单元已失效", "#101828"),
    Status("unregistered", "未登记", "#d0d5dd"),
)
STATUS_BY_KEY = {s.key: s for s in STATUSES}
STATUS_ORDER = {s.key: i for i, s in enumerate(STATUSES)}
_RESTRICTION_FLAGS = (
    (RightKind.SEIZURE, "seized"),
    (RightKind.OBJECTION, "objection"),
    (RightKind.MORTGAGE, "mortgaged"),
    (RightKind.ADVANCE_NOTICE, "notice"),
)
BUILDINGS_PAGE_SIZE = 20
BUILDING_SORTS = {
    "code": ("code",),
    "-code": ("-code",),
    "location": ("location", "code"),
    "-location": ("-location", "code"),
    "households": ("households", "code"),
    "-households": ("-households", "code"),
}


def statuses_of(*, rights: set[tuple[str, str]], unit_valid: bool = True) -> tuple[str, ...]:
    """The status keys of one household, most severe first, from its `(kind, status)` pairs.

    A current restriction is a flag of its own; a current title is 已登记所有权; a title that
    ended without a current successor is 已注销; nothing at all is 未登记.
    """
    current = {kind for kind, status in rights if status == RightStatus.CURRENT}
    flags = [key for kind, key in _RESTRICTION_FLAGS if kind in current]
    if current & TITLE_KINDS:
        flags.append("registered")
    elif any(kind in TITLE_KINDS and status != RightStatus.CURRENT for kind, status in rights):
        flags.append("cancelled")
    if not unit_valid:
        flags.append("invalid")
    if not flags:
        flags.append("unregistered")
    return tuple(sorted(flags, key=STATUS_ORDER.__getitem__))


@dataclass(frozen=True)
class Household:
    code: str
    household_no: str
    room_label: str
    built_area: Decimal | None
    planned_use: str
    statuses: tuple[str, ...]

    @property
    def status(self) -> str:
        return self.statuses[0]

    @property
    def second_color(self) -> str:
        """Colour of the next most severe status (a stripe on the cell), or ''."""
        return STATUS_BY_KEY[self.statuses[1]].color if len(self.statuses) > 1 else ""

    @property
    def status_labels(self) -> str:
        return "、".join(STATUS_BY_KEY[s].label for s in self.statuses)


@dataclass
class FloorRow:
    number: int | None  # None: units of the building that carry no floor
    label: str
    households: list[Household] = field(default_factory=list)

    @property
    def below_ground(self) -> bool:
        return self.number is not None and self.number < 0


@dataclass
class Section:
    """One 逻辑幢 (or the building's units without a floor), floors from the top down."""

    number: str
    door_number: str
    floors: list[FloorRow]

    @property
    def households(self) -> int:
        return sum(len(f.households) for f in self.floors)

    @property
    def width(self) -> int:
        return max((len(f.households) for f in self.floors), default=0)


@dataclass(frozen=True)
class BuildingTable:
    building: Building
    sections: list[Section]
    counts: dict[str, int]  # primary status → households

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def legend(self) -> list[tuple[Status, int]]:
        return [(s, self.counts.get(s.key, 0)) for s in STATUSES]

    def as_json(self) -> dict[str, object]:
        """Compact form for the 3D view: one row per household, indexes into the other lists."""
        labels: dict[int, str] = {}
        for section in self.sections:
            for row in section.floors:
                labels.setdefault(_level_key(row.number), row.label)
        ordered = sorted(labels)  # bottom (below ground, then unfloored) to top
        levels = {number: index for index, number in enumerate(ordered)}
        floors = [labels[number] for number in ordered]
        cells = []
        for lb_index, section in enumerate(self.sections):
            for row in section.floors:
                level = levels[_level_key(row.number)]
                for position, h in enumerate(row.households):
                    cells.append(
                        [
                            lb_index,
                            level,
                            position,
                            STATUS_ORDER[h.status],
                            h.code,
                            h.room_label,
                            h.status_labels,
                        ]
                    )
        return {
            "building": self.building.code,
            "sections": [s.number for s in self.sections],
            "floors": floors,
            "statuses": [[s.key, s.label, s.color] for s in STATUSES],
            "cells": cells,
        }


def _level_key(number: int | None) -> int:
    return -10_000 if number is None else number


def _tenant_filter(user: AnyUser) -> Q:
    return Q(region_code__in=tenant_codes(user=user))


def building_get(*, user: AnyUser, code: str) -> Building:
    """One 自然幢 by its 24-character code in the user's districts; NotFound otherwise."""
    code = (code or "").strip().upper()
    building = (
        Building.objects.select_related("parcel").filter(_tenant_filter(user), code=code).first()
        if len(code) == 24
        else None
    )
    if building is None:
        raise NotFound(code="building_not_found", message=f"未找到自然幢：{code}")
    return building


@dataclass(frozen=True)
class BuildingPage:
    items: Sequence[Building]  # each annotated with `households`
    page: int
    pages: int
    total: int


def buildings_search(
    *, user: AnyUser, text: str = "", page: int = 1, sort: str = "code", page_size: int = BUILDINGS_PAGE_SIZE
) -> BuildingPage:
    """Buildings of the user's districts whose code starts with `text` or whose 坐落/名称/项目
    contains it, with their household counts; paginated and sorted (`BUILDING_SORTS`)."""
    text = " ".join((text or "").split())
    qs = Building.objects.filter(_tenant_filter(user))
    if text:
        qs = qs.filter(
            Q(code__startswith=text.upper())
            | Q(location__icontains=text)
            | Q(name__icontains=text)
            | Q(project_name__icontains=text)
        )
    total = qs.count()
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    order = BUILDING_SORTS.get(sort, BUILDING_SORTS["code"])
    start = (page - 1) * page_size
    items = list(qs.annotate(households=Count("units")).order_by(*order)[start : start + page_size])
    return BuildingPage(items=items, page=page, pages=pages, total=total)


@lru_cache(maxsize=256)
def _statuses(pairs: frozenset[tuple[str, str]], valid: bool) -> tuple[str, ...]:
    """Households mostly share a handful of right combinations: classify each combination once."""
    return statuses_of(rights=set(pairs), unit_valid=valid)


def _natural(label: str) -> tuple[object, ...]:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", label))


def _floor_label(floor: Floor) -> str:
    """名义层 as shown: a bare number reads as "12层" / "地下1层"; any other label is kept."""
    label = floor.nominal_label or str(floor.number)
    if label.lstrip("-").isdigit():
        number = int(label)
        return f"地下{-number}层" if number < 0 else f"{number}层"
    return label


def building_table(*, user: AnyUser, code: str) -> BuildingTable:
    """The 楼盘表 of one building: every 逻辑幢 with its floors (top first, below-ground last)
    and households coloured by status. Six queries, whatever the size of the building."""
    building = building_get(user=user, code=code)
    logical = list(LogicalBuilding.objects.filter(building=building).order_by("number", "id"))
    floors = list(Floor.objects.filter(logical_building__building=building).order_by("-number", "id"))
    units = list(
        Unit.objects.filter(building=building, region_code=building.region_code)
        .order_by("household_no", "code")
        .values_list(
            "id", "code", "household_no", "room_label", "floor_id", "built_area", "planned_use", "status"
        )
    )
    pairs: dict[int, set[tuple[str, str]]] = defaultdict(set)
    rights = (
        Right.objects.filter(unit__building=building, region_code=building.region_code)
        .order_by()  # the model's ordering would join the SELECT DISTINCT and defeat it
        .values_list("unit_id", "kind", "status")
        .distinct()
    )
    for unit_id, kind, status in rights:
        pairs[unit_id].add((kind, status))

    rows: dict[int, FloorRow] = {f.pk: FloorRow(number=f.number, label=_floor_label(f)) for f in floors}
    loose = FloorRow(number=None, label="未分层")
    counts: dict[str, int] = defaultdict(int)
    for unit_id, unit_code, household_no, room, floor_id, area, use, unit_status in units:
        household = Household(
            code=unit_code,
            household_no=household_no,
            room_label=room,
            built_area=area,
            planned_use=use,
            statuses=_statuses(frozenset(pairs.get(unit_id, ())), unit_status == UnitStatus.VALID),
        )
        counts[household.status] += 1
        rows.get(floor_id, loose).households.append(household)
    for row in (*rows.values(), loose):
        row.households.sort(key=lambda h: (_natural(h.room_label), h.household_no))

    by_lb: dict[int, list[FloorRow]] = defaultdict(list)
    for f in floors:
        by_lb[f.logical_building_id].append(rows[f.pk])
    sections = [Section(number=lb.number, door_number=lb.door_number, floors=by_lb[lb.pk]) for lb in logical]
    if loose.households:
        sections.append(Section(number="未分层", door_number="", floors=[loose]))
    return BuildingTable(building=building, sections=sections, counts=dict(counts))
