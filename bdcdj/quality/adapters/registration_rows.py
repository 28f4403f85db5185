"""Row builders of the 登簿 adapter: one function per standard table, from the register's
specs and models to the standard's field codes.

Where `register.standard_fields` maps a field it is used (right tables' details, parties);
the unit tables and the fields the standard derives from other data (坐落, 抵押人, 土地使用权人,
总层数…) are mapped here. Each field code is explained in `tables.csv`. A field the register
does not hold is left out of the row (the engine runs with `partial_rows`), so the rules
report only what the registrar can fix; a held field that is empty is present and empty.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bdcdj.core.errors import NotFound
from bdcdj.register.models import PartyRole, RightKind, Unit
from bdcdj.register.models.choices import HOLDER_ROLE
from bdcdj.register.services import BuildingSpec, ParcelSpec, UnitSpec
from bdcdj.register.standard_fields import PARTY_FIELDS, SOLE_OWNERSHIP
from bdcdj.standards.selectors import ysdm_for_table

Row = dict[str, Any]
LAND_ONLY_SUFFIX = "W00000000"
# 是否 (SF) and 不动产单元状态 (ZT) codes.
YES, NO, VALID = "1", "0", "1"
# 权属状态 (QSZT) of what 登簿 writes: 现势.
CURRENT = "1"
# 抵押金额类型 (DYJELX): blank means one amount per unit (the register's reading), 0.
PER_UNIT_AMOUNT = "0"
# 面积单位 (MJDW) of the register's areas: m².
SQUARE_METRES = "1"
# Tables whose certificate field is the 登记证明号 (BDCDJZMH) instead of the 权证号 (BDCQZH).
PROOF_TABLES = frozenset({"QLF_QL_DYAQ", "QLF_QL_YGDJ", "QLF_QL_YYDJ", "QLF_QL_DYIQ"})


@dataclass(frozen=True)
class UnitFacts:
    """What the adapter needs of a unit, whether it exists or is created by the item."""

    code: str
    location: str
    room_label: str
    floor_no: int | None
    floor_label: str
    planned_use: str
    house_type: str
    house_nature: str
    structure: str
    built_area: Decimal | None
    exclusive_area: Decimal | None
    shared_area: Decimal | None
    status: str
    total_floors: int | None

    @classmethod
    def from_unit(cls, unit: Unit) -> UnitFacts:
        building = unit.building
        return cls(
            code=unit.code,
            location=unit.location,
            room_label=unit.room_label,
            floor_no=unit.floor.number if unit.floor is not None else None,
            floor_label=unit.floor.nominal_label if unit.floor is not None else "",
            planned_use=unit.planned_use,
            house_type=unit.house_type,
            house_nature=unit.house_nature,
            structure=unit.structure,
            built_area=unit.built_area,
            exclusive_area=unit.exclusive_area,
            shared_area=unit.shared_area,
            status=unit.status,
            total_floors=_floors(building.floors_above, building.floors_below) if building else None,
        )

    @classmethod
    def from_spec(cls, spec: UnitSpec, building: BuildingSpec | Any | None) -> UnitFacts:
        return cls(
            code=spec.code.strip().upper(),
            location=spec.location.strip(),
            room_label=spec.room_label,
            floor_no=spec.floor,
            floor_label=spec.floor_label,
            planned_use=spec.planned_use,
            house_type=spec.house_type,
            house_nature=spec.house_nature,
            structure=spec.structure,
            built_area=spec.built_area,
            exclusive_area=spec.exclusive_area,
            shared_area=spec.shared_area,
            status=VALID,
            total_floors=_floors(building.floors_above, building.floors_below) if building else None,
        )


def _floors(above: int, below: int) -> int | None:
    return (above + below) or None


def value(raw: Any) -> Any:
    """Register values as standard row values: booleans become the 是否 codes, text is trimmed."""
    if isinstance(raw, bool):
        return YES if raw else NO
    if isinstance(raw, str):
        return raw.strip()
    return raw


def ysdm(table: str, qllx: str | None = None) -> dict[str, str]:
    """{"YSDM": 要素代码} of a table, or nothing when the standards catalogue has none."""
    try:
        return {"YSDM": ysdm_for_table(table, qllx=qllx or None)}
    except NotFound:
        return {}


def parcel_row(spec: ParcelSpec, *, region: str) -> Row:
    code = spec.code.strip().upper()
    return {
        **ysdm("KTT_ZDJBXX"),
        "ZDDM": code,
        "BDCDYH": code + LAND_ONLY_SUFFIX,
        "ZDTZM": code[12:14],
        "ZL": spec.location.strip(),
        "ZDMJ": spec.area,
        "MJDW": spec.area_unit,
        "YT": spec.land_use,
        "QLXZ": spec.right_nature,
        "ZT": VALID,
        "QXDM": region,
    }


def building_row(spec: BuildingSpec, *, region: str) -> Row:
    code = spec.code.strip().upper()
    return {
        **ysdm("KTT_FW_ZRZ"),
        "ZDDM": code[:19],
        "ZRZH": code,
        "XMMC": spec.project_name.strip(),
        "JZWMC": spec.name.strip(),
        "JGRQ": spec.completed_on,
        "SCJZMJ": spec.built_area,
        "ZCS": _floors(spec.floors_above, spec.floors_below),
        "DSCS": spec.floors_above,
        "DXCS": spec.floors_below,
        "GHYT": spec.planned_use,
        "FWJG": spec.structure,
        "ZTS": spec.total_households,
        "ZT": VALID,
        "QXDM": region,
    }


def household_row(unit: UnitFacts, *, region: str) -> Row:
    """KTT_FW_H of a house unit. The register keeps one set of areas; they are the 实测 (SC*)
    areas of the standard (the 预测 ones belong to pre-sale survey data it does not hold)."""
    return {
        **ysdm("KTT_FW_H"),
        "BDCDYH": unit.code,
        "ZRZH": unit.code[:24],
        "ZDDM": unit.code[:19],
        "CH": unit.floor_label or ("" if unit.floor_no is None else str(unit.floor_no)),
        "ZL": unit.location,
        "MJDW": SQUARE_METRES,
        "HH": int(unit.code[24:28]),
        "SHBW": unit.room_label,
        "FWYT1": unit.planned_use,
        "FWLX": unit.house_type,
        "FWXZ": unit.house_nature,
        "SCJZMJ": unit.built_area,
        "SCTNJZMJ": unit.exclusive_area,
        "SCFTJZMJ": unit.shared_area,
        "ZT": unit.status,
        "QXDM": region,
    }


def detail_values(detail: Any) -> dict[str, Any]:
    """Field name → value of a detail spec (dataclass) or a stored detail row."""
    if detail is None:
        return {}
    if dataclasses.is_dataclass(detail) and not isinstance(detail, type):
        return {f.name: getattr(detail, f.name) for f in dataclasses.fields(detail)}
    return {f.name: getattr(detail, f.attname) for f in detail._meta.concrete_fields if f.name != "right"}


def names(parties: Iterable[PartyFacts], role: str) -> str:
    return "、".join(p.name for p in parties if p.role == role and p.name)


@dataclass(frozen=True)
class PartyFacts:
    """A party as the adapter sees it: from the item (clear values) or kept from the right it
    replaces (then only the masked name and ID number are read — nothing is decrypted)."""

    role: str
    name: str
    party_type: str
    id_type: str
    id_number: str
    share: Decimal | None
    holds_certificate: bool
    certificate_number: str
    phone: str


# Columns of the register's Party that hold ciphertext → the clear value on PartyFacts.
_CLEAR_VALUES = {"name_enc": "name", "id_number_enc": "id_number", "phone_enc": "phone"}


def party_row(party: PartyFacts, *, order: int, kind: str, co_ownership: str, head: Row) -> Row:
    """ZTT_GY_QLR of one party of the right `head` (the right's row): the mapped columns of
    `standard_fields.PARTY_FIELDS`, plus unit, district, business and the 共有方式 of holders."""
    row: Row = {**ysdm("ZTT_GY_QLR"), "BDCDYH": head.get("BDCDYH") or head.get("GYDBDCDYH")}
    for ours, code in PARTY_FIELDS.items():
        row[code] = order if ours == "order" else value(getattr(party, _CLEAR_VALUES.get(ours, ours)))
    if not party.certificate_number:
        del row["BDCQZH"]
    row.update({"QXDM": head.get("QXDM"), "YWH": head.get("YWH"), "QLLX": head.get("QLLX")})
    if party.role == HOLDER_ROLE[kind]:
        row["GYFS"] = co_ownership
    return row


def fill_derived(row: Row, *, kind: str, unit: UnitFacts | None, parties: list[PartyFacts]) -> None:
    """Standard fields derived from the unit and the parties, as the access message carries
    them. House-like details take empty areas, use, nature, structure and floor from the unit,
    exactly as the register does when it writes the detail."""
    if kind in {RightKind.HOUSE_OWNERSHIP, RightKind.ADVANCE_NOTICE} and unit is not None:
        for code, fallback in (
            ("JZMJ", unit.built_area),
            ("GHYT", unit.planned_use),
            ("FWXZ", unit.house_nature),
            ("FWJG", unit.structure),
            ("SZC", unit.floor_no),
            ("ZCS", unit.total_floors),
        ):
            if row.get(code) in (None, ""):
                row[code] = fallback
    if kind == RightKind.HOUSE_OWNERSHIP:
        if unit is not None:
            row["FDZL"] = unit.location
            for code, fallback in (("ZYJZMJ", unit.exclusive_area), ("FTJZMJ", unit.shared_area)):
                if row.get(code) is None:
                    row[code] = fallback
        row["TDSYQR"] = names(parties, PartyRole.HOLDER)
        # 权利起止时间 of a house right is its land-use term; derived only when that is known,
        # so a missing term is reported once (on TDSYQSSJ/TDSYJSSJ).
        for derived, source in (("QLQSSJ", "TDSYQSSJ"), ("QLJSSJ", "TDSYJSSJ")):
            if row.get(source) is not None:
                row[derived] = row[source]
    elif kind == RightKind.MORTGAGE:
        row["DYR"] = names(parties, PartyRole.MORTGAGOR)
        row["DYJELX"] = row.get("DYJELX") or PER_UNIT_AMOUNT
        if row.get("DYMJ") is not None:
            row["MJDW"] = SQUARE_METRES
    elif kind == RightKind.ADVANCE_NOTICE:
        if not row.get("BDCZL") and unit is not None:
            row["BDCZL"] = unit.location
        obligors = [p for p in parties if p.role == PartyRole.NOTICE_OBLIGOR]
        row["YWR"] = names(obligors, PartyRole.NOTICE_OBLIGOR)
        if obligors:
            row["YWRZJZL"], row["YWRZJH"] = obligors[0].id_type, obligors[0].id_number
    elif kind == RightKind.EASEMENT:
        row["GYDBDCDYH"] = row.pop("BDCDYH", None)
        for prefix, role in (("GYD", PartyRole.SERVIENT_HOLDER), ("XYD", PartyRole.DOMINANT_HOLDER)):
            first = next((p for p in parties if p.role == role), None)
            row[f"{prefix}QLR"] = names(parties, role)
            if first is not None:
                row[f"{prefix}QLRZJZL"], row[f"{prefix}QLRZJH"] = first.id_type, first.id_number


def co_ownership_of(spec_value: str, parties: list[PartyFacts], kind: str) -> str:
    """共有方式 as the register writes it: blank with one holder means 0 单独所有."""
    holders = sum(1 for p in parties if p.role == HOLDER_ROLE[kind])
    return spec_value or (SOLE_OWNERSHIP if holders == 1 else "")
