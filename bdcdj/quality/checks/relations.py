"""Checks that relate values: amount magnitudes (万元 vs 元), date order, a right against its
unit, and a total against its parts."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from bdcdj.quality.checks.base import Check, Hit, Scope, unit_code_of
from bdcdj.quality.findings import Row
from bdcdj.quality.rules import Rule, TableSpec
from bdcdj.quality.rules.params import AmountParams, ConsistencyParams, DateOrderParams, SumParams
from bdcdj.quality.values import as_date, as_decimal, as_text, is_blank, number_text
from bdcdj.standards.unit_code import PROJECT_BUILDING_NO

HOUSEHOLD, OTHER = "household", "other"
# 抵押金额类型 (DYJELX) 1: one amount for several units together, never a single household's.
WHOLE_AMOUNT_TYPE = "1"
TEN_THOUSAND = Decimal(10000)


def amount_scope(row: Row) -> str:
    """'household' for a row about one house unit (户) with its own amount, else 'other'."""
    code = unit_code_of(row)
    if len(code) != 28 or code[19] != "F" or code[20:24] == PROJECT_BUILDING_NO:
        return OTHER
    return OTHER if as_text(row.get("DYJELX")) == WHOLE_AMOUNT_TYPE else HOUSEHOLD


def _decimal(row: Row, code: str) -> Decimal | None:
    value = row.get(code)
    if is_blank(value):
        return None
    try:
        return as_decimal(value)
    except ValueError:
        return None  # reported by field_format


def amount_magnitude(rule: Rule, table: TableSpec, row: Row, scope: Scope) -> Iterator[Hit]:
    params: AmountParams = rule.params
    where = amount_scope(row)
    upper, lower, ceiling = params.above.get(where), params.below.get(where), params.up_to.get(where)
    what = "单个房屋（户）金额" if where == HOUSEHOLD else "金额"
    for code in params.fields:
        spec = table.fields.get(code)
        amount = _decimal(row, code) if spec is not None else None
        if spec is None or amount is None:
            continue
        if upper is not None and amount > upper and (ceiling is None or amount <= ceiling):
            yield Hit(
                code,
                f"{spec.label}为 {number_text(amount)} 万元，超过{what}上限 {number_text(upper)} 万元，"
                f"疑似按“元”填写（若为元，应为 {number_text(amount / TEN_THOUSAND)} 万元）",
            )
        elif lower is not None and 0 < amount < lower:
            yield Hit(
                code,
                f"{spec.label}为 {number_text(amount)} 万元（{number_text(amount * TEN_THOUSAND)} 元），"
                f"低于{what}下限 {number_text(lower)} 万元，疑似单位错误或少填位数",
            )


def date_order(rule: Rule, table: TableSpec, row: Row, scope: Scope) -> Iterator[Hit]:
    params: DateOrderParams = rule.params
    for start_code, end_code in params.pairs:
        start_spec, end_spec = table.fields.get(start_code), table.fields.get(end_code)
        if start_spec is None or end_spec is None:
            continue
        start_value, end_value = row.get(start_code), row.get(end_code)
        if is_blank(start_value) or is_blank(end_value):
            continue
        try:
            start, end = as_date(start_value), as_date(end_value)
        except ValueError:
            continue  # reported by field_format
        if start > end:
            yield Hit(
                end_code, f"{start_spec.label}{start.isoformat()} 晚于{end_spec.label}{end.isoformat()}"
            )


def unit_right_consistency(rule: Rule, table: TableSpec, row: Row, scope: Scope) -> Iterator[Hit]:
    params: ConsistencyParams = rule.params
    units = scope.unit_rows(params.unit_table, row)
    if not units:
        return
    unit, unit_table = units[0], scope.tables[params.unit_table]
    for comparison in params.compare:
        spec = table.fields.get(comparison.right)
        if spec is None or is_blank(row.get(comparison.right)):
            continue
        unit_code = next((c for c in comparison.unit if not is_blank(unit.get(c))), None)
        if unit_code is None:
            continue
        unit_spec = unit_table.fields[unit_code]
        if comparison.tolerance is not None:
            right_value, unit_value = _decimal(row, comparison.right), _decimal(unit, unit_code)
            if right_value is None or unit_value is None:
                continue
            difference = abs(right_value - unit_value)
            if difference > comparison.tolerance:
                yield Hit(
                    comparison.right,
                    f"{spec.label}为 {number_text(right_value)}，与该单元（户）{unit_spec.label}"
                    f"{number_text(unit_value)} 相差 {number_text(difference)} 平方米",
                )
        elif as_text(row[comparison.right]) != as_text(unit[unit_code]):
            right_text = scope.coded(spec.dictionary, row[comparison.right])
            unit_text = scope.coded(unit_spec.dictionary, unit[unit_code])
            yield Hit(
                comparison.right,
                f"{spec.label}为{right_text}，与该单元（户）{unit_spec.label}{unit_text}不一致",
            )


def sum_equals(rule: Rule, table: TableSpec, row: Row, scope: Scope) -> Iterator[Hit]:
    params: SumParams = rule.params
    if params.total not in table.fields or any(p not in table.fields for p in params.parts):
        return
    total = _decimal(row, params.total)
    parts = [_decimal(row, p) for p in params.parts]
    if total is None or any(p is None for p in parts):
        return
    parts_sum = sum((p for p in parts if p is not None), Decimal(0))
    if abs(total - parts_sum) > params.tolerance:
        names = "与".join(table.fields[p].label for p in params.parts)
        yield Hit(
            params.total,
            f"{table.fields[params.total].label} {number_text(total)} "
            f"不等于{names}之和 {number_text(parts_sum)}"
            f"（相差 {number_text(abs(total - parts_sum))}）",
        )


CHECKS: dict[str, Check] = {
    "amount_magnitude": amount_magnitude,
    "date_order": date_order,
    "unit_right_consistency": unit_right_consistency,
    "sum_equals": sum_equals,
}
