"""The 登簿 adapter: a registration item as standard rows, so the same catalogue that checks
access messages and stock rows checks a registration before it is written.

What the rows contain (docs/quality.md §登簿):
* the right's table (`standard_fields.RIGHT_TABLES`) — one row per affected unit, the
  detail mapped by `standard_fields.DETAIL_FIELDS`, empty values of a superseding operation
  (转移、变更、更正) taken from the right it replaces, house values from the unit as the
  register does;
* ZTT_GY_QLR — one row per party (parties kept from the replaced right are read masked);
* KTT_ZDJBXX / KTT_FW_ZRZ for parcels and buildings the item creates, KTT_FW_H for every
  affected house unit (new or current data).
Fields the register assigns only while writing (登簿人, 登记机构, an unallocated certificate
number) or does not hold (房屋编码, 宗地四至…) are left out of the rows; see `partial_rows`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from bdcdj.quality.adapters.registration_rows import (
    CURRENT,
    PROOF_TABLES,
    PartyFacts,
    Row,
    UnitFacts,
    building_row,
    co_ownership_of,
    detail_values,
    fill_derived,
    household_row,
    parcel_row,
    party_row,
    value,
    ysdm,
)
from bdcdj.quality.findings import RowSet
from bdcdj.register.models import (
    DETAIL_MODELS,
    TITLE_KINDS,
    Building,
    Operation,
    Right,
    RightStatus,
    Unit,
    attach_details,
)
from bdcdj.register.models.choices import SUPERSEDING_OPERATIONS
from bdcdj.register.services import RegistrationItem, RightSpec
from bdcdj.register.standard_fields import DETAIL_FIELDS, RIGHT_TABLES


def rows_for_item(*, item: RegistrationItem, units: dict[str, Unit] | None = None) -> RowSet:
    """Standard rows of one registration item. `units` (code → Unit with floor and building)
    is the current unit data; when None the affected units are read from the register."""
    region = item.region_code
    targets = _targets(item)
    codes = item.affected_codes() or tuple(targets)
    if units is None:
        units = _units(region, codes)
    facts = _unit_facts(item, codes, units)
    rows: dict[str, list[Row]] = defaultdict(list)
    rows["KTT_ZDJBXX"] += [parcel_row(spec, region=region) for spec in item.parcels]
    rows["KTT_FW_ZRZ"] += [building_row(spec, region=region) for spec in item.buildings]
    rows["KTT_FW_H"] += [household_row(f, region=region) for f in facts.values() if f.code[19:20] == "F"]
    if item.right is not None and item.operation != Operation.ADD_UNITS:
        _right_rows(item, item.right, codes, facts, targets, rows)
    return {table: table_rows for table, table_rows in rows.items() if table_rows}


def _right_rows(
    item: RegistrationItem,
    spec: RightSpec,
    codes: tuple[str, ...],
    facts: dict[str, UnitFacts],
    targets: dict[str, Right],
    rows: dict[str, list[Row]],
) -> None:
    table = RIGHT_TABLES.get(spec.kind, "")
    mapping = DETAIL_FIELDS.get(DETAIL_MODELS[spec.kind].__name__, {})
    parties_written = False
    for code in codes:
        target = targets.get(code)
        parties = _parties(spec, target)
        right_type = spec.right_type or (target.right_type if target else "")
        row: Row = {
            **ysdm(table, right_type),
            "BDCDYH": code,
            "YWH": item.business_number.strip(),
            "QLLX": right_type,
            "DJLX": item.registration_type,
            "DJYY": item.reason.strip(),
            "QXDM": item.region_code,
            "QSZT": CURRENT,
            "FJ": spec.remarks.strip(),
        }
        if table == "QLF_QL_JSYDSYQ":
            row["ZDDM"] = code[:19]
        if item.certificate_number.strip():
            row["BDCDJZMH" if table in PROOF_TABLES else "BDCQZH"] = item.certificate_number.strip()
        if item.registered_at is not None:
            row["DJSJ"] = item.registered_at
        detail = detail_values(spec.detail if spec.detail is not None or target is None else target.detail)
        for name, field_code in mapping.items():
            if name in detail:
                row[field_code] = value(detail[name])
        fill_derived(row, kind=spec.kind, unit=facts.get(code), parties=parties)
        if table:
            rows[table].append(row)
        if not parties_written:  # the parties are the same on every unit: one set of rows
            co_ownership = co_ownership_of(
                spec.co_ownership or (target.co_ownership if target else ""), parties, spec.kind
            )
            rows["ZTT_GY_QLR"] += [
                party_row(p, order=n, kind=spec.kind, co_ownership=co_ownership, head=row)
                for n, p in enumerate(parties, start=1)
            ]
            parties_written = True


def _parties(spec: RightSpec, target: Right | None) -> list[PartyFacts]:
    if spec.parties:
        return [
            PartyFacts(
                role=p.role,
                name=p.name.strip(),
                party_type=p.party_type,
                id_type=p.id_type,
                id_number=p.id_number.strip(),
                share=p.share,
                holds_certificate=p.holds_certificate,
                certificate_number=p.certificate_number.strip(),
                phone=p.phone.strip(),
            )
            for p in spec.parties
        ]
    if target is None:
        return []
    return [
        PartyFacts(
            role=p.role,
            name=p.name_masked,
            party_type=p.party_type,
            id_type=p.id_type,
            id_number=p.id_masked,
            share=p.share,
            holds_certificate=p.holds_certificate,
            certificate_number=p.certificate_number,
            phone="",
        )
        for p in target.parties.all()
    ]


def _targets(item: RegistrationItem) -> dict[str, Right]:
    """Unit code → the current right a 转移/变更/更正 replaces (its detail and parties fill
    what the item leaves empty)."""
    if item.operation not in SUPERSEDING_OPERATIONS or item.right is None:
        return {}
    query = Right.objects.filter(region_code=item.region_code).select_related("unit")
    if item.target_right_ids:
        query = query.filter(pk__in=item.target_right_ids)
    else:
        kinds = [item.right.kind] if item.right.kind not in TITLE_KINDS else sorted(TITLE_KINDS)
        query = query.filter(unit__code__in=item.affected_codes(), status=RightStatus.CURRENT, kind__in=kinds)
    rights = list(query.prefetch_related("parties").order_by("id"))
    attach_details(rights)
    return {right.unit.code: right for right in rights}


def _units(region: str, codes: tuple[str, ...]) -> dict[str, Unit]:
    query = Unit.objects.filter(region_code=region, code__in=codes).select_related("floor", "building")
    return {unit.code: unit for unit in query}


def _unit_facts(
    item: RegistrationItem, codes: tuple[str, ...], units: dict[str, Unit]
) -> dict[str, UnitFacts]:
    """Facts of every affected unit: the item's new unit specs win over stored units."""
    specs = {spec.code.strip().upper(): spec for spec in item.units}
    buildings: dict[str, Any] = {spec.code.strip().upper(): spec for spec in item.buildings}
    missing = {code[:24] for code in specs if code[19:20] == "F" and code[:24] not in buildings}
    if missing:
        buildings.update(
            Building.objects.filter(region_code=item.region_code, code__in=missing).in_bulk(field_name="code")
        )
    facts: dict[str, UnitFacts] = {}
    for code in codes:
        if code in specs:
            facts[code] = UnitFacts.from_spec(specs[code], buildings.get(code[:24]))
        elif code in units:
            facts[code] = UnitFacts.from_unit(units[code])
    return facts
