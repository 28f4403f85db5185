"""The check kinds the catalogue may name and the parameters each one takes.

Every kind has a frozen parameter class and a parser that turns the YAML mapping into it,
refusing unknown keys, missing keys, field codes that none of the rule's tables has and
malformed numbers or patterns. The engine implements one check per kind (`quality.checks`);
a test keeps the two lists equal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from bdcdj.quality.rules.tables import CatalogueError, TableSpec

LOOKS_LIKE = frozenset({"id_card", "credit_code", "organisation"})
UNIT_CODE_FLAGS = frozenset({"invalid", "temporary", "virtual"})
AMOUNT_SCOPES = frozenset({"household", "other"})


@dataclass(frozen=True)
class Predicate:
    """A test on one field of the row, or of a row of `table` about the same unit (BDCDYH).
    Exactly one of the operators is set."""

    field: str
    table: str = ""
    equals: str | None = None
    is_in: tuple[str, ...] = ()
    matches: re.Pattern[str] | None = None
    contains: tuple[str, ...] = ()
    looks_like: str = ""
    not_empty: bool = False


@dataclass(frozen=True)
class Hint:
    """Evidence that a specific code fits where 其他 was chosen (other_abuse)."""

    field: str
    when: Predicate
    suggest: tuple[str, ...]
    because: str


@dataclass(frozen=True)
class NoParams:
    pass


@dataclass(frozen=True)
class DictionaryParams:
    skip_dictionaries: frozenset[str] = frozenset()


@dataclass(frozen=True)
class OtherAbuseParams:
    other_codes: Mapping[str, frozenset[str]]
    other_labels: frozenset[str]
    hints: tuple[Hint, ...]


@dataclass(frozen=True)
class UnitCodeParams:
    fields: tuple[str, ...]
    flag: str


@dataclass(frozen=True)
class FieldsParams:
    fields: tuple[str, ...]


@dataclass(frozen=True)
class AmountParams:
    fields: tuple[str, ...]
    above: Mapping[str, Decimal]
    below: Mapping[str, Decimal]
    up_to: Mapping[str, Decimal]


@dataclass(frozen=True)
class ConditionalParams:
    fields: tuple[str, ...]
    when: Predicate | None = None


@dataclass(frozen=True)
class DateOrderParams:
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ConstraintParams:
    constraint: str


@dataclass(frozen=True)
class Comparison:
    right: str
    unit: tuple[str, ...]
    tolerance: Decimal | None


@dataclass(frozen=True)
class ConsistencyParams:
    unit_table: str
    compare: tuple[Comparison, ...]


@dataclass(frozen=True)
class SumParams:
    total: str
    parts: tuple[str, ...]
    tolerance: Decimal


@dataclass(frozen=True)
class ShapeAreaParams:
    tolerance_ratio: Decimal
    tolerance_m2: Decimal


@dataclass(frozen=True)
class ShapeOverlapParams:
    tolerance_m2: Decimal


class _Reader:
    """Typed access to one rule's params with messages that name the rule."""

    def __init__(self, rule_id: str, raw: Any, tables: list[TableSpec], all_tables: dict[str, TableSpec]):
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise CatalogueError(f"规则 {rule_id}: params 应为映射")
        self.rule_id, self.raw, self.tables, self.all_tables = rule_id, raw, tables, all_tables
        self.used: set[str] = set()

    def fail(self, message: str) -> CatalogueError:
        return CatalogueError(f"规则 {self.rule_id}: {message}")

    def get(self, key: str, default: Any = ...) -> Any:
        self.used.add(key)
        if key not in self.raw:
            if default is ...:
                raise self.fail(f"缺少参数 {key}")
            return default
        return self.raw[key]

    def done(self) -> None:
        unknown = set(self.raw) - self.used
        if unknown:
            raise self.fail(f"未知参数 {', '.join(sorted(unknown))}")

    def field(self, code: Any, *, table: str = "") -> str:
        if not isinstance(code, str) or not code:
            raise self.fail(f"字段代码应为非空字符串，实际为 {code!r}")
        tables = [self.all_tables[table]] if table else self.tables
        if not any(code in t.fields for t in tables):
            where = table or "、".join(t.code for t in self.tables)
            raise self.fail(f"字段 {code} 不在表 {where} 中")
        return code

    def fields(self, key: str, default: Any = ...) -> tuple[str, ...]:
        value = self.get(key, default)
        if not isinstance(value, list) or not value:
            raise self.fail(f"{key} 应为非空列表")
        return tuple(self.field(code) for code in value)

    def codes(self, value: Any, what: str) -> tuple[str, ...]:
        values = value if isinstance(value, list) else [value]
        if not values or not all(isinstance(v, str | int) and str(v) for v in values):
            raise self.fail(f"{what} 应为代码或代码列表")
        return tuple(str(v) for v in values)

    def decimal(self, value: Any, what: str) -> Decimal:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise self.fail(f"{what} 应为数字，实际为 {value!r}") from None
        if not number.is_finite() or number < 0:
            raise self.fail(f"{what} 应为非负数")
        return number

    def predicate(self, raw: Any) -> Predicate:
        if not isinstance(raw, dict):
            raise self.fail("条件（when）应为映射")
        table = raw.get("table", "")
        if table and table not in self.all_tables:
            raise self.fail(f"条件引用了未知的表 {table}")
        field = self.field(raw.get("field"), table=table)
        ops = set(raw) - {"field", "table"}
        if len(ops) != 1:
            raise self.fail(
                f"条件须且只须有一个判断（equals/in/matches/contains/looks_like/not_empty）：{raw}"
            )
        op = ops.pop()
        value = raw[op]
        if op == "equals":
            return Predicate(field=field, table=table, equals=self.codes(value, "equals")[0])
        if op == "in":
            return Predicate(field=field, table=table, is_in=self.codes(value, "in"))
        if op == "contains":
            return Predicate(field=field, table=table, contains=self.codes(value, "contains"))
        if op == "matches":
            try:
                return Predicate(field=field, table=table, matches=re.compile(str(value)))
            except re.error as exc:
                raise self.fail(f"正则表达式有误：{exc}") from None
        if op == "looks_like":
            if value not in LOOKS_LIKE:
                raise self.fail(f"looks_like 应为 {', '.join(sorted(LOOKS_LIKE))} 之一")
            return Predicate(field=field, table=table, looks_like=value)
        if op == "not_empty" and value is True:
            return Predicate(field=field, table=table, not_empty=True)
        raise self.fail(f"未知的条件判断 {op}")


