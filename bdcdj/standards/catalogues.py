"""Readers for the standard catalogues kept as CSV in `standards/data/`.

These are pure Python and never touch the database: the unit-code parser, the dictionary
loader (also run from a migration) and the RecType/YSDM selectors all read the same files,
so the CSVs are the one place a value is declared. Results are cached per process; the files
only change with a deployment.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
DICTIONARY_DIR = DATA_DIR / "dictionaries"

# Versions of the dictionary set, oldest first. A CSV row without `since` belongs to the first.
VERSIONS: tuple[str, ...] = ("2015", "2021")
RECTYPE_SCHEMES: tuple[str, ...] = ("2015", "revised")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(fh)]


@dataclass(frozen=True)
class Province:
    code: str  # the two leading digits of a GB/T 2260 code
    name: str
    abbr: str  # 省级简称, printed on certificate numbers


@cache
def provinces() -> dict[str, Province]:
    """GB/T 2260 province-level divisions keyed by their two-digit code."""
    return {row["code"]: Province(**row) for row in _rows(DATA_DIR / "provinces.csv")}


@dataclass(frozen=True)
class ItemSpec:
    code: str
    label: str
    parent_code: str
    since: str
    until: str

    def applies_to(self, version: str) -> bool:
        return (self.since or VERSIONS[0]) <= version and (not self.until or version <= self.until)


@dataclass(frozen=True)
class DictionarySpec:
    code: str
    name: str
    source: str
    since: str
    note: str
    items: tuple[ItemSpec, ...]

    def applies_to(self, version: str) -> bool:
        return (self.since or VERSIONS[0]) <= version

    def items_for(self, version: str) -> list[ItemSpec]:
        return [item for item in self.items if item.applies_to(version)]


@cache
def dictionary_specs() -> tuple[DictionarySpec, ...]:
    """Every dictionary declared in `dictionaries.csv` with its items from `dictionaries/<CODE>.csv`.

    A dictionary unchanged by the 2021 revision has rows without `since`, and the loader derives
    its 2021 version from the same rows instead of duplicating them.
    """
    specs = []
    for row in _rows(DATA_DIR / "dictionaries.csv"):
        items = tuple(ItemSpec(**item) for item in _rows(DICTIONARY_DIR / f"{row['code']}.csv"))
        specs.append(DictionarySpec(items=items, **row))
    return tuple(specs)


@dataclass(frozen=True)
class RecType:
    """One 业务编码 of the access message, with the tables its message carries."""

    scheme: str
    rectype: str
    djlx: str
    category: str  # digits 2–5 of the code (权利类别)
    name: str
    main_table: str
    tables: tuple[str, ...]

    @property
    def subtype(self) -> str:
        return self.rectype[5:7]


@cache
def rectype_table() -> dict[tuple[str, str], RecType]:
    table: dict[tuple[str, str], RecType] = {}
    for row in _rows(DATA_DIR / "rectypes.csv"):
        rectype = RecType(
            scheme=row["scheme"],
            rectype=row["rectype"],
            djlx=row["djlx"],
            category=row["category"],
            name=row["name"],
            main_table=row["main_table"],
            tables=tuple(t for t in row["tables"].split(";") if t),
        )
        table[(rectype.scheme, rectype.rectype)] = rectype
    return table


@dataclass(frozen=True)
class Ysdm:
    """A 要素代码 and the access tables (elements) that carry it."""

    ysdm: str
    name: str
    elements: tuple[str, ...]
    qllx: tuple[str, ...]  # rights (QLLX) for which this code is the precise choice
    is_default: bool  # the code to use for its elements when the right type is not known
    note: str


@cache
def ysdm_table() -> tuple[Ysdm, ...]:
    return tuple(
        Ysdm(
            ysdm=row["ysdm"],
            name=row["name"],
            elements=tuple(e for e in row["element"].split(";") if e),
            qllx=tuple(q for q in row["qllx"].split(";") if q),
            is_default=row["is_default"] == "1",
            note=row["note"],
        )
        for row in _rows(DATA_DIR / "ysdm.csv")
    )
