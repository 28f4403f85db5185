"""Writes of the cadastral map: set or replace a parcel's shape (宗地/宗海图形), one at a time or
from a GeoJSON FeatureCollection.

A shape is refused (InvalidInput, Chinese message) when it cannot be parsed, is not a valid
polygon or does not fit its CRS. A shape that is valid but disagrees with the register — the
drawn area differs from the recorded one, or it overlaps other parcels — is stored, and each
disagreement is recorded as a quality finding (catalogue rules Q-GEO-*, stage `survey`,
subject `parcel`), so 权籍调查 can correct it without blocking the map.

These are the only writers of `register.Parcel`'s geometry columns; `register.services.record`
never touches them and nothing here touches rights.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import shapely
from django.db import transaction
from django.utils import timezone

from bdcdj.accounts.selectors import AnyUser, require_page, tenant_codes
from bdcdj.accounts.services import audit_record
from bdcdj.cadastre import geometry as geo
from bdcdj.core.errors import DomainError, InvalidInput, NotFound
from bdcdj.quality.checks.shapes import SHAPE_AREA, SHAPE_OVERLAPS
from bdcdj.quality.engine import evaluate
from bdcdj.quality.findings import QualityContext, QualityReport, Stage
from bdcdj.quality.models import SubjectType
from bdcdj.quality.rules import CATALOGUE
from bdcdj.quality.services import quality_findings_save
from bdcdj.register.models import Parcel, UnitStatus
from bdcdj.standards.selectors import standard_version

PAGE = "register.map"
SHAPE_KINDS = frozenset({"shape_area", "shape_overlap"})
SHAPE_RULES = tuple(rule for rule in CATALOGUE if rule.kind in SHAPE_KINDS)


@dataclass(frozen=True)
class ShapeResult:
    """What was stored, and what the quality rules found about it (already recorded)."""

    code: str
    area: float
    epsg: int
    report: QualityReport

    @property
    def messages(self) -> list[str]:
        return self.report.as_messages()


@dataclass
class ImportReport:
    stored: int = 0
    with_findings: int = 0
    errors: dict[str, str] = field(default_factory=dict)  # feature key → Chinese message


def _parcel(*, user: AnyUser, code: str) -> Parcel:
    code = (code or "").strip().upper()
    parcel = Parcel.objects.filter(code=code, region_code__in=tenant_codes(user=user)).first()
    if parcel is None:
        raise NotFound(code="parcel_not_found", message=f"未找到宗地/宗海：{code or '（空）'}")
    return parcel


def overlaps_of(*, parcel: Parcel, shape: geo.CheckedShape) -> list[tuple[str, float]]:
    """Other valid parcels of the district whose shape overlaps this one, with the overlap in
    m²; candidates come from the cached bounding boxes."""
    minx, miny, maxx, maxy = shape.bounds
    candidates = list(
        Parcel.objects.filter(
            region_code=parcel.region_code,
            status=UnitStatus.VALID,
            geometry_epsg=shape.epsg,
            bbox_minx__lte=maxx,
            bbox_maxx__gte=minx,
            bbox_miny__lte=maxy,
            bbox_maxy__gte=miny,
        )
        .exclude(pk=parcel.pk)
        .values_list("code", "geometry_wkt")
    )
    if not candidates:
        return []
    others = shapely.from_wkt([wkt for _, wkt in candidates], on_invalid="ignore")
    areas = shapely.area(shapely.intersection(shape.geometry, others))
    return [(code, float(a)) for (code, _), a in zip(candidates, areas, strict=True) if a and a > 0]


def shape_report(*, parcel: Parcel, shape: geo.CheckedShape) -> QualityReport:
    """Run the catalogue's shape rules over the parcel's attribute row with the measurements."""
    row = {
        "ZDDM": parcel.code,
        "ZDMJ": parcel.area,
        "MJDW": parcel.area_unit,
        "QXDM": parcel.region_code,
        SHAPE_AREA: shape.area,
        SHAPE_OVERLAPS: tuple(overlaps_of(parcel=parcel, shape=shape)),
    }
    context = QualityContext(
        region_code=parcel.region_code, stage=Stage.SURVEY, version=standard_version(), partial_rows=True
    )
    return evaluate(rows={"KTT_ZDJBXX": [row]}, context=context, rules=SHAPE_RULES)


def parcel_geometry_set(
    *, user: AnyUser, code: str, geometry: str | dict[str, Any], epsg: int | None = None
) -> ShapeResult:
    """Validate and store a parcel's shape (replacing any earlier one), in the node's CRS.

    `geometry` is WKT or GeoJSON; `epsg` is its CRS (default: the node's projected CRS).
    Needs write access to the map page and the parcel's district."""
    require_page(user=user, page=PAGE, write=True)
    parcel = _parcel(user=user, code=code)
    source = int(epsg) if epsg is not None else geo.node_epsg()
    shape = geo.validate(geo.parse(geometry), epsg=source)
    with transaction.atomic():
        locked = Parcel.objects.select_for_update().get(pk=parcel.pk)
        report = shape_report(parcel=locked, shape=shape)
        minx, miny, maxx, maxy = shape.bounds
        Parcel.objects.filter(pk=locked.pk).update(
            geometry_wkt=shape.wkt,
            geometry_epsg=shape.epsg,
            geometry_area=round(shape.area, 2),
            bbox_minx=minx,
            bbox_miny=miny,
            bbox_maxx=maxx,
            bbox_maxy=maxy,
            geometry_updated_at=timezone.now(),
        )
        if report.findings:
            quality_findings_save(
                report=report,
                region_code=locked.region_code,
                stage=Stage.SURVEY,
                subject_type=SubjectType.PARCEL,
                subject_ref=locked.code,
            )
        audit_record(
            actor=user,
            action="cadastre.geometry_set",
            object_type="register.parcel",
            object_id=locked.code,
            region_code=locked.region_code,
            detail={
                "epsg_in": source,
                "area_m2": round(shape.area, 2),
                "findings": [f.rule_id for f in report.findings],
            },
        )
    return ShapeResult(code=locked.code, area=shape.area, epsg=shape.epsg, report=report)


def _collection_epsg(collection: dict[str, Any]) -> int:
    """GeoJSON is WGS84 (RFC 7946) unless an old-style `crs` member names an EPSG code."""
    crs = collection.get("crs")
    if not crs:
        return geo.WGS84
    name = str((crs.get("properties") or {}).get("name", "")) if isinstance(crs, dict) else ""
    digits = name.rsplit(":", 1)[-1]
    if not digits.isdigit():
        raise InvalidInput(
            code="geometry_crs",
            message=f"无法识别 GeoJSON 的坐标系：{name or crs}",
            fields={"crs": "无法识别"},
        )
    return int(digits)


def _feature_code(feature: dict[str, Any]) -> str:
    props = feature.get("properties") or {}
    for key in ("code", "ZDDM", "zddm", "ZHDM", "parcel_code"):
        if props.get(key):
            return str(props[key]).strip()
    return str(feature.get("id") or "").strip()


def parcel_geometries_import(
    *, user: AnyUser, collection: dict[str, Any], epsg: int | None = None
) -> ImportReport:
    """Store every feature of a FeatureCollection keyed by parcel code (`properties.code` or
    ZDDM, else the feature `id`). Each feature is its own transaction: a bad one is reported
    and the others are still stored."""
    require_page(user=user, page=PAGE, write=True)
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise InvalidInput(
            code="geojson_invalid",
            message="应为 GeoJSON FeatureCollection",
            fields={"type": "应为 FeatureCollection"},
        )
    source = epsg if epsg is not None else _collection_epsg(collection)
    geo.check_epsg(source)
    report = ImportReport()
    for index, feature in enumerate(collection.get("features") or []):
        key = f"第{index + 1}个要素"
        if not isinstance(feature, dict):
            report.errors[key] = "要素格式有误"
            continue
        code = _feature_code(feature)
        if not code:
            report.errors[key] = "缺少宗地代码（properties.code 或 id）"
            continue
        try:
            result = parcel_geometry_set(user=user, code=code, geometry=feature, epsg=source)
        except DomainError as exc:
            report.errors[code] = exc.message
            continue
        report.stored += 1
        report.with_findings += bool(result.report.findings)
    return report
