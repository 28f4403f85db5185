"""Rows the access message carries beyond the quality adapter's (docs/exchange.md §1):

* the typed detail of land, sea, agricultural and forest rights in their tables (the adapter
  maps the details of house, land-use, mortgage, notice, seizure… rights; these four it leaves
  out, so the message maps them here) with the fields the standard derives from the unit;
* 逻辑幢 (KTT_FW_LJZ) and 层 (KTT_FW_C) rows of the house units in the message;
* 宗海 (KTT_ZHJBXX) rows of the sea units in the message.

Mandatory values the register does not hold at all (档案号, 组) carry "/", the vendors'
convention for them (as 房屋编码 on KTT_FW_H).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bdcdj.core.errors import NotFound
from bdcdj.register.models import ParcelKind, Right, RightKind, Unit
from bdcdj.standards.selectors import ysdm_for_table

NOT_HELD = "/"
HECTARES = "3"  # 面积单位 (MJDW) 公顷, the unit of sea areas

# Right kind → (detail field → standard field code) of the tables the adapter leaves unmapped.
DETAIL_FIELDS: dict[str, dict[str, str]] = {
    RightKind.LAND_OWNERSHIP: {
        "area_unit": "MJDW",  # 面积单位
        "agricultural_area": "NYDMJ",  # 农用地面积
        "arable_area": "GDMJ",  # 耕地面积
        "forest_area": "LDMJ",  # 林地面积
        "grassland_area": "CDMJ",  # 草地面积
        "construction_area": "JSYDMJ",  # 建设用地面积
        "unused_area": "WLYDMJ",  # 未利用地面积
    },
    RightKind.AGRICULTURAL_LAND: {
        "contractor_code": "FBFDM",  # 发包方代码
        "contractor_name": "FBFMC",  # 发包方名称
        "area_mu": "CBMJ",  # 承包（使用权）面积（亩）
        "start": "CBQSSJ",  # 承包起始时间
        "end": "CBJSSJ",  # 承包结束时间
        "land_ownership_nature": "TDSYQXZ",  # 土地所有权性质
        "contract_number": "CBHTBM",  # 承包合同编码
    },
    RightKind.FOREST: {
        "contractor_name": "FBF",  # 发包方
        "area_mu": "SYQMJ",  # 使用权（承包）面积（亩）
        "start": "LDSYQSSJ",  # 林地使用起始时间
        "end": "LDSYJSSJ",  # 林地使用结束时间
        "main_species": "ZYSZ",  # 主要树种
        "tree_count": "ZS",  # 株数
        "forest_type": "LZ",  # 林种
        "origin": "QY",  # 起源
        "planting_year": "ZLND",  # 造林年度
        "forest_block": "LB",  # 林班
        "sub_block": "XB",  # 小班
    },
    RightKind.SEA_USE: {
        "area_ha": "SYQMJ",  # 使用权面积（公顷）
        "start": "SYQQSSJ",  # 使用权起始时间
        "end": "SYQJSSJ",  # 使用权结束时间
        "fee_total": "SYJZE",  # 使用金总额（万元）
    },
}


def _ysdm(table: str) -> str:
    try:
        return ysdm_for_table(table)
    except NotFound:
        return ""


def right_fields(row: dict[str, Any], right: Right) -> None:
    """Fill a right's row with the detail the adapter does not map, and the fields derived from
    its unit (宗地代码 / 宗海代码 / 坐落)."""
    mapping = DETAIL_FIELDS.get(right.kind)
    if mapping is None:
        return
    detail = right.detail
    for name, code in mapping.items():
        value = getattr(detail, name, None) if detail is not None else None
        if value not in (None, "") and row.get(code) in (None, ""):
            row[code] = value
    code = right.unit.code
    if right.kind == RightKind.LAND_OWNERSHIP:
        row.setdefault("ZDDM", code[:19])
    elif right.kind == RightKind.SEA_USE:
        row.setdefault("ZHHDDM", code[:19])
    elif right.kind == RightKind.AGRICULTURAL_LAND:
        row.setdefault("ZL", right.unit.location)


def house_structure_rows(units: Iterable[Unit], *, region_code: str) -> dict[str, list[dict[str, Any]]]:
    """KTT_FW_LJZ and KTT_FW_C of the 逻辑幢 and 层 the house units lie in (each once)."""
    logical: dict[int, dict[str, Any]] = {}
    floors: dict[int, dict[str, Any]] = {}
    for unit in units:
        floor = unit.floor
        if floor is None or unit.building is None:
            continue
        lb = floor.logical_building
        building_code = unit.building.code
        if lb.pk not in logical:
            logical[lb.pk] = {
                "YSDM": _ysdm("KTT_FW_LJZ"),
                "LJZH": lb.number,  # 逻辑幢号
                "ZRZH": building_code,  # 自然幢号
                "MPH": lb.door_number,  # 门牌号
                "SCJZMJ": lb.built_area,  # 实测建筑面积
                "FWJG1": lb.structure,  # 房屋结构1
                "FWYT1": lb.planned_use,  # 房屋用途1
                "ZCS": lb.floors_total,  # 总层数
                "QXDM": region_code,
            }
        if floor.pk not in floors:
            floors[floor.pk] = {
                "YSDM": _ysdm("KTT_FW_C"),
                "CH": floor.nominal_label or str(floor.number),  # 层号, as KTT_FW_H.CH
                "ZRZH": building_code,
                "SJC": floor.number,  # 实际层
                "MYC": floor.nominal_label,  # 名义层
                "CJZMJ": floor.built_area,  # 层建筑面积
                "LJZH": lb.number,
                "QXDM": region_code,
            }
    return {"KTT_FW_LJZ": list(logical.values()), "KTT_FW_C": list(floors.values())}


def sea_rows(rights: Iterable[Right], *, region_code: str, authority: str) -> list[dict[str, Any]]:
    """KTT_ZHJBXX of the 宗海 the rights lie on (each once); 登记时间/登簿人 of the right."""
    rows: dict[int, dict[str, Any]] = {}
    for right in rights:
        unit = right.unit
        parcel = unit.parcel
        if parcel.kind != ParcelKind.SEA or parcel.pk in rows:
            continue
        rows[parcel.pk] = {
            "YSDM": _ysdm("KTT_ZHJBXX"),
            "ZHDM": parcel.code,  # 宗海代码
            "BDCDYH": unit.code,
            "ZHTZM": parcel.code[12:14],  # 宗海特征码
            "XMMC": parcel.location,  # 项目名称: the register names the sea area by its 坐落
            "ZHMJ": parcel.area if parcel.area_unit == HECTARES else None,  # 宗海面积（公顷）
            "DAH": NOT_HELD,  # 档案号
            "ZT": parcel.status,  # 状态
            "QXDM": region_code,
            "DJSJ": right.registered_at,
            "DBR": right.registrar_name,
            "BSM": str(parcel.pk),  # 标识码: the register's own identifier of the 宗海
            "DJJGBM": region_code,  # 登记机构编码
            "DJJGMC": authority,  # 登记机构名称
            "JDH": parcel.code[6:9],  # 街道（乡、镇）: the 地籍区 (海籍: 000)
            "JFH": parcel.code[9:12],  # 街坊（村）: the 地籍子区
            "ZH": NOT_HELD,  # 组
        }
    return [{k: v for k, v in row.items() if v is not None} for row in rows.values()]


def unit_rows(rights: list[Right], *, region_code: str, authority: str) -> dict[str, list[dict[str, Any]]]:
    """The extra unit tables of a message whose rights are `rights`."""
    houses = [r.unit for r in rights if r.unit.building_id is not None and r.unit.floor_id is not None]
    rows = house_structure_rows(houses, region_code=region_code) if houses else {}
    sea = sea_rows(rights, region_code=region_code, authority=authority)
    if sea:
        rows["KTT_ZHJBXX"] = sea
    return {table: table_rows for table, table_rows in rows.items() if table_rows}
