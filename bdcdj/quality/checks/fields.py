"""Checks of single fields against the table spec: mandatory, format, dictionary, ＞0/＞=0,
and fields mandatory under a condition."""

from __future__ import annotations

from collections.abc import Iterator

from bdcdj.quality.checks.base import Check, Hit, Scope
from bdcdj.quality.findings import Row
from bdcdj.quality.rules import Rule, TableSpec
from bdcdj.quality.rules.params import ConditionalParams, ConstraintParams, DictionaryParams
from bdcdj.quality.values import as_date, as_decimal, as_int, as_text, is_blank, number_text, shown

_FORMAT = {"number": (as_decimal, "数字"), "int": (as_int, "整数"), "date": (as_date, "日期（YYYY-MM-DD）")}


def required(rule: Rule, table: TableSpec, row: Row, scope: Scope) -> Iterator[Hit]:
    for spec in table.fields_in(scope.context.version):
        if spec.required == "Y" and scope.present(row, spec.code) and is_blank(row.get(spec.code)):
            yield Hit(spec.code, f"{spec.label}为空")


def field_format(rule: Rule, table: TableSpec, row: Row, scope: Scope) -> Iterator[Hit]:
    for code, value in row.items():
        spec = table.fields.get(code)
        if spec is None or spec.type not in _FORMAT or is_blank(value):
            continue
        parse, what = _FORMAT[spec.type]
        try:
            parse(value)
        except ValueError:
            yield Hit(code, f"{spec.label}“{shown(spec, value)}”不是有效的{what}")


def dictionary(rule: Rule, table: TableSpec, row: Row, scope: Scope) -> Iterator[Hit]:
    params: DictionaryParams = rule.params
    for spec in table.fields_in(scope.context.version):
        if not spec.dictionary or spec.dictionary in params.skip_dictionaries:
            continue
        value = row.get(spec.code)
        if is_blank(value):
            continue
        text = as_text(value)
        entry = scope.dictionary(spec.dictionary)
        if text in entry.active_codes:
            continue
        if text in entry.labels:
            yield Hit(spec.code, f"{spec.label}“{text}”（{entry.labels[text]}）已停用，不能再使用")
            continue
        by_label = [
            code for code, label in entry.labels.items() if label == text and code in entry.active_codes
        ]
        if by_label:
            yield Hit(
                spec.code,
                f"{spec.label}填写了名称“{text}”，"
                f"应填写字典 {entry.code}（{entry.name}）的代码 {by_label[0]}",
                suggestion=f"{by_label[0]}（{text}）",
                suggested_codes=(by_label[0],),
            )
            continue
        yield Hit(spec.code, f"{spec.label}“{shown(spec, value)}”不在字典 {entry.code}（{entry.name}）中")


def numeric_constraint(rule: Rule, table: TableSpec, row: Row, scope: Scope) -> Iterator[Hit]:
    params: ConstraintParams = rule.params
    for spec in table.fields.values():
        if spec.constraint != params.constraint or is_blank(row.get(spec.code)):
            continue
        try:
            number = as_decimal(row[spec.code])
        except ValueError:
            continue  # reported by field_format
        if params.constraint == "gt0" and number <= 0:
            yield Hit(spec.code, f"{spec.label}为{number_text(number)}，应大于0")
        elif params.constraint == "ge0" and number < 0:
            yield Hit(spec.code, f"{spec.label}为{number_text(number)}，不能为负数")


def conditional_required(rule: Rule, table: TableSpec, row: Row, scope: Scope) -> Iterator[Hit]:
    params: ConditionalParams = rule.params
    if params.when is not None and not scope.holds(params.when, row):
        return
    condition = f"{scope.describe(params.when, table)}时，" if params.when is not None else ""
    for code in params.fields:
        spec = table.fields.get(code)
        if spec is None or not scope.present(row, code) or not is_blank(row.get(code)):
            continue
        yield Hit(code, f"{condition}{spec.label}不能为空")


CHECKS: dict[str, Check] = {
    "required": required,
    "field_format": field_format,
    "dictionary": dictionary,
    "numeric_constraint": numeric_constraint,
    "conditional_required": conditional_required,
}
