"""Reads of the cadastral map, always within the user's districts.

`map_window` answers a map view: below `MIN_FEATURE_ZOOM`, or when more than `FEATURE_CAP`
parcels fall in the window, it returns grid clusters (counts per cell, computed in SQL on the
cached bounding boxes); otherwise the parcels' shapes, simplified to about half a screen pixel
for the zoom and transformed to WGS84, each with its status for colouring.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import shapely
from django.db.models import Avg, Count, F, Max, Min
from django.db.models.functions import Floor

from bdcdj.accounts.selectors import AnyUser, tenant_codes
from bdcdj.cadastre import geometry as geo
from bdcdj.core.errors import InvalidInput, NotFound
from bdcdj.register.models import TITLE_KINDS, Parcel, RightKind, Unit, UnitStatus
from bdcdj.register.selectors import parcels_current_right_kinds

FEATURE_CAP = 1500
MIN_FEATURE_ZOOM = 13
CELL_PIXELS = 80
MAX_ZOOM = 22

# Status for colouring, most binding first; a parcel takes the first that applies.
STATUSES: tuple[tuple[str, str], ...] = (
    ("seized", "查封"),
    ("objection", "异议"),
    ("mortgaged", "抵押"),
    ("registered", "已登记"),
    ("unregistered", "未登记"),
)
STATUS_LABELS = dict(STATUSES)


@dataclass(frozen=True)
class MapWindow:
    mode: str  # "clusters" | "features"
    total: int
    zoom: int
    clusters: list[dict[str, Any]]
    features: list[dict[str, Any]]


def parcel_status(kinds: frozenset[str]) -> str:
    if RightKind.SEIZURE in kinds:
        return "seized"
    if RightKind.OBJECTION in kinds:
        return "objection"
    if RightKind.MORTGAGE in kinds:
        return "mortgaged"
    if kinds & TITLE_KINDS:
        return "registered"
    return "unregistered"


def _drawn(user: AnyUser) -> Any:
    return Parcel.objects.filter(
        region_code__in=tenant_codes(user=user),
        status=UnitStatus.VALID,
        geometry_epsg=geo.node_epsg(),
    )


def _window(west: float, south: float, east: float, north: float, zoom: int) -> None:
    problems = {}
    if not (-180 <= west < east <= 180):
        problems["bbox"] = "经度范围有误：应为 西,南,东,北 且西小于东"
    elif not (-85.1 <= south < north <= 85.1):
        problems["bbox"] = "纬度范围有误：应为 西,南,东,北 且南小于北"
    if not (0 <= zoom <= MAX_ZOOM):
        problems["zoom"] = f"缩放级别应为 0–{MAX_ZOOM}"
    if problems:
        raise InvalidInput(code="map_window_invalid", message="；".join(problems.values()), fields=problems)


def map_window(
    *, user: AnyUser, west: float, south: float, east: float, north: float, zoom: int
) -> MapWindow:
    """Parcels drawn in a lon/lat window at a Web-Mercator zoom level (clusters or shapes)."""
    _window(west, south, east, north, zoom)
    epsg = geo.node_epsg()
    minx, miny, maxx, maxy = geo.window_to_projected(west, south, east, north, target=epsg)
    parcels = _drawn(user).filter(
        bbox_minx__lte=maxx, bbox_maxx__gte=minx, bbox_miny__lte=maxy, bbox_maxy__gte=miny
    )
    total = parcels.count()
    if zoom < MIN_FEATURE_ZOOM or total > FEATURE_CAP:
        cell = CELL_PIXELS * geo.metres_per_pixel(zoom, (south + north) / 2)
        return MapWindow("clusters", total, zoom, _clusters(parcels, cell=cell, epsg=epsg), [])
    tolerance = 0.5 * geo.metres_per_pixel(zoom, (south + north) / 2)
    return MapWindow("features", total, zoom, [], _features(user, parcels, tolerance=tolerance, epsg=epsg))


def _clusters(parcels: Any, *, cell: float, epsg: int) -> list[dict[str, Any]]:
    """Counts per grid cell of `cell` metres, placed at the mean centre of their parcels."""
    rows = list(
        parcels.annotate(
            cx=(F("bbox_minx") + F("bbox_maxx")) / 2.0,
            cy=(F("bbox_miny") + F("bbox_maxy")) / 2.0,
        )
        .annotate(gx=Floor(F("cx") / cell), gy=Floor(F("cy") / cell))
        .values("gx", "gy")
        .annotate(
            n=Count("id"),
            x=Avg("cx"),
            y=Avg("cy"),
            x0=Min("bbox_minx"),
            y0=Min("bbox_miny"),
            x1=Max("bbox_maxx"),
            y1=Max("bbox_maxy"),
        )
        .order_by("gx", "gy")
    )
    if not rows:
        return []
    xs = [r["x"] for r in rows] + [r["x0"] for r in rows] + [r["x1"] for r in rows]
    ys = [r["y"] for r in rows] + [r["y0"] for r in rows] + [r["y1"] for r in rows]
    lons, lats = geo.points_to_wgs84(xs, ys, source=epsg)
    n = len(rows)
    return [
        {
            "count": row["n"],
            "lon": round(lons[i], 6),
            "lat": round(lats[i], 6),
            "bbox": [
                round(lons[n + i], 6),
                round(lats[n + i], 6),
                round(lons[2 * n + i], 6),
                round(lats[2 * n + i], 6),
            ],
        }
        for i, row in enumerate(rows)
    ]


def _features(user: AnyUser, parcels: Any, *, tolerance: float, epsg: int) -> list[dict[str, Any]]:
    rows = list(
        parcels.order_by("code").values(
            "id", "code", "kind", "location", "area", "area_unit", "geometry_area", "geometry_wkt"
        )
    )
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    kinds = parcels_current_right_kinds(user=user, parcel_ids=ids)
    units = {
        u["parcel_id"]: u
        for u in Unit.objects.filter(parcel_id__in=ids)
        .values("parcel_id")
        .annotate(first=Min("code"), n=Count("id"))
    }
    shapes = shapely.from_wkt([r["geometry_wkt"] for r in rows])
    shapes = shapely.simplify(shapes, tolerance, preserve_topology=True)
    shapes = geo.to_wgs84(shapes, source=epsg)
    geometries = shapely.to_geojson(shapes)
    features = []
    for row, geometry in zip(rows, geometries, strict=True):
        status = parcel_status(kinds.get(row["id"], frozenset()))
        unit = units.get(row["id"], {})
        features.append(
            {
                "type": "Feature",
                "id": row["code"],
                "geometry": json.loads(geometry),
                "properties": {
                    "code": row["code"],
                    "kind": row["kind"],
                    "location": row["location"],
                    "status": status,
                    "status_label": STATUS_LABELS[status],
                    "area": str(row["area"]),
                    "area_unit": row["area_unit"],
                    "shape_area": row["geometry_area"],
                    "unit_code": unit.get("first", ""),
                    "unit_count": unit.get("n", 0),
                },
            }
        )
    return features


def map_extent(*, user: AnyUser) -> dict[str, Any]:
    """How many parcels the user's districts have, how many are drawn, and the lon/lat box of
    the drawn ones (None when nothing is drawn: the page shows its empty state)."""
    total = Parcel.objects.filter(region_code__in=tenant_codes(user=user), status=UnitStatus.VALID).count()
    box = _drawn(user).aggregate(
        n=Count("id"), x0=Min("bbox_minx"), y0=Min("bbox_miny"), x1=Max("bbox_maxx"), y1=Max("bbox_maxy")
    )
    bbox = None
    if box["n"]:
        lons, lats = geo.points_to_wgs84(
            [box["x0"], box["x1"]], [box["y0"], box["y1"]], source=geo.node_epsg()
        )
        bbox = [round(lons[0], 6), round(lats[0], 6), round(lons[1], 6), round(lats[1], 6)]
    return {"parcels": total, "drawn": box["n"], "bbox": bbox}


def parcel_locate(*, user: AnyUser, q: str) -> dict[str, Any]:
    """Find a parcel by its 19-character code, a 24-character building code or a 28-character
    unit code, and give its lon/lat box for the map to zoom to."""
    text = "".join((q or "").split()).upper()
    if len(text) not in (19, 24, 28):
        message = "请输入19位宗地/宗海代码或28位不动产单元号"
        raise InvalidInput(code="locate_code_invalid", message=message, fields={"q": message})
    tenants = tenant_codes(user=user)
    parcel = None
    if len(text) == 28:
        unit = Unit.objects.filter(code=text, region_code__in=tenants).select_related("parcel").first()
        parcel = unit.parcel if unit else None
    if parcel is None:
        parcel = Parcel.objects.filter(code=text[:19], region_code__in=tenants).first()
    if parcel is None:
        raise NotFound(code="parcel_not_found", message=f"未找到宗地或不动产单元：{text}")
    if not parcel.geometry_wkt or parcel.geometry_epsg != geo.node_epsg():
        raise NotFound(code="parcel_not_drawn", message=f"宗地 {parcel.code} 尚无图形，无法在地籍图上定位")
    lons, lats = geo.points_to_wgs84(
        [parcel.bbox_minx, parcel.bbox_maxx],
        [parcel.bbox_miny, parcel.bbox_maxy],
        source=parcel.geometry_epsg,
    )
    return {
        "code": parcel.code,
        "location": parcel.location,
        "bbox": [round(lons[0], 6), round(lats[0], 6), round(lons[1], 6), round(lats[1], 6)],
    }
