"""Register rows as the standard's table rows (TD/T 1066 table and field codes): the edge where
a 汇交 package speaks the standard.

It reuses the 登簿 adapter's row builders (`quality.adapters.registration_rows`: households,
parties, the fields derived from unit and parties) and `register.standard_fields` (details,
注销 fields), so a 汇交 row and an access-message row of the same right say the same thing.
Unlike the adapter it reads stored rights with their stored status (现势/历史/终止), registrar,
登记机构 and 上手业务号, and decrypts parties in memory (the standard's rows carry names and ID
numbers; they are never logged).

Callers load the relations each builder names (see `services.export`), so mapping a row issues
no query.
"""

from __future__ import annotations

from typing import Any

from bdcdj.accounts import pii
from bdcdj.exchange.messages.registration import CHINA, CHINESE_ID_TYPES, KIND_RIGHT_TYPES, sex_from_id_number
from bdcdj.huijiao.tables import PARTY_TABLE
from bdcdj.quality.adapters.registration_rows import (
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
from bdcdj.register.models import (
    DETAIL_MODELS,
    Building,
    Floor,
    LogicalBuilding,
    Parcel,
    Party,
    Right,
    RightKind,
    Unit,
)
from bdcdj.register.models.choices import ParcelKind
from bdcdj.register.services import BuildingSpec, ParcelSpec
from bdcdj.register.standard_fields import DETAIL_FIELDS, ENDED_FIELDS, RIGHT_TABLES

TableRow = tuple[str, Row]


def parcel_rows(parcel: Parcel) -> TableRow:
    """KTT_ZDJBXX (宗地) or KTT_ZHJBXX (宗海: ZHDM 宗海代码, XMMC 项目名称 = 坐落, ZHMJ 宗海面积)."""
    spec = ParcelSpec(
        code=parcel.code,
        location=parcel.location,
        area=parcel.area,
        area_unit=parcel.area_unit,
        land_use=parcel.land_use,
        right_nature=parcel.right_nature,
    )
    row = parcel_row(spec, region=parcel.region_code)
    row["ZT"] = parcel.status
    if parcel.kind != ParcelKind.SEA:
        return "KTT_ZDJBXX", row
    return "KTT_ZHJBXX", {
        **ysdm("KTT_ZHJBXX"),
        "ZHDM": row["ZDDM"],
        "BDCDYH": row["BDCDYH"],
        "ZHTZM": row["ZDTZM"],
        "XMMC": row["ZL"],
        "ZHMJ": row["ZDMJ"],
        "ZT": row["ZT"],
        "QXDM": row["QXDM"],
    }


def building_rows(building: Building) -> TableRow:
    spec = BuildingSpec(
        code=building.code,
        location=building.location,
        name=building.name,
        project_name=building.project_name,
        floors_above=building.floors_above,
        floors_below=building.floors_below,
        total_households=building.total_households,
        structure=building.structure,
        planned_use=building.planned_use,
        built_area=building.built_area,
        completed_on=building.completed_on,
    )
    row = building_row(spec, region=building.region_code)
    row["ZT"] = building.status
    row["LDZL"] = building.location  # 楼幢坐落
    return "KTT_FW_ZRZ", row


def logical_building_rows(logical: LogicalBuilding, *, building_code: str) -> TableRow:
    """KTT_FW_LJZ; needs `logical.building` loaded or its code given."""
    return "KTT_FW_LJZ", {
        **ysdm("KTT_FW_LJZ"),
        "LJZH": logical.number,
        "ZRZH": building_code,
        "MPH": logical.door_number,
        "SCJZMJ": logical.built_area,
        "FWJG1": logical.structure,
        "FWYT1": logical.planned_use,
        "ZCS": logical.floors_total,
        "QXDM": logical.region_code,
    }


def floor_rows(floor: Floor, *, building_code: str, logical_number: str) -> TableRow:
    """KTT_FW_C: 层号 CH is the actual floor number (unique within its 逻辑幢), MYC the label."""
    return "KTT_FW_C", {
        **ysdm("KTT_FW_C"),
        "CH": str(floor.number),
        "ZRZH": building_code,
        "LJZH": logical_number,
        "SJC": floor.number,
        "MYC": floor.nominal_label,
        "CJZMJ": floor.built_area,
        "QXDM": floor.region_code,
    }


def household_rows(unit: Unit) -> TableRow | None:
    """KTT_FW_H of a house unit (`unit.floor` and `unit.building` loaded); None otherwise."""
    if unit.code[19:20] != "F":
        return None
    row = household_row(UnitFacts.from_unit(unit), region=unit.region_code)
    if unit.floor is not None:
        row["LJZH"] = unit.floor.logical_building.number
    return "KTT_FW_H", row


def _party_facts(party: Party) -> PartyFacts:
    return PartyFacts(
        role=party.role,
        name=pii.decrypt_text(party.name_enc),
        party_type=party.party_type,
        id_type=party.id_type,
        id_number=pii.decrypt_text(party.id_number_enc) if party.id_number_enc else "",
        share=party.share,
        holds_certificate=party.holds_certificate,
        certificate_number=party.certificate_number,
        phone=pii.decrypt_text(party.phone_enc) if party.phone_enc else "",
    )


def right_rows(right: Right, *, authority: str) -> list[TableRow]:
    """The right's row in its table and one ZTT_GY_QLR row per party.

    Needs loaded: `right.unit` with floor/logical building/building, `right.predecessor`,
    `right.parties` (prefetched) and the detail (`register.models.attach_details`)."""
    table = RIGHT_TABLES[right.kind]
    right_type = right.right_type or KIND_RIGHT_TYPES.get(RightKind(right.kind), "")
    parties = [_party_facts(p) for p in sorted(right.parties.all(), key=lambda p: (p.order, p.pk))]
    row: Row = {
        **ysdm(table, right_type),
        "BDCDYH": right.unit.code,
        "YWH": right.business_number,
        "QLLX": right_type,
        "DJLX": right.registration_type,
        "DJYY": right.reason,
        "QXDM": right.region_code,
        "DJJG": authority,
        "DBR": right.registrar_name,
        "DJSJ": right.registered_at,
        "FJ": right.remarks,
        "QSZT": right.status,
        "SSYWH": right.predecessor.business_number if right.predecessor is not None else "",
    }
    if table == "QLF_QL_JSYDSYQ":
        row["ZDDM"] = right.unit.code[:19]
    if right.certificate_number:
        row["BDCDJZMH" if table in PROOF_TABLES else "BDCQZH"] = right.certificate_number
    detail = detail_values(right.detail)
    for name, code in DETAIL_FIELDS.get(DETAIL_MODELS[right.kind].__name__, {}).items():
        if name in detail:
            row[code] = value(detail[name])
    fill_derived(row, kind=right.kind, unit=UnitFacts.from_unit(right.unit), parties=parties)
    for name, code in ENDED_FIELDS.get(table, {}).items():
        ended: Any = getattr(right, name)
        if ended:
            row[code] = ended
    if table == "QLF_QL_DYAQ" and right.ended_by_name:
        row["ZXDBR"] = right.ended_by_name  # 注销登簿人
    if table == "QLF_QL_DYAQ" and right.ended_at:
        row["ZXSJ"] = right.ended_at  # 注销时间
    co_ownership = co_ownership_of(right.co_ownership, parties, right.kind)
    rows: list[TableRow] = [(table, row)]
    for order, party in enumerate(parties, start=1):
        party_values = party_row(party, order=order, kind=right.kind, co_ownership=co_ownership, head=row)
        party_values.update(QSZT=right.status, DJSJ=right.registered_at)
        if party_values.get("ZJZL") in CHINESE_ID_TYPES:
            party_values["GJ"] = CHINA  # 国家/地区, as the access message carries it
        party_values["XB"] = sex_from_id_number(party_values)  # 性别, from the ID number
        rows.append((PARTY_TABLE, party_values))
    return rows
