"""Checks on parcel shapes (权籍调查图形): the drawn area against the recorded one, and
overlaps with other parcels.

The shape itself is not a field of the standard's attribute table; the caller that measured
it (`cadastre.services`) puts the measurements into the KTT_ZDJBXX row under the derived keys
below, next to the standard fields ZDDM, ZDMJ and MJDW.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from bdcdj.quality.checks.base import Check, Hit, Scope
from bdcdj.quality.findings import Row
from bdcdj.quality.rules import Rule, TableSpec
from bdcdj.quality.rules.params import ShapeAreaParams, ShapeOverlapParams
from bdcdj.quality.values import as_decimal, as_text, is_blank

SHAPE_AREA = "_shape_area"  # the drawn area in m² (float)
SHAPE_OVERLAPS = "_shape_overlaps"  # ((other parcel code, overlap in m²), …)
# Area units of the register (MJDW): 1 m², 2 亩, 3 公顷.
M2_PER_UNIT = {"1": Decimal(1), "2": Decimal(10000) / Decimal(15), "3": Decimal(10000)}


def shape_area(rule: Rule, table: TableSpec, row: Row, scope: Scope) -> Iterator[Hit]:
    params: ShapeAreaParams = rule.params
    drawn, recorded = row.get(SHAPE_AREA), row.get("ZDMJ")
    if drawn is None or is_blank(recorded):
        return
    try:
        recorded_m2 = as_decimal(recorded) * M2_PER_UNIT.get(as_text(row.get("MJDW")) or "1", Decimal(1))
    except ValueError:
        return  # reported by field_format
    drawn_m2 = Decimal(str(round(float(drawn), 2)))
    allowed = max(params.tolerance_m2, params.tolerance_ratio * recorded_m2)
    difference = abs(drawn_m2 - recorded_m2)
    if difference > allowed:
        ratio = difference / recorded_m2 * 100 if recorded_m2 else Decimal(0)
        yield Hit(
            field="ZDMJ",
            message=(
                f"图形面积 {drawn_m2:.2f} 平方米与登记面积 {recorded_m2:.2f} 平方米"
                f"相差 {difference:.2f} 平方米（{ratio:.1f}%），超过允许的 {allowed:.2f} 平方米"
            ),
            suggestion="核对权籍调查成果的界址点坐标或登记面积",
        )


def shape_overlap(rule: Rule, table: TableSpec, row: Row, scope: Scope) -> Iterator[Hit]:
    params: ShapeOverlapParams = rule.params
    for other, area in row.get(SHAPE_OVERLAPS) or ():
        overlap = Decimal(str(round(float(area), 2)))
        if overlap > params.tolerance_m2:
            yield Hit(
                field="ZDDM",
                message=(
                    f"图形与宗地 {other} 重叠 {overlap:.2f} 平方米，超过允许的 {params.tolerance_m2} 平方米"
                ),
                suggestion="核对两宗地的共用界址线",
            )


CHECKS: dict[str, Check] = {"shape_area": shape_area, "shape_overlap": shape_overlap}
