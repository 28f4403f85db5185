"""`import_parcel_geometry`: a FeatureCollection keyed by parcel code, in WGS84 or a named CRS."""

import json

import pytest
from django.core.management import CommandError, call_command

from bdcdj.cadastre.geometry import points_to_wgs84
from bdcdj.cadastre.tests.conftest import PARCEL_2, SIDE, X0, Y0
from bdcdj.quality.models import QualityFinding
from bdcdj.register.models import Parcel
from bdcdj.register.tests.factories import PARCEL


def _ring(x: float, y: float, side: float = SIDE) -> list[list[float]]:
    return [[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]


def _feature(code_key: str, code: str, ring: list[list[float]]) -> dict:
    return {
        "type": "Feature",
        "properties": {code_key: code},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_projected_features_are_imported_by_code_and_bad_ones_reported(tmp_path, mapper, parcels, capsys):
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4548"}},
        "features": [
            _feature("code", PARCEL, _ring(X0, Y0)),
            _feature("ZDDM", PARCEL_2, _ring(X0 + SIDE - 10, Y0)),  # overlaps the first by 10 m
            _feature("code", "340121001001GB09999", _ring(X0 + 500, Y0)),
            {"type": "Feature", "properties": {}, "geometry": None},
        ],
    }
    path = tmp_path / "parcels.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    call_command("import_parcel_geometry", str(path), "--by", mapper.username)
    out, err = capsys.readouterr()
    assert "已导入 2 宗图形，其中 1 宗有质检问题" in out and "失败 2 个要素" in out
    assert "未找到宗地/宗海：340121001001GB09999" in err and "缺少宗地代码" in err
    assert Parcel.objects.exclude(geometry_wkt="").count() == 2
    assert QualityFinding.objects.filter(subject_ref=PARCEL_2, rule_id="Q-GEO-002").count() == 1


def test_wgs84_is_the_default_crs(tmp_path, mapper, parcels):
    lon, lat = points_to_wgs84([X0, X0 + SIDE], [Y0, Y0 + SIDE], source=4548)
    ring = [[lon[0], lat[0]], [lon[1], lat[0]], [lon[1], lat[1]], [lon[0], lat[1]], [lon[0], lat[0]]]
    path = tmp_path / "wgs84.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [_feature("code", PARCEL, ring)]}))
    call_command("import_parcel_geometry", str(path), "--by", mapper.username)
    assert Parcel.objects.get(code=PARCEL).bbox_minx == pytest.approx(X0, abs=0.5)


@pytest.mark.parametrize(
    ("text", "message"),
    [("{not json", "不是有效的 UTF-8 GeoJSON"), ('{"type": "Feature"}', "应为 GeoJSON FeatureCollection")],
)
def test_a_bad_file_stops_the_command(tmp_path, mapper, text, message):
    path = tmp_path / "bad.geojson"
    path.write_text(text)
    with pytest.raises(CommandError) as exc:
        call_command("import_parcel_geometry", str(path), "--by", mapper.username)
    assert message in str(exc.value)


def test_a_user_without_write_access_imports_nothing(tmp_path, viewer, parcels):
    path = tmp_path / "p.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": [_feature("code", PARCEL, _ring(X0, Y0))]})
    )
    with pytest.raises(CommandError) as exc:
        call_command("import_parcel_geometry", str(path), "--by", viewer.username, "--epsg", "4548")
    assert "没有修改“地籍图”的权限" in str(exc.value)