def _none(r: _Reader) -> NoParams:
    return NoParams()


def _dictionary(r: _Reader) -> DictionaryParams:
    raw = r.get("skip_dictionaries", [])
    return DictionaryParams(skip_dictionaries=frozenset(r.codes(raw, "skip_dictionaries") if raw else ()))


def _other_abuse(r: _Reader) -> OtherAbuseParams:
    raw_codes = r.get("other_codes")
    if not isinstance(raw_codes, dict) or not raw_codes:
        raise r.fail("other_codes 应为“字典代码: [代码…]”的映射")
    other_codes = {str(k): frozenset(r.codes(v, f"other_codes.{k}")) for k, v in raw_codes.items()}
    labels = frozenset(r.codes(r.get("other_labels", ["其他", "其它"]), "other_labels"))
    hints = []
    for raw in r.get("hints", []):
        if not isinstance(raw, dict) or set(raw) != {"field", "when", "suggest", "because"}:
            raise r.fail("每条 hints 须有且只有 field、when、suggest、because")
        field = r.field(raw["field"])
        if not any(field in t.fields and t.fields[field].dictionary in other_codes for t in r.tables):
            raise r.fail(f"hints 的字段 {field} 不是 other_codes 中字典的字段")
        hints.append(
            Hint(
                field=field,
                when=r.predicate(raw["when"]),
                suggest=r.codes(raw["suggest"], "suggest"),
                because=str(raw["because"]),
            )
        )
    return OtherAbuseParams(other_codes=other_codes, other_labels=labels, hints=tuple(hints))


def _unit_code(r: _Reader) -> UnitCodeParams:
    flag = r.get("flag")
    if flag not in UNIT_CODE_FLAGS:
        raise r.fail(f"flag 应为 {', '.join(sorted(UNIT_CODE_FLAGS))} 之一")
    return UnitCodeParams(fields=r.fields("fields"), flag=flag)


def _fields_only(r: _Reader) -> FieldsParams:
    return FieldsParams(fields=r.fields("fields"))


def _limits(r: _Reader, key: str) -> dict[str, Decimal]:
    raw = r.get(key, {})
    if not isinstance(raw, dict) or set(raw) - AMOUNT_SCOPES:
        raise r.fail(f"{key} 应为 household/other 到金额（万元）的映射")
    return {scope: r.decimal(value, f"{key}.{scope}") for scope, value in raw.items()}


