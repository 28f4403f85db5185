"""Writing new units (首次登记 / 权籍调查成果入库) and locking the units a registration touches."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction

from bdcdj.core.errors import Conflict, InvalidInput, NotFound
from bdcdj.register.models import (
    Building,
    Floor,
    LogicalBuilding,
    Parcel,
    Unit,
    UnitKind,
    UnitStatus,
)
from bdcdj.register.services import build
from bdcdj.register.services.items import RegistrationItem


@dataclass
class CreatedUnits:
    parcels: list[Parcel] = field(default_factory=list)
    buildings: list[Building] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)


def _exists_conflict(label: str, codes: Iterable[str]) -> Conflict:
    listed = "、".join(sorted(codes)[:5])
    return Conflict(code="unit_exists", message=f"{label}已存在，不能重复入库：{listed}")


def _save(obj: object, label: str, code: str) -> None:
    """Insert under a savepoint; a concurrent insert of the same code is a Conflict."""
    try:
        with transaction.atomic():
            obj.save()  # type: ignore[attr-defined]
    except IntegrityError as exc:
        raise _exists_conflict(label, [code]) from exc


def units_create(*, item: RegistrationItem) -> CreatedUnits:
    """Create the parcels, buildings (with 逻辑幢) and units an item carries. Parents may come
    from the same item or already exist in the item's district."""
    region = item.region_code
    created = CreatedUnits()
    parcels = _create_parcels(item, created)
    buildings = _create_buildings(item, created, parcels)
    if not item.units:
        return created
    codes = [build.unit_from_spec(s, region_code=region).code for s in item.units]
    existing = set(Unit.objects.filter(code__in=codes).values_list("code", flat=True))
    if existing:
        raise _exists_conflict("不动产单元", existing)
    logical: dict[tuple[int, str], LogicalBuilding] = {}
    floors: dict[tuple[int, int], Floor] = {}
    for index, spec in enumerate(item.units):
        unit = build.unit_from_spec(spec, region_code=region)
        unit.parcel = _parcel(parcels, unit.code[:19], region, f"units[{index}].code")
        if unit.code[19] == "F":
            building = _building(buildings, unit.code[:24], region, required=unit.kind != UnitKind.STRUCTURE)
            if building is not None:
                unit.building = building
                lb = _logical(logical, building, spec.logical_building or "1")
                if spec.floor is not None:
                    unit.floor = _floor(floors, lb, spec.floor, spec.floor_label)
        build.clean(unit, prefix=f"units[{index}].")
        _save(unit, "不动产单元", unit.code)
        created.units.append(unit)
    return created


def _create_parcels(item: RegistrationItem, created: CreatedUnits) -> dict[str, Parcel]:
    parcels: dict[str, Parcel] = {}
    new = [build.parcel_from_spec(s, region_code=item.region_code) for s in item.parcels]
    existing = set(Parcel.objects.filter(code__in=[p.code for p in new]).values_list("code", flat=True))
    if existing:
        raise _exists_conflict("宗地/宗海", existing)
    for index, parcel in enumerate(new):
        build.clean(parcel, prefix=f"parcels[{index}].")
        _save(parcel, "宗地/宗海", parcel.code)
        parcels[parcel.code] = parcel
        created.parcels.append(parcel)
    return parcels


def _create_buildings(
    item: RegistrationItem, created: CreatedUnits, parcels: dict[str, Parcel]
) -> dict[str, Building]:
    buildings: dict[str, Building] = {}
    region = item.region_code
    new = [(s, build.building_from_spec(s, region_code=region)) for s in item.buildings]
    existing = set(Building.objects.filter(code__in=[b.code for _, b in new]).values_list("code", flat=True))
    if existing:
        raise _exists_conflict("自然幢", existing)
    for index, (spec, building) in enumerate(new):
        building.parcel = _parcel(parcels, building.code[:19], region, f"buildings[{index}].code")
        build.clean(building, prefix=f"buildings[{index}].")
        _save(building, "自然幢", building.code)
        buildings[building.code] = building
        created.buildings.append(building)
        for lspec in spec.logical_buildings:
            lb = build.logical_building_from_spec(lspec, region_code=region)
            lb.building = building
            build.clean(lb, prefix=f"buildings[{index}].logical_buildings.")
            _save(lb, "逻辑幢", f"{building.code}-{lb.number}")
    return buildings


def _parcel(cache: dict[str, Parcel], code: str, region: str, field_name: str) -> Parcel:
    if code not in cache:
        parcel = Parcel.objects.filter(code=code, region_code=region).first()
        if parcel is None:
            message = f"宗地/宗海 {code} 不存在，请先办理宗地入库或在同一登记事项中提供宗地信息"
            raise InvalidInput(code="parcel_missing", message=message, fields={field_name: message})
        cache[code] = parcel
    return cache[code]


def _building(cache: dict[str, Building], code: str, region: str, *, required: bool) -> Building | None:
    if code not in cache:
        building = Building.objects.filter(code=code, region_code=region).first()
        if building is None:
            if not required:
                return None
            message = f"自然幢 {code} 不存在，请在同一登记事项中提供自然幢信息"
            raise InvalidInput(code="building_missing", message=message, fields={"buildings": message})
        cache[code] = building
    return cache[code]


def _logical(
    cache: dict[tuple[int, str], LogicalBuilding], building: Building, number: str
) -> LogicalBuilding:
    key = (building.pk, number)
    if key not in cache:
        lb, _ = LogicalBuilding.objects.get_or_create(
            building=building, number=number, defaults={"region_code": building.region_code}
        )
        cache[key] = lb
    return cache[key]


def _floor(cache: dict[tuple[int, int], Floor], lb: LogicalBuilding, number: int, label: str) -> Floor:
    key = (lb.pk, number)
    if key not in cache:
        floor, _ = Floor.objects.get_or_create(
            logical_building=lb,
            number=number,
            defaults={"region_code": lb.region_code, "nominal_label": label or str(number)},
        )
        cache[key] = floor
    return cache[key]


def units_lock(
    *, codes: Iterable[str], region_code: str, expected_versions: Mapping[str, int]
) -> dict[str, Unit]:
    """Lock the units in code order and bump their version.

    PostgreSQL: SELECT … FOR UPDATE makes a concurrent registration on the same unit wait for
    this transaction, then see its result. SQLite has no row locks: the writer lock of the
    IMMEDIATE transaction serialises writers, and the conditional version UPDATE refuses a
    registration whose caller examined an older version of the unit. Both databases run the
    version check, so `expected_unit_versions` works everywhere.
    """
    wanted = sorted(set(codes))
    qs = Unit.objects.filter(code__in=wanted).select_related("parcel", "building", "floor").order_by("code")
    if connection.features.has_select_for_update:
        qs = qs.select_for_update(of=("self",))
    units = {u.code: u for u in qs}
    for code in wanted:
        unit = units.get(code)
        if unit is None or unit.region_code != region_code:
            raise NotFound(code="unit_not_found", message=f"未找到不动产单元：{code}")
    for code in wanted:
        unit = units[code]
        seen = expected_versions.get(code, unit.version)
        if not Unit.objects.filter(pk=unit.pk, version=seen).update(version=seen + 1):
            raise Conflict(
                code="unit_changed",
                message=f"不动产单元 {code} 已被其他业务修改，请刷新后重新办理",
            )
        unit.version = seen + 1
    return units


def require_valid(unit: Unit) -> None:
    if unit.status != UnitStatus.VALID:
        raise Conflict(code="unit_invalid", message=f"不动产单元 {unit.code} 已失效，不能办理登记")
