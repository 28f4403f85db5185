"""楼盘表 planning (权籍调查成果入库 from the building table): create the households of a block of
floors × doors in one 自然幢.

`households_plan` validates a plan and returns what would be created, writing nothing (the
preview). `households_create` repeats the validation under the building's lock, allocates the
户号 through `standards` (gap-free, per building) and writes the units with one
`record(ADD_UNITS)`: one registration event, all households or none, and an audit row.
"""

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from bdcdj.accounts.models import User
from bdcdj.accounts.selectors import AnyUser, require_tenant
from bdcdj.accounts.services import audit_record
from bdcdj.core.errors import InvalidInput, invalid_fields
from bdcdj.register.building_table import building_get
from bdcdj.register.models import Building, Floor, Operation, Unit
from bdcdj.register.services.items import RecordResult, RegistrationItem
from bdcdj.register.services.registration import record
from bdcdj.register.services.specs import UnitSpec
from bdcdj.standards.models import CodeSequence
from bdcdj.standards.selectors import dictionary_has
from bdcdj.standards.services import (
    household_scope,
    unit_code_allocate_household,
    unit_code_seed_from_codes,
)

FLOOR_MIN, FLOOR_MAX = -10, 200
PER_FLOOR_MAX = 60
HOUSEHOLDS_MAX = 2000  # per plan; a bigger building is planned in several steps
AREA_MAX = Decimal("100000")
LABEL_MAX = 20
_TOKEN = re.compile(r"\{([^{}]*)\}")
TOKENS = ("F", "N", "NN", "NNN")


@dataclass(frozen=True, kw_only=True)
class HouseholdPlan:
    """Floors `floor_from`..`floor_to` (0 skipped; negative = below ground) × `per_floor` doors.

    `room_pattern` makes each 房号 from `{F}` (floor; B1, B2 … below ground), `{N}` (door) or
    `{NN}`/`{NNN}` (door, zero-padded): "{F}{NN}" gives 101, 102 … 1001.
    """

    logical_building: str = "1"
    floor_from: int
    floor_to: int
    per_floor: int
    room_pattern: str = "{F}{NN}"
    planned_use: str = "11"
    house_type: str = ""
    structure: str = ""
    built_area: Decimal | None = None
    exclusive_area: Decimal | None = None
    shared_area: Decimal | None = None


@dataclass(frozen=True)
class PlannedHousehold:
    floor: int
    floor_label: str
    door: int
    room_label: str
    location: str

    @property
    def floor_display(self) -> str:
        return f"地下{-self.floor}层" if self.floor < 0 else f"{self.floor}层"


@dataclass(frozen=True)
class PlanPreview:
    building: Building
    plan: HouseholdPlan
    households: list[PlannedHousehold]
    first_household_no: int  # the 户号 the first new household will get (if no one else allocates first)

    @property
    def floors(self) -> list[int]:
        return sorted({h.floor for h in self.households}, reverse=True)


def _floors(plan: HouseholdPlan) -> list[int]:
    low, high = sorted((plan.floor_from, plan.floor_to))
    return [n for n in range(low, high + 1) if n != 0]


def _floor_token(floor: int) -> str:
    return f"B{-floor}" if floor < 0 else str(floor)


def floor_label(floor: int) -> str:
    """名义层 of a floor this plan creates, as the register writes it ("-1" reads 地下1层); an
    existing floor keeps its own label."""
    return str(floor)


def room_label(pattern: str, *, floor: int, door: int) -> str:
    values = {"F": _floor_token(floor), "N": str(door), "NN": f"{door:02d}", "NNN": f"{door:03d}"}
    return _TOKEN.sub(lambda m: values[m.group(1)], pattern)


def _check_numbers(plan: HouseholdPlan, building: Building, errors: dict[str, str]) -> None:
    for name, value in (("floor_from", plan.floor_from), ("floor_to", plan.floor_to)):
        if not FLOOR_MIN <= value <= FLOOR_MAX:
            errors[name] = f"楼层应在 {FLOOR_MIN} 到 {FLOOR_MAX} 之间（负数为地下层）"
        elif value > 0 and building.floors_above and value > building.floors_above:
            errors[name] = f"超出自然幢的地上层数（{building.floors_above} 层）"
        elif value < 0 and -value > building.floors_below:
            errors[name] = f"超出自然幢的地下层数（{building.floors_below} 层）"
    if plan.floor_from == 0 and plan.floor_to == 0:
        errors["floor_from"] = "楼层不能为 0"
    if not 1 <= plan.per_floor <= PER_FLOOR_MAX:
        errors["per_floor"] = f"每层户数应在 1 到 {PER_FLOOR_MAX} 之间"
    total = len(_floors(plan)) * plan.per_floor
    if not errors and total > HOUSEHOLDS_MAX:
        errors["per_floor"] = f"一次最多规划 {HOUSEHOLDS_MAX} 户，本次为 {total} 户，请分批办理"
    areas = (("built_area", plan.built_area), ("exclusive_area", plan.exclusive_area))
    for name, area in (*areas, ("shared_area", plan.shared_area)):
        if area is not None and not Decimal("0") < area <= AREA_MAX:
            errors[name] = f"面积应大于 0 且不超过 {AREA_MAX} ㎡"
    if plan.built_area is None and (plan.exclusive_area is not None or plan.shared_area is not None):
        errors["built_area"] = "填写套内或分摊面积时须填写建筑面积"
    parts = [a for a in (plan.exclusive_area, plan.shared_area) if a is not None]
    if plan.built_area is not None and parts and sum(parts) > plan.built_area:
        errors["exclusive_area"] = "套内与分摊面积之和不能大于建筑面积"


