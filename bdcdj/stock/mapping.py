"""The mapping file (YAML): which source tables and columns become which standard tables and
fields (TD/T 1066, as the quality table spec knows them), and how old code values translate
into the standard dictionaries. Parsed and checked as a whole before anything is read: every
problem is reported at once with where it is (`sources[0].targets[1].fields.ZL`).

Format (docs/stock.md has a full example):

    name: 长丰县存量数据
    region_code: "340121"
    version: "2015"                       # dictionary version / table layout of the rows
    code_tables:
      旧房屋用途: {dictionary: FWYT, values: {住宅: "10", 商业: "31"}, passthrough: false}
    sources:
      - name: housing                     # names the source in every report
        kind: csv | xlsx | sql
        path: fc.csv                      # csv/xlsx, relative to the mapping file
        encoding: auto | utf-8 | gb18030 | gbk
        sheet: 登记簿                      # xlsx, default the first sheet
        url: sqlite:///old.db             # sql (SQLAlchemy URL), or url_env: VARIABLE
        table: land_register              # sql
        key: id                           # column naming a row (default: the row number)
        targets:
          - table: KTT_FW_H
            fields:
              BDCDYH: dyh                 # shorthand for {column: dyh}
              FWYT1: {column: yt, codes: 旧房屋用途}
              FDCJYJG: {column: jg, unit: 元}   # 元 → 万元
              QXDM: {value: "340121"}
              ZDDM: {column: dyh, slice: [0, 19]}
            links: {previous_certificate: yzh, previous_business: sywh}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from bdcdj.core.errors import DomainError, InvalidInput
from bdcdj.quality.findings import VERSIONS
from bdcdj.quality.rules import TABLES
from bdcdj.standards.selectors import dictionary_get

SOURCE_KINDS = ("csv", "xlsx", "sql")
ENCODINGS = ("auto", "utf-8", "gb18030", "gbk")
AMOUNT_UNITS = {"元": 4, "万元": 0}  # decimal places to shift into 万元
LINK_KEYS = ("previous_certificate", "previous_business")
FIELD_KEYS = {"column", "value", "codes", "unit", "slice", "prefix", "suffix"}
MAX_CODE_LENGTH = 200


class MappingError(InvalidInput):
    """The mapping file cannot be used; `fields` maps each place in the file to its problem."""

    def __init__(self, problems: dict[str, str]) -> None:
        lines = "；".join(f"{where}：{what}" for where, what in list(problems.items())[:10])
        more = f" 等{len(problems)}处" if len(problems) > 10 else ""
        super().__init__(
            code="stock_mapping_invalid", message=f"映射文件有误：{lines}{more}", fields=problems
        )


@dataclass(frozen=True)
class CodeTable:
    name: str
    dictionary: str
    values: dict[str, str]
    passthrough: bool  # a value that already is a valid standard code is kept
    valid: frozenset[str]

    def translate(self, value: str) -> str | None:
        """The standard code, or None for a value the table does not know."""
        if value in self.values:
            return self.values[value]
        if self.passthrough and value in self.valid:
            return value
        return None


@dataclass(frozen=True)
class FieldRule:
    code: str  # standard field code
    column: str = ""
    value: str = ""
    codes: CodeTable | None = None
    scale: int = 0  # move the decimal point left by this many places (元 → 万元: 4)
    cut: tuple[int, int] | None = None
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Target:
    table: str
    fields: tuple[FieldRule, ...]
    links: dict[str, str] = field(default_factory=dict)  # link key → column


@dataclass(frozen=True)
class Source:
    name: str
    kind: str
    targets: tuple[Target, ...]
    path: str = ""
    encoding: str = "auto"
    sheet: str = ""
    url: str = ""
    url_env: str = ""
    table: str = ""
    key: str = ""

    def columns(self) -> set[str]:
        """Every source column the mapping reads."""
        used = {self.key} if self.key else set()
        for target in self.targets:
            used.update(rule.column for rule in target.fields if rule.column)
            used.update(target.links.values())
        return used


@dataclass(frozen=True)
class Mapping:
    name: str
    region_code: str
    version: str
    sources: tuple[Source, ...]
    code_tables: dict[str, CodeTable]
    text: str


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _code_tables(raw: Any, version: str, problems: dict[str, str]) -> dict[str, CodeTable]:
    tables: dict[str, CodeTable] = {}
    if raw is None:
        return tables
    if not isinstance(raw, dict):
        problems["code_tables"] = "应为“名称: {dictionary, values}”的映射"
        return tables
    for name, spec in raw.items():
        where = f"code_tables.{name}"
        if not isinstance(spec, dict) or not isinstance(spec.get("values", {}), dict):
            problems[where] = "应包含 dictionary 和 values（旧代码: 标准代码）"
            continue
        dictionary = _text(spec.get("dictionary"))
        try:
            entry = dictionary_get(code=dictionary, version=version)
        except DomainError:
            problems[f"{where}.dictionary"] = f"标准字典“{dictionary}”（{version}版）不存在"
            continue
        values = {_text(old): _text(new) for old, new in (spec.get("values") or {}).items()}
        for old, new in values.items():
            if new not in entry.active_codes:
                problems[f"{where}.values.{old}"] = f"“{new}”不是字典 {dictionary} 的有效代码"
        tables[name] = CodeTable(
            name=str(name),
            dictionary=dictionary,
            values=values,
            passthrough=bool(spec.get("passthrough", False)),
            valid=entry.active_codes,
        )
    return tables


def _field_rule(
    code: str, spec: Any, where: str, tables: dict[str, CodeTable], problems: dict[str, str]
) -> FieldRule | None:
    if isinstance(spec, str | int):
        spec = {"column": str(spec)}
    if not isinstance(spec, dict):
        problems[where] = "应为源列名，或 {column|value, codes, unit, slice, prefix, suffix}"
        return None
    unknown = set(spec) - FIELD_KEYS
    if unknown:
        problems[where] = f"未知的设置：{'、'.join(sorted(map(str, unknown)))}"
        return None
    column, value = _text(spec.get("column")), _text(spec.get("value"))
    if bool(column) == bool(value):
        problems[where] = "column（源列）和 value（固定值）须且只须给出一个"
        return None
    codes = None
    if spec.get("codes") is not None:
        codes = tables.get(_text(spec["codes"]))
        if codes is None:
            problems[f"{where}.codes"] = f"代码对照表“{spec['codes']}”未在 code_tables 中定义"
            return None
    unit = _text(spec.get("unit"))
    if unit and unit not in AMOUNT_UNITS:
        problems[f"{where}.unit"] = "金额单位应为“元”或“万元”"
        return None
    cut = None
    if spec.get("slice") is not None:
        raw = spec["slice"]
        if not (isinstance(raw, list) and len(raw) == 2 and all(isinstance(n, int) and n >= 0 for n in raw)):
            problems[f"{where}.slice"] = "应为 [起, 止]（从0起的字符位置）"
            return None
        cut = (raw[0], raw[1])
    return FieldRule(
        code=code,
        column=column,
        value=value,
        codes=codes,
        scale=AMOUNT_UNITS.get(unit, 0),
        cut=cut,
        prefix=_text(spec.get("prefix")),
        suffix=_text(spec.get("suffix")),
    )


def _targets(
    raw: Any, where: str, version: str, tables: dict[str, CodeTable], problems: dict[str, str]
) -> list[Target]:
    if not isinstance(raw, list) or not raw:
        problems[where] = "至少映射一张标准表"
        return []
    targets = []
    for t_index, spec in enumerate(raw):
        at = f"{where}[{t_index}]"
        if not isinstance(spec, dict):
            problems[at] = "应为 {table, fields}"
            continue
        table_code = _text(spec.get("table"))
        table = TABLES.get(table_code)
        if table is None:
            problems[f"{at}.table"] = f"未知的标准表“{table_code}”（可用：{'、'.join(sorted(TABLES))}）"
            continue
        fields = spec.get("fields")
        if not isinstance(fields, dict) or not fields:
            problems[f"{at}.fields"] = "至少映射一个字段"
            continue
        rules = []
        for code, field_spec in fields.items():
            field_where = f"{at}.fields.{code}"
            known = table.fields.get(str(code))
            if known is None:
                problems[field_where] = f"标准表 {table_code} 没有字段“{code}”"
                continue
            if not known.in_layout(version):
                problems[field_where] = f"字段 {code} 不属于{version}版表结构"
                continue
            rule = _field_rule(str(code), field_spec, field_where, tables, problems)
            if rule is not None:
                if rule.codes is not None and known.dictionary and rule.codes.dictionary != known.dictionary:
                    problems[f"{field_where}.codes"] = (
                        f"字段 {code} 的字典是 {known.dictionary}，对照表用的是 {rule.codes.dictionary}"
                    )
                rules.append(rule)
        links_raw = spec.get("links") or {}
        links = {}
        if not isinstance(links_raw, dict) or set(links_raw) - set(LINK_KEYS):
            problems[f"{at}.links"] = f"只能是 {', '.join(LINK_KEYS)}（源列名）"
        else:
            links = {key: _text(column) for key, column in links_raw.items() if _text(column)}
        targets.append(Target(table=table_code, fields=tuple(rules), links=links))
    return targets


def _source(
    raw: Any, index: int, version: str, tables: dict[str, CodeTable], problems: dict[str, str]
) -> Source | None:
    where = f"sources[{index}]"
    if not isinstance(raw, dict):
        problems[where] = "应为 {name, kind, targets…}"
        return None
    name, kind = _text(raw.get("name")), _text(raw.get("kind")).lower()
    if not name or len(name) > 100:
        problems[f"{where}.name"] = "来源名称必填，最长100字符"
    if kind not in SOURCE_KINDS:
        problems[f"{where}.kind"] = f"来源类型应为 {'、'.join(SOURCE_KINDS)} 之一"
        return None
    encoding = _text(raw.get("encoding") or "auto").lower()
    if encoding not in ENCODINGS:
        problems[f"{where}.encoding"] = f"编码应为 {'、'.join(ENCODINGS)} 之一"
    if kind in {"csv", "xlsx"} and not _text(raw.get("path")):
        problems[f"{where}.path"] = "文件来源须给出 path"
    if kind == "sql":
        if not _text(raw.get("url")) and not _text(raw.get("url_env")):
            problems[f"{where}.url"] = "数据库来源须给出 url 或 url_env"
        if not _text(raw.get("table")):
            problems[f"{where}.table"] = "数据库来源须给出 table"
    targets = _targets(raw.get("targets"), f"{where}.targets", version, tables, problems)
    return Source(
        name=name,
        kind=kind,
        targets=tuple(targets),
        path=_text(raw.get("path")),
        encoding=encoding,
        sheet=_text(raw.get("sheet")),
        url=_text(raw.get("url")),
        url_env=_text(raw.get("url_env")),
        table=_text(raw.get("table")),
        key=_text(raw.get("key")),
    )


def parse_mapping(text: str) -> Mapping:
    """The checked mapping; MappingError (InvalidInput) lists every problem with its place."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行第{mark.column + 1}列" if mark is not None else "文件"
        problem = getattr(exc, "problem", None) or "无法解析"
        raise MappingError({where: f"YAML 格式错误：{problem}"}) from None
    if not isinstance(raw, dict):
        raise MappingError({"文件": "映射文件应为 YAML 映射（name、region_code、sources…）"})
    problems: dict[str, str] = {}
    region = _text(raw.get("region_code"))
    if len(region) != 6 or not region.isdigit():
        problems["region_code"] = "行政区划代码应为6位数字（请加引号）"
    version = _text(raw.get("version") or "2015")
    if version not in VERSIONS:
        problems["version"] = "标准版本应为 2015 或 2021"
        version = "2015"
    name = _text(raw.get("name"))
    if not name or len(name) > 200:
        problems["name"] = "映射名称必填，最长200字符"
    tables = _code_tables(raw.get("code_tables"), version, problems)
    raw_sources = raw.get("sources")
    sources = []
    if not isinstance(raw_sources, list) or not raw_sources:
        problems["sources"] = "至少一个数据来源"
    else:
        for index, spec in enumerate(raw_sources):
            source = _source(spec, index, version, tables, problems)
            if source is not None:
                sources.append(source)
        names = [s.name for s in sources]
        for duplicate in {n for n in names if names.count(n) > 1}:
            problems[f"sources.{duplicate}"] = "来源名称重复"
    if problems:
        raise MappingError(problems)
    return Mapping(
        name=name, region_code=region, version=version, sources=tuple(sources), code_tables=tables, text=text
    )