def _amount(r: _Reader) -> AmountParams:
    above, below, up_to = _limits(r, "above"), _limits(r, "below"), _limits(r, "up_to")
    if not above and not below:
        raise r.fail("须给出 above 或 below")
    if set(up_to) - set(above):
        raise r.fail("up_to 只能限定 above 已给出的范围")
    return AmountParams(fields=r.fields("fields"), above=above, below=below, up_to=up_to)


def _conditional(r: _Reader) -> ConditionalParams:
    when = r.get("when", None)
    return ConditionalParams(fields=r.fields("fields"), when=r.predicate(when) if when is not None else None)


def _date_order(r: _Reader) -> DateOrderParams:
    pairs = r.get("pairs")
    if not isinstance(pairs, list) or not pairs:
        raise r.fail("pairs 应为 [起始字段, 结束字段] 的列表")
    result = []
    for pair in pairs:
        if not isinstance(pair, list) or len(pair) != 2:
            raise r.fail(f"pairs 的每一项应为两个字段：{pair!r}")
        start, end = r.field(pair[0]), r.field(pair[1])
        if not any(start in t.fields and end in t.fields for t in r.tables):
            raise r.fail(f"没有同时含 {start} 与 {end} 的表")
        result.append((start, end))
    return DateOrderParams(pairs=tuple(result))


def _constraint(r: _Reader) -> ConstraintParams:
    constraint = r.get("constraint")
    if constraint not in {"gt0", "ge0"}:
        raise r.fail("constraint 应为 gt0 或 ge0")
    return ConstraintParams(constraint=constraint)


def _consistency(r: _Reader) -> ConsistencyParams:
    unit_table = r.get("unit_table")
    if unit_table not in r.all_tables:
        raise r.fail(f"unit_table {unit_table!r} 不是已知的表")
    compare = []
    for raw in r.get("compare"):
        if not isinstance(raw, dict) or not {"right", "unit"} <= set(raw) <= {"right", "unit", "tolerance"}:
            raise r.fail("compare 的每一项须有 right、unit，可有 tolerance")
        units = raw["unit"] if isinstance(raw["unit"], list) else [raw["unit"]]
        tolerance = raw.get("tolerance")
        compare.append(
            Comparison(
                right=r.field(raw["right"]),
                unit=tuple(r.field(code, table=unit_table) for code in units),
                tolerance=None if tolerance is None else r.decimal(tolerance, "tolerance"),
            )
        )
    if not compare:
        raise r.fail("compare 不能为空")
    return ConsistencyParams(unit_table=unit_table, compare=tuple(compare))


def _sum(r: _Reader) -> SumParams:
    return SumParams(
        total=r.field(r.get("total")),
        parts=r.fields("parts"),
        tolerance=r.decimal(r.get("tolerance"), "tolerance"),
    )


def _shape_area(r: _Reader) -> ShapeAreaParams:
    return ShapeAreaParams(
        tolerance_ratio=r.decimal(r.get("tolerance_ratio"), "tolerance_ratio"),
        tolerance_m2=r.decimal(r.get("tolerance_m2"), "tolerance_m2"),
    )


def _shape_overlap(r: _Reader) -> ShapeOverlapParams:
    return ShapeOverlapParams(tolerance_m2=r.decimal(r.get("tolerance_m2"), "tolerance_m2"))


PARSERS: dict[str, Callable[[_Reader], Any]] = {
    "required": _none,
    "field_format": _none,
    "dictionary": _dictionary,
    "other_abuse": _other_abuse,
    "unit_code": _unit_code,
    "region_prefix": _fields_only,
    "amount_magnitude": _amount,
    "conditional_required": _conditional,
    "date_order": _date_order,
    "numeric_constraint": _constraint,
    "unit_right_consistency": _consistency,
    "sum_equals": _sum,
    "shape_area": _shape_area,
    "shape_overlap": _shape_overlap,
}
KINDS = frozenset(PARSERS)


def parse_params(
    kind: str, rule_id: str, raw: Any, *, tables: list[TableSpec], all_tables: dict[str, TableSpec]
) -> Any:
    reader = _Reader(rule_id, raw, tables, all_tables)
    params = PARSERS[kind](reader)
    reader.done()
    return params
