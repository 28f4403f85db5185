"""Setting a parcel's shape: refused when it is not a valid polygon in a sane CRS, stored
otherwise, with area and overlap disagreements recorded as quality findings."""

import re

import pytest

from bdcdj.cadastre import geometry as geo
from bdcdj.cadastre.services import parcel_geometry_set
from bdcdj.cadastre.tests.conftest import PARCEL_2, PARCEL_3, SIDE, X0, Y0, square
from bdcdj.core.errors import Forbidden, InvalidInput, NotFound
from bdcdj.quality.models import QualityFinding
from bdcdj.register.models import Parcel
from bdcdj.register.tests.factories import OTHER_PARCEL, PARCEL


def findings(code: str) -> list[QualityFinding]:
    return list(QualityFinding.objects.filter(subject_type="parcel", subject_ref=code).order_by("rule_id"))


def test_a_valid_shape_is_stored_with_its_area_and_bounding_box(mapper, parcels):
    result = parcel_geometry_set(user=mapper, code=PARCEL, geometry=square())
    parcel = Parcel.objects.get(code=PARCEL)
    assert result.report.findings == () and findings(PARCEL) == []
    assert parcel.geometry_epsg == 4548 and parcel.geometry_wkt.startswith("POLYGON")
    assert parcel.geometry_area == pytest.approx(12000, abs=0.05)
    assert (parcel.bbox_minx, parcel.bbox_miny) == pytest.approx((X0, Y0))
    assert parcel.bbox_maxx == pytest.approx(X0 + SIDE, abs=0.001)


def test_a_self_intersecting_polygon_is_refused_in_chinese(mapper, parcels):
    bowtie = f"POLYGON (({X0} {Y0}, {X0 + 100} {Y0 + 100}, {X0 + 100} {Y0}, {X0} {Y0 + 100}, {X0} {Y0}))"
    with pytest.raises(InvalidInput) as exc:
        parcel_geometry_set(user=mapper, code=PARCEL, geometry=bowtie)
    assert exc.value.code == "geometry_invalid" and "自相交" in exc.value.message
    assert Parcel.objects.get(code=PARCEL).geometry_wkt == ""


@pytest.mark.parametrize(
    ("geometry", "epsg", "text"),
    [
        (f"LINESTRING ({X0} {Y0}, {X0 + 10} {Y0})", None, "应为面"),
        ("POLYGON ((0 0, 1 0, 1", None, "WKT 图形无法解析"),
        ('{"type": "Polygon", "coordinates": [[1, 2]]', None, "GeoJSON 不是有效的 JSON"),
        ("", None, "图形不能为空"),
        (square(x=Y0, y=X0), None, "X、Y 似乎颠倒"),
        ("POLYGON ((117.1 32.4, 117.2 32.4, 117.2 32.5, 117.1 32.4))", None, "像是经纬度"),
        (square(x=X0 - 400000), None, "超出"),
        (square(), 3857, "不支持的坐标系"),
        (square(), 4326, "超出经纬度范围"),
    ],
)
def test_implausible_input_is_refused_with_the_reason(mapper, parcels, geometry, epsg, text):
    with pytest.raises(InvalidInput) as exc:
        parcel_geometry_set(user=mapper, code=PARCEL, geometry=geometry, epsg=epsg)
    assert text in exc.value.message


def test_lon_lat_input_is_transformed_to_the_node_crs(mapper, parcels):
    lon, lat = geo.points_to_wgs84([X0, X0 + SIDE], [Y0, Y0 + SIDE], source=4548)
    ring = [(lon[0], lat[0]), (lon[1], lat[0]), (lon[1], lat[1]), (lon[0], lat[1]), (lon[0], lat[0])]
    feature = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}}
    result = parcel_geometry_set(user=mapper, code=PARCEL, geometry=feature, epsg=4326)
    assert result.epsg == 4548 and result.area == pytest.approx(12000, rel=0.01)
    assert Parcel.objects.get(code=PARCEL).bbox_minx == pytest.approx(X0, abs=0.5)


def test_an_area_far_from_the_recorded_one_is_recorded_as_a_finding(mapper, parcels):
    result = parcel_geometry_set(user=mapper, code=PARCEL, geometry=square(side=SIDE * 1.1))  # +21 %
    (finding,) = findings(PARCEL)
    assert finding.rule_id == "Q-GEO-001" and finding.stage == "survey" and finding.severity == "warn"
    assert "与登记面积 12000.00 平方米相差" in finding.message and finding.field_code == "ZDMJ"
    assert result.messages and Parcel.objects.get(code=PARCEL).geometry_wkt  # stored all the same


def test_an_area_within_tolerance_records_nothing(mapper, parcels):
    parcel_geometry_set(user=mapper, code=PARCEL, geometry=square(side=SIDE * 1.02))  # +4 %
    assert findings(PARCEL) == []


def test_an_overlap_with_another_parcel_is_recorded_naming_it(mapper, parcels):
    parcel_geometry_set(user=mapper, code=PARCEL, geometry=square())
    parcel_geometry_set(user=mapper, code=PARCEL_2, geometry=square(x=X0 + SIDE - 5))  # 5 m strip
    (finding,) = findings(PARCEL_2)
    assert finding.rule_id == "Q-GEO-002" and PARCEL in finding.message
    overlap = float(re.search(r"重叠 ([\d.]+) 平方米", finding.message).group(1))
    assert overlap == pytest.approx(5 * SIDE, abs=0.1)


def test_touching_or_slightly_overlapping_neighbours_record_nothing(mapper, parcels):
    parcel_geometry_set(user=mapper, code=PARCEL, geometry=square())
    parcel_geometry_set(user=mapper, code=PARCEL_2, geometry=square(x=X0 + SIDE))  # shares an edge
    parcel_geometry_set(user=mapper, code=PARCEL_3, geometry=square(y=Y0 + SIDE - 0.005))  # 0.55 m²
    assert findings(PARCEL_2) == [] and findings(PARCEL_3) == []


def test_replacing_a_shape_moves_its_bounding_box(mapper, parcels):
    parcel_geometry_set(user=mapper, code=PARCEL, geometry=square())
    parcel_geometry_set(user=mapper, code=PARCEL, geometry=square(x=X0 + 1000))
    assert Parcel.objects.get(code=PARCEL).bbox_minx == pytest.approx(X0 + 1000)


def test_another_districts_parcel_is_not_found(mapper, parcels):
    with pytest.raises(NotFound):
        parcel_geometry_set(user=mapper, code=OTHER_PARCEL, geometry=square())


def test_a_read_only_user_cannot_set_a_shape(viewer, parcels):
    with pytest.raises(Forbidden):
        parcel_geometry_set(user=viewer, code=PARCEL, geometry=square())
