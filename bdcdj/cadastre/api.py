"""Machine API of the cadastral map, mounted at /api/cadastre/v1/ (login and page register.map).

The window endpoint writes its JSON itself: a full window carries up to `FEATURE_CAP` polygons
and validating each through a response schema would cost more than building it.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from bdcdj.accounts.decorators import ensure_page
from bdcdj.cadastre.selectors import MapWindow, map_extent, map_window, parcel_locate
from bdcdj.cadastre.services import PAGE, parcel_geometry_set
from bdcdj.core.errors import InvalidInput

router = Router(tags=["cadastre"])


class ClusterOut(Schema):
    count: int
    lon: float
    lat: float
    bbox: list[float]


class MapOut(Schema):
    mode: str
    total: int
    zoom: int
    clusters: list[ClusterOut]
    type: str = "FeatureCollection"
    features: list[dict[str, Any]]


class ExtentOut(Schema):
    parcels: int
    drawn: int
    bbox: list[float] | None


class LocateOut(Schema):
    code: str
    location: str
    bbox: list[float]


class GeometryIn(Schema):
    geometry: str | dict[str, Any]
    epsg: int | None = None


class GeometryOut(Schema):
    code: str
    area: float
    epsg: int
    findings: list[str]


def _bbox(text: str) -> tuple[float, float, float, float]:
    parts = text.split(",")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4:
        message = "bbox 应为“西,南,东,北”四个经纬度数值"
        raise InvalidInput(code="map_window_invalid", message=message, fields={"bbox": message})
    return values[0], values[1], values[2], values[3]


def window_json(window: MapWindow) -> str:
    return json.dumps(
        {
            "mode": window.mode,
            "total": window.total,
            "zoom": window.zoom,
            "clusters": window.clusters,
            "type": "FeatureCollection",
            "features": window.features,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


@router.get(
    "/map",
    response=MapOut,
    summary="地籍图窗口：低缩放级别返回网格聚合，放大后返回宗地图形（WGS84 GeoJSON）与状态",
)
def window(request: HttpRequest, bbox: str, zoom: int) -> HttpResponse:
    ensure_page(request, PAGE)
    west, south, east, north = _bbox(bbox)
    result = map_window(user=request.user, west=west, south=south, east=east, north=north, zoom=zoom)
    return HttpResponse(window_json(result), content_type="application/json")


@router.get("/extent", response=ExtentOut, summary="本辖区宗地数、已有图形的宗地数及其范围")
def extent(request: HttpRequest) -> dict[str, Any]:
    ensure_page(request, PAGE)
    return map_extent(user=request.user)


@router.get("/locate", response=LocateOut, summary="按宗地代码或不动产单元号定位宗地")
def locate(request: HttpRequest, q: str) -> dict[str, Any]:
    ensure_page(request, PAGE)
    return parcel_locate(user=request.user, q=q)


@router.put(
    "/parcels/{code}/geometry", response=GeometryOut, summary="设置或替换宗地/宗海图形（WKT 或 GeoJSON）"
)
def geometry_set(request: HttpRequest, code: str, payload: GeometryIn) -> dict[str, Any]:
    ensure_page(request, PAGE, write=True)
    result = parcel_geometry_set(user=request.user, code=code, geometry=payload.geometry, epsg=payload.epsg)
    return {
        "code": result.code,
        "area": round(result.area, 2),
        "epsg": result.epsg,
        "findings": result.messages,
    }
