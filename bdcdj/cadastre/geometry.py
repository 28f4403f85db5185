"""Pure geometry helpers for 宗地/宗海 shapes: parse, validate, measure, transform, simplify.

Shapes are stored as WKT in one projected CGCS2000 Gauss-Kruger CRS per node
(`settings.BDCDJ_CADASTRE_EPSG`, metres), so areas and overlaps are measured in square metres
without reprojection; maps get WGS84 (EPSG:4326) on the way out. Nothing here touches the
database.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from bdcdj.core.errors import InvalidInput

WGS84 = 4326
# CGCS2000 geographic (4490) and its 3-degree Gauss-Kruger zones without zone prefix (4534–4554).
CGCS2000_GEOGRAPHIC = 4490
GK3_ZONES = range(4534, 4555)
# Area units of the register (MJDW): 1 m², 2 亩, 3 公顷.
SQUARE_METRES_PER_UNIT = {"1": 1.0, "2": 10000.0 / 15.0, "3": 10000.0}
MAX_VERTICES = 20000


def node_epsg() -> int:
    """The projected CRS this node stores shapes in."""
    return int(settings.BDCDJ_CADASTRE_EPSG)


@lru_cache(maxsize=32)
def _transformer(source: int, target: int) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


@lru_cache(maxsize=32)
def _area_of_use(epsg: int) -> tuple[float, float, float, float]:
    area = CRS.from_epsg(epsg).area_of_use
    if area is None:  # pragma: no cover - every accepted EPSG code has one
        return (-180.0, -90.0, 180.0, 90.0)
    return (area.west, area.south, area.east, area.north)


def _bad(message: str, *, field: str = "geometry", code: str = "geometry_invalid") -> InvalidInput:
    return InvalidInput(code=code, message=message, fields={field: message})


def check_epsg(epsg: int) -> None:
    """Accept WGS84, CGCS2000 geographic and the CGCS2000 3-degree zones (no zone prefix)."""
    if epsg in (WGS84, CGCS2000_GEOGRAPHIC) or epsg in GK3_ZONES:
        try:
            CRS.from_epsg(epsg)
        except CRSError as exc:  # pragma: no cover - the codes above are all in the EPSG database
            raise _bad(f"坐标系 EPSG:{epsg} 无法识别", field="epsg", code="geometry_crs") from exc
        return
    raise _bad(
        f"不支持的坐标系 EPSG:{epsg}：应为 CGCS2000 3度带投影坐标（EPSG:4534–4554，如 4548）、"
        "CGCS2000 经纬度（4490）或 WGS84 经纬度（4326）",
        field="epsg",
        code="geometry_crs",
    )


def parse(text: str | dict[str, Any]) -> BaseGeometry:
    """WKT or GeoJSON (text or a parsed geometry / Feature mapping) → a shapely geometry."""
    if isinstance(text, dict):
        mapping = text.get("geometry") if text.get("type") == "Feature" else text
        if not isinstance(mapping, dict):
            raise _bad("GeoJSON 要素缺少 geometry")
        try:
            return shapely.from_geojson(json.dumps(mapping))
        except (shapely.errors.GEOSException, ValueError) as exc:
            raise _bad(f"GeoJSON 图形无法解析：{_short(exc)}") from exc
    raw = (text or "").strip()
    if not raw:
        raise _bad("图形不能为空")
    try:
        if raw.startswith("{"):
            return parse(json.loads(raw))
        return shapely.from_wkt(raw)
    except json.JSONDecodeError as exc:
        raise _bad(f"GeoJSON 不是有效的 JSON：{exc.msg}") from exc
    except (shapely.errors.GEOSException, ValueError) as exc:
        raise _bad(f"WKT 图形无法解析：{_short(exc)}") from exc


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:120]


@dataclass(frozen=True)
class CheckedShape:
    """A validated polygon in the node's projected CRS."""

    geometry: BaseGeometry
    epsg: int
    area: float  # m²
    bounds: tuple[float, float, float, float]

    @property
    def wkt(self) -> str:
        return shapely.to_wkt(self.geometry, rounding_precision=3, trim=True)


