"""The table spec: for each standard table the rules look at, its fields with Chinese name,
value type, dictionary, mandatory flag, numeric constraint, layout and whether the value is
personal. Derived from appendix A of the reference (docs/quality.md §Table spec); kept in
`tables.csv`, one line per field, and checked when it is loaded.

Columns of `tables.csv`:
  table, table_name  – the standard's table code (access element) and its Chinese name
  field, name        – the standard's field code and its Chinese name
  type               – text | number | int | date | blob
  dictionary         – the `standards` dictionary its values come from (blank: free value)
  required           – Y mandatory, N optional, C mandatory under a condition that a
                       `conditional_required` rule of the catalogue states
  constraint         – gt0 (＞0), ge0 (＞=0) or blank
  layout             – blank: both layouts; 2015: only the 2015 layout; 2021: only the revised one
  personal           – name | id | phone | text: never shown unmasked in a message
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TYPES = frozenset({"text", "number", "int", "date", "blob"})
REQUIRED_FLAGS = frozenset({"Y", "N", "C"})
CONSTRAINTS = frozenset({"", "gt0", "ge0"})
LAYOUTS = ("2015", "2021")
PERSONAL_KINDS = frozenset({"", "name", "id", "phone", "text"})
COLUMNS = (
    "table",
    "table_name",
    "field",
    "name",
    "type",
    "dictionary",
    "required",
    "constraint",
    "layout",
    "personal",
)


class CatalogueError(ImproperlyConfigured):
    """The rule catalogue or the table spec is malformed; raised when it is loaded."""


@dataclass(frozen=True)
class FieldSpec:
    code: str
    name: str
    type: str
    dictionary: str
    required: str
    constraint: str
    layout: str
    personal: str

    @property
    def label(self) -> str:
        """How messages name the field: 被担保主债权数额（BDBZZQSE）."""
        return f"{self.name}（{self.code}）"

    def in_layout(self, version: str) -> bool:
        return not self.layout or self.layout == version


@dataclass(frozen=True)
class TableSpec:
    code: str
    name: str
    fields: dict[str, FieldSpec]

    @property
    def label(self) -> str:
        return f"{self.name}（{self.code}）"

    def fields_in(self, version: str) -> list[FieldSpec]:
        return [f for f in self.fields.values() if f.in_layout(version)]


def parse_tables(text: str, *, source: str = "tables.csv") -> dict[str, TableSpec]:
    """Read the table spec; CatalogueError names the line of the first problem."""
    reader = csv.DictReader(text.splitlines())
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise CatalogueError(f"{source}: 表头应为 {','.join(COLUMNS)}")
    names: dict[str, str] = {}
    fields: dict[str, dict[str, FieldSpec]] = {}
    for line, raw in enumerate(reader, start=2):
        row = {key: (value or "").strip() for key, value in raw.items()}
        where = f"{source} 第{line}行"
        if not row["table"] or not row["field"] or not row["name"] or not row["table_name"]:
            raise CatalogueError(f"{where}: 表代码、表名、字段代码和字段名不能为空")
        if names.setdefault(row["table"], row["table_name"]) != row["table_name"]:
            raise CatalogueError(f"{where}: 表 {row['table']} 的中文名前后不一致")
        if row["type"] not in TYPES:
            raise CatalogueError(f"{where}: 未知的值类型 {row['type']!r}")
        if row["required"] not in REQUIRED_FLAGS:
            raise CatalogueError(f"{where}: 必填标记应为 Y、N 或 C")
        if row["constraint"] not in CONSTRAINTS:
            raise CatalogueError(f"{where}: 未知的数值约束 {row['constraint']!r}")
        if row["constraint"] and row["type"] not in {"number", "int"}:
            raise CatalogueError(f"{where}: 只有数值字段可以有数值约束")
        if row["layout"] and row["layout"] not in LAYOUTS:
            raise CatalogueError(f"{where}: 版本应为空、2015 或 2021")
        if row["personal"] not in PERSONAL_KINDS:
            raise CatalogueError(f"{where}: 未知的个人信息类别 {row['personal']!r}")
        table_fields = fields.setdefault(row["table"], {})
        if row["field"] in table_fields:
            raise CatalogueError(f"{where}: 字段 {row['table']}.{row['field']} 重复")
        table_fields[row["field"]] = FieldSpec(
            code=row["field"],
            name=row["name"],
            type=row["type"],
            dictionary=row["dictionary"],
            required=row["required"],
            constraint=row["constraint"],
            layout=row["layout"],
            personal=row["personal"],
        )
    return {code: TableSpec(code=code, name=names[code], fields=fields[code]) for code in names}


def load_tables(path: Path) -> dict[str, TableSpec]:
    return parse_tables(path.read_text(encoding="utf-8"), source=path.name)
