"""Checks of codes: unit codes (rules, temporary, virtual), the region a code belongs to, and
'其他/99' chosen where the row shows a specific code fits."""

from __future__ import annotations

from collections.abc import Iterator

from bdcdj.quality.checks.base import Check, Hit, Scope
from bdcdj.quality.findings import Row
from bdcdj.quality.rules import Rule, TableSpec
from bdcdj.quality.rules.params import FieldsParams, OtherAbuseParams, UnitCodeParams
from bdcdj.quality.values import as_text, is_blank, shown
from bdcdj.standards import unit_code
from bdcdj.standards.unit_code import TEMPORARY_SERIAL_MIN, UnitCodeError

REGION_FIELD = "QXDM"


def unit_code_flags(rule: Rule, table: TableSpec, row: Row, scope: Scope) -> Iterator[Hit]:
    params: UnitCodeParams = rule.params
    for code in params.fields:
        spec = table.fields.get(code)
        if spec is None or is_blank(row.get(code)):
            continue
        text = as_text(row[code])
        try:
            parsed = unit_code.parse(
                text if params.flag == "invalid" else unit_code.normalize(text), field=code
            )
        except UnitCodeError as exc:
            if params.flag == "invalid":
                yield Hit(code, f"{spec.label}“{shown(spec, text)}”不符合编码规则：{exc.message}")
            continue
        if params.flag == "temporary" and parsed.is_temporary:
            yield Hit(
                code,
                f"{spec.label}“{parsed.raw}”是临时单元号（宗地顺序号 {parsed.parcel_serial} 在临时号段 "
                f"{TEMPORARY_SERIAL_MIN}–99999），应在权籍调查确定后使用正式单元号",
            )
        elif params.flag == "virtual" and parsed.is_virtual:
            yield Hit(code, f"{spec.label}“{parsed.raw}”是虚拟单元号（地籍区、地籍子区为 000000）")


def region_prefix(rule: Rule, table: TableSpec, row: Row, scope: Scope) -> Iterator[Hit]:
    params: FieldsParams = rule.params
    region = scope.context.region_code
    county = as_text(row.get(REGION_FIELD))
    for code in params.fields:
        spec = table.fields.get(code)
        text = as_text(row.get(code)).upper()
        if spec is None or len(text) < 6 or not text[:6].isdigit():
            continue  # empty or malformed codes are other rules' findings
        prefix, value = text[:6], shown(spec, text)
        if code == REGION_FIELD:
            if text != region:
                yield Hit(code, f"{spec.label}“{value}”与数据所属行政区 {region} 不一致")
        elif prefix != region:
            yield Hit(code, f"{spec.label}“{value}”的前6位 {prefix} 与数据所属行政区 {region} 不一致")
        elif REGION_FIELD not in params.fields and county and county != prefix:
            yield Hit(
                code,
                f"{spec.label}“{value}”的前6位 {prefix} 与本行区县代码（QXDM）“{shown(None, county)}”不一致",
            )


def other_abuse(rule: Rule, table: TableSpec, row: Row, scope: Scope) -> Iterator[Hit]:
    params: OtherAbuseParams = rule.params
    for spec in table.fields_in(scope.context.version):
        others = params.other_codes.get(spec.dictionary)
        value = row.get(spec.code)
        if others is None or is_blank(value):
            continue
        text = as_text(value)
        if text not in others and text not in params.other_labels:
            continue
        chosen = scope.coded(spec.dictionary, text)
        entry = scope.dictionary(spec.dictionary)
        for hint in params.hints:
            if hint.field != spec.code or not scope.holds(hint.when, row):
                continue
            codes = tuple(c for c in hint.suggest if c in entry.active_codes)
            if not codes:
                continue
            likely = "或".join(f"{c}（{entry.labels[c]}）" for c in codes)
            yield Hit(
                spec.code,
                f"{spec.label}为{chosen}，{hint.because}，可能应为 {likely}",
                suggestion=likely,
                suggested_codes=codes,
            )
            break
        else:
            yield Hit(spec.code, f"{spec.label}为{chosen}，请确认是否有更具体的代码")


CHECKS: dict[str, Check] = {
    "unit_code": unit_code_flags,
    "region_prefix": region_prefix,
    "other_abuse": other_abuse,
}
