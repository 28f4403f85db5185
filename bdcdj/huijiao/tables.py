"""The tables a 汇交 package carries: their order, the file each travels in, the natural key an
upper node upserts by, and the field spec (which fields, which of them are personal).

Field specs come from the quality app's table spec (appendix A of the reference) and, for the
tables the rules do not read but the register fills (KTT_FW_LJZ 逻辑幢, KTT_FW_C 层), from
`tables.csv` next to this file, in the same columns. A table without a spec travels with the
fields the mapping gives it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from django.conf import settings

from bdcdj.exchange.xsd.generator import LAYOUT_OF_SCHEME
from bdcdj.quality.rules import TABLES, TableSpec, load_tables
from bdcdj.register.standard_fields import RIGHT_TABLES

HERE = Path(__file__).resolve().parent

UNIT_TABLES = ("KTT_ZDJBXX", "KTT_ZHJBXX", "KTT_FW_ZRZ", "KTT_FW_LJZ", "KTT_FW_C", "KTT_FW_H")
RIGHT_TABLE_ORDER = tuple(dict.fromkeys(RIGHT_TABLES.values()))
PARTY_TABLE = "ZTT_GY_QLR"
TABLE_ORDER = (*UNIT_TABLES, *RIGHT_TABLE_ORDER, PARTY_TABLE)

# Natural key of each table's rows (the standard's own identifiers): an incremental package's
# row replaces the stored row with the same key. 地役权 rows name the servient unit GYDBDCDYH.
KEYS: dict[str, tuple[str, ...]] = {
    "KTT_ZDJBXX": ("ZDDM",),
    "KTT_ZHJBXX": ("ZHDM",),
    "KTT_FW_ZRZ": ("ZRZH",),
    "KTT_FW_LJZ": ("ZRZH", "LJZH"),
    "KTT_FW_C": ("ZRZH", "LJZH", "CH"),
    "KTT_FW_H": ("BDCDYH",),
    **dict.fromkeys(RIGHT_TABLE_ORDER, ("YWH", "BDCDYH")),
    "QLF_QL_DYIQ": ("YWH", "GYDBDCDYH"),
    PARTY_TABLE: ("YWH", "BDCDYH", "QLLX", "SXH"),
}
# The field naming the unit a row is about (QC groups rows by it, the store indexes it).
UNIT_FIELDS = ("BDCDYH", "GYDBDCDYH")

FILE_NAME = re.compile(r"^([A-Z][A-Z0-9_]{2,40})\.xml$")


def file_name(table: str) -> str:
    return f"{table}.xml"


def table_of_file(name: str) -> str | None:
    """The table a package file carries, or None for a name that is not a known table's file."""
    found = FILE_NAME.match(name)
    return found.group(1) if found and found.group(1) in KEYS else None


def layout() -> str:
    """The table layout (2015 or 2021) this node writes: the one of its RecType scheme."""
    return LAYOUT_OF_SCHEME[settings.BDCDJ_RECTYPE_SCHEME]


@cache
def table_specs() -> dict[str, TableSpec]:
    return {**TABLES, **load_tables(HERE / "tables.csv")}


def spec_for(table: str) -> TableSpec | None:
    return table_specs().get(table)


def fields_of(table: str, version: str) -> tuple[str, ...] | None:
    """Field codes of a table in a layout, in spec order; None when the table has no spec."""
    spec = spec_for(table)
    return None if spec is None else tuple(f.code for f in spec.fields_in(version))


@cache
def personal_fields(table: str) -> frozenset[str]:
    """Fields holding names, ID numbers, phones or addresses: kept encrypted at rest."""
    spec = spec_for(table)
    return frozenset() if spec is None else frozenset(f.code for f in spec.fields.values() if f.personal)


def row_key(table: str, row: dict[str, str]) -> str:
    return "|".join(row.get(code, "") for code in KEYS[table])


def unit_of(row: dict[str, str]) -> str:
    for code in UNIT_FIELDS:
        if row.get(code):
            return row[code]
    return ""


NAMES = {
    "KTT_ZDJBXX": "宗地基本信息",
    "KTT_ZHJBXX": "宗海基本信息",
    "KTT_FW_ZRZ": "自然幢",
    "KTT_FW_LJZ": "逻辑幢",
    "KTT_FW_C": "层",
    "KTT_FW_H": "户",
    "QLF_QL_TDSYQ": "土地所有权",
    "QLF_QL_JSYDSYQ": "建设用地使用权、宅基地使用权",
    "QLT_FW_FDCQ_YZ": "房地产权（独幢、层、套、间房屋）",
    "QLT_FW_FDCQ_DZ": "房地产权（项目内多幢房屋）",
    "QLF_FW_FDCQ_QFSYQ": "建筑物区分所有权业主共有部分",
    "QLF_QL_NYDSYQ": "土地承包经营权、农用地的其他使用权",
    "QLT_QL_LQ": "林权",
    "QLF_QL_HYSYQ": "海域（含无居民海岛）使用权",
    "QLT_QL_GJZWSYQ": "构（建）筑物所有权",
    "QLF_QL_DYIQ": "地役权",
    "QLF_QL_QTXGQL": "其他相关权利",
    "QLF_QL_DYAQ": "抵押权",
    "QLF_QL_YGDJ": "预告登记",
    "QLF_QL_YYDJ": "异议登记",
    "QLF_QL_CFDJ": "查封登记",
    "ZTT_GY_QLR": "权利人",
}


def table_label(table: str) -> str:
    """How pages name a table: 宗地基本信息（KTT_ZDJBXX）."""
    return f"{NAMES[table]}（{table}）" if table in NAMES else table