def validate(geometry: BaseGeometry, *, epsg: int, target_epsg: int | None = None) -> CheckedShape:
    """A polygon or multipolygon that is valid, plausible for its CRS, and in the node's CRS.

    Geographic input (4326/4490) and other CGCS2000 zones are transformed to the node's zone.
    Raises InvalidInput with a Chinese message naming the problem (self-intersection, swapped
    axes, coordinates outside the CRS's area of use …)."""
    target = target_epsg or node_epsg()
    check_epsg(epsg)
    if geometry.is_empty:
        raise _bad("图形为空")
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise _bad(f"宗地/宗海图形应为面（Polygon 或 MultiPolygon），实际为 {geometry.geom_type}")
    if shapely.get_num_coordinates(geometry) > MAX_VERTICES:
        raise _bad(f"图形顶点数超过 {MAX_VERTICES}，请先抽稀")
    if shapely.has_z(geometry):
        geometry = shapely.force_2d(geometry)
    coords = shapely.get_coordinates(geometry)
    if not np.isfinite(coords).all():
        raise _bad("图形含有非数值坐标")
    if not geometry.is_valid:
        raise _bad(f"图形无效（{_validity_zh(explain_validity(geometry))}），请修正后再提交")
    minx, miny, maxx, maxy = geometry.bounds
    geographic = epsg in (WGS84, CGCS2000_GEOGRAPHIC)
    if geographic:
        if not (minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90):
            raise _bad(f"EPSG:{epsg} 为经纬度坐标，但坐标超出经纬度范围，可能是投影坐标", code="geometry_crs")
    else:
        if maxx < 1000 and maxy < 1000:
            raise _bad(f"EPSG:{epsg} 为投影坐标（米），但坐标像是经纬度", code="geometry_crs")
        if minx > 1_000_000 and maxy < 1_000_000:
            raise _bad("坐标的 X、Y 似乎颠倒了：高斯投影的 X（东）约为 50 万米量级", code="geometry_crs")
    lon_lat = geometry if geographic else _to(geometry, epsg, WGS84)
    west, south, east, north = _area_of_use(epsg if not geographic else target)
    lminx, lminy, lmaxx, lmaxy = lon_lat.bounds
    if lminx < west - 0.01 or lmaxx > east + 0.01 or lminy < south - 0.01 or lmaxy > north + 0.01:
        raise _bad(
            f"图形位置（经度 {lminx:.3f}–{lmaxx:.3f}，纬度 {lminy:.3f}–{lmaxy:.3f}）超出 "
            f"EPSG:{target if geographic else epsg} 的适用范围（经度 {west:g}–{east:g}），请检查坐标系",
            code="geometry_crs",
        )
    projected = geometry if epsg == target else _to(geometry, epsg, target)
    if not projected.is_valid:
        projected = shapely.make_valid(projected)
    area = float(projected.area)
    if area <= 0:
        raise _bad("图形面积为 0")
    bounds = tuple(float(v) for v in projected.bounds)
    return CheckedShape(geometry=projected, epsg=target, area=area, bounds=bounds)  # type: ignore[arg-type]


def _validity_zh(reason: str) -> str:
    lowered = reason.lower()
    if "self-intersection" in lowered or "ring self-intersection" in lowered:
        return f"边界自相交：{reason}"
    if "too few points" in lowered:
        return f"顶点过少：{reason}"
    if "hole" in lowered:
        return f"内环位置错误：{reason}"
    return reason


def _to(geometry: BaseGeometry, source: int, target: int) -> BaseGeometry:
    transformer = _transformer(source, target)
    return shapely.transform(geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def to_wgs84(geometries: Any, *, source: int, decimals: int = 7) -> Any:
    """Vectorised: an array of projected geometries → the same in lon/lat, rounded to
    `decimals` (1e-7° is about 1 cm)."""
    transformer = _transformer(source, WGS84)
    return shapely.transform(
        geometries,
        lambda xy: np.round(np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])), decimals),
    )


def points_to_wgs84(xs: Any, ys: Any, *, source: int) -> tuple[Any, Any]:
    return _transformer(source, WGS84).transform(xs, ys)


def window_to_projected(
    west: float, south: float, east: float, north: float, *, target: int
) -> tuple[float, float, float, float]:
    """A lon/lat window → the projected box that contains it (edges densified)."""
    return _transformer(WGS84, target).transform_bounds(west, south, east, north, densify_pts=11)


def recorded_area_m2(area: Any, unit: str) -> float:
    """The register's parcel area in m² (MJDW 1 m², 2 亩, 3 公顷)."""
    return float(area) * SQUARE_METRES_PER_UNIT.get(unit or "1", 1.0)


def metres_per_pixel(zoom: int, latitude: float) -> float:
    """Web-Mercator ground resolution: the simplification tolerance of one screen pixel."""
    return 156543.03392 * math.cos(math.radians(latitude)) / (2**zoom)