def _check_codes(plan: HouseholdPlan, errors: dict[str, str]) -> None:
    lb = plan.logical_building.strip()
    if not lb or len(lb) > 20:
        errors["logical_building"] = "逻辑幢号必填，最长 20 个字符"
    for name, code, value in (
        ("planned_use", "FWYT", plan.planned_use),
        ("house_type", "FWLX", plan.house_type),
        ("structure", "FWJG", plan.structure),
    ):
        if name == "planned_use" and not value:
            errors[name] = "房屋用途必填"
        elif value and not dictionary_has(code=code, value=value):
            errors[name] = f"“{value}”不是有效的代码（字典 {code}）"
    tokens = _TOKEN.findall(plan.room_pattern)
    unknown = [t for t in tokens if t not in TOKENS]
    if not plan.room_pattern.strip():
        errors["room_pattern"] = "房号规则必填"
    elif unknown:
        errors["room_pattern"] = (
            f"房号规则只能使用 {{F}}、{{N}}、{{NN}}、{{NNN}}，不认识：{'、'.join(unknown)}"
        )
    elif "{" in _TOKEN.sub("", plan.room_pattern) or "}" in _TOKEN.sub("", plan.room_pattern):
        errors["room_pattern"] = "房号规则的花括号不成对"
    elif plan.per_floor > 1 and not {"N", "NN", "NNN"} & set(tokens):
        errors["room_pattern"] = "每层多于一户时，房号规则须包含户序号 {N}、{NN} 或 {NNN}"
    elif plan.floor_from != plan.floor_to and "F" not in tokens:
        errors["room_pattern"] = "规划多个楼层时，房号规则须包含楼层 {F}"


def _households(plan: HouseholdPlan, building: Building) -> list[PlannedHousehold]:
    rows = []
    for floor in _floors(plan):
        for door in range(1, plan.per_floor + 1):
            label = room_label(plan.room_pattern, floor=floor, door=door)
            rows.append(
                PlannedHousehold(
                    floor=floor,
                    floor_label=floor_label(floor),
                    door=door,
                    room_label=label,
                    location=f"{building.location}{label}室",
                )
            )
    return rows


def _check_households(
    plan: HouseholdPlan, building: Building, rows: list[PlannedHousehold], errors: dict[str, str]
) -> None:
    labels = [h.room_label for h in rows]
    too_long = [label for label in labels if len(label) > LABEL_MAX]
    if too_long:
        errors["room_pattern"] = f"房号最长 {LABEL_MAX} 个字符：{too_long[0]}"
        return
    repeated = sorted(label for label, n in Counter(labels).items() if n > 1)
    if repeated:
        errors["room_pattern"] = f"房号规则生成了重复的房号：{'、'.join(repeated[:5])}"
        return
    taken = set(
        Unit.objects.filter(
            building=building,
            floor__logical_building__number=plan.logical_building.strip(),
            room_label__in=labels,
        ).values_list("room_label", flat=True)
    )
    if taken:
        listed = "、".join(sorted(taken, key=labels.index)[:8])
        errors["floor_from"] = (
            f"与已有户重叠（逻辑幢 {plan.logical_building.strip()}）：{listed}，共 {len(taken)} 户"
        )


def _next_household_no(building: Building) -> int:
    codes = Unit.objects.filter(building=building).values_list("household_no", flat=True)
    used = max((int(n) for n in codes if n.isdigit()), default=0)
    counter = (
        CodeSequence.objects.filter(scope=household_scope(building.code))
        .values_list("last_value", flat=True)
        .first()
    )
    return max(used, counter or 0) + 1


def _validated(*, building: Building, plan: HouseholdPlan) -> PlanPreview:
    errors: dict[str, str] = {}
    _check_numbers(plan, building, errors)
    _check_codes(plan, errors)
    if errors:
        raise invalid_fields(errors, code="plan_invalid")
    rows = _households(plan, building)
    _check_households(plan, building, rows, errors)
    first = _next_household_no(building)
    if not errors and first + len(rows) - 1 > 9999:
        errors["per_floor"] = (
            f"本幢剩余户号不足：还可分配 {max(0, 10000 - first)} 个，本次需要 {len(rows)} 个"
        )
    if errors:
        raise invalid_fields(errors, code="plan_invalid")
    return PlanPreview(building=building, plan=plan, households=rows, first_household_no=first)


def households_plan(*, user: AnyUser, building_code: str, plan: HouseholdPlan) -> PlanPreview:
    """Validate a plan against the building and its households; writes nothing."""
    building = building_get(user=user, code=building_code)
    return _validated(building=building, plan=plan)


def households_create(*, by: User, building_code: str, plan: HouseholdPlan) -> RecordResult:
    """Create the planned households: all of them in one registration event, or none.

    The building row is locked (PostgreSQL) so two plans for the same building queue and the
    second one sees the first one's households; codes come from the building's 户号 counter,
    raised above every code already used in the building.
    """
    building = building_get(user=by, code=building_code)
    require_tenant(user=by, region_code=building.region_code)
    with transaction.atomic():
        if connection.features.has_select_for_update:
            building = Building.objects.select_for_update().select_related("parcel").get(pk=building.pk)
        preview = _validated(building=building, plan=plan)
        existing = list(Unit.objects.filter(building=building).values_list("code", flat=True))
        if existing:
            unit_code_seed_from_codes(codes=existing)
        lb = plan.logical_building.strip()
        labels = dict(
            Floor.objects.filter(
                logical_building__building=building, logical_building__number=lb
            ).values_list("number", "nominal_label")
        )
        specs = tuple(
            UnitSpec(
                code=unit_code_allocate_household(building_code=building.code),
                location=h.location,
                room_label=h.room_label,
                logical_building=lb,
                floor=h.floor,
                floor_label=labels.get(h.floor) or h.floor_label,
                planned_use=plan.planned_use,
                house_type=plan.house_type,
                structure=plan.structure or building.structure,
                built_area=plan.built_area,
                exclusive_area=plan.exclusive_area,
                shared_area=plan.shared_area,
            )
            for h in preview.households
        )
        stamp = timezone.localtime().strftime("%Y%m%d%H%M%S%f")
        result = record(
            by=by,
            item=RegistrationItem(
                region_code=building.region_code,
                business_number=f"LPB{stamp}-{building.number}",
                operation=Operation.ADD_UNITS,
                reason="楼盘表规划户入库",
                units=specs,
            ),
        )
        audit_record(
            actor=by,
            action="register.households_plan",
            object_type="register.building",
            object_id=building.code,
            region_code=building.region_code,
            detail={
                "event_seq": result.event.seq,
                "households": len(specs),
                "logical_building": lb,
                "floors": [min(preview.floors), max(preview.floors)],
                "per_floor": plan.per_floor,
                "first": specs[0].code,
                "last": specs[-1].code,
            },
        )
    return result


def plan_from_form(data: dict[str, str]) -> HouseholdPlan:
    """A plan from form fields; InvalidInput with per-field Chinese messages for unreadable values."""
    errors: dict[str, str] = {}

    def integer(name: str, label: str) -> int:
        raw = (data.get(name) or "").strip()
        if not re.fullmatch(r"-?\d{1,4}", raw):
            errors[name] = f"{label}应为整数"
            return 0
        return int(raw)

    def area(name: str) -> Decimal | None:
        raw = (data.get(name) or "").strip()
        if not raw:
            return None
        if not re.fullmatch(r"\d{1,6}(\.\d{1,2})?", raw):
            errors[name] = "面积应为数字，最多两位小数"
            return None
        return Decimal(raw)

    plan = HouseholdPlan(
        logical_building=(data.get("logical_building") or "1").strip(),
        floor_from=integer("floor_from", "起始层"),
        floor_to=integer("floor_to", "终止层"),
        per_floor=integer("per_floor", "每层户数"),
        room_pattern=(data.get("room_pattern") or "").strip(),
        planned_use=(data.get("planned_use") or "").strip(),
        house_type=(data.get("house_type") or "").strip(),
        structure=(data.get("structure") or "").strip(),
        built_area=area("built_area"),
        exclusive_area=area("exclusive_area"),
        shared_area=area("shared_area"),
    )
    if errors:
        raise InvalidInput(code="plan_invalid", message="规划信息有误，请检查标红的字段", fields=errors)
    return plan
