"""Reading the map: parcels in a window with their status, clusters at low zoom or above the
feature cap, the drawn extent, locating by code — all within the user's districts."""

import pytest

from bdcdj.cadastre import selectors
from bdcdj.cadastre.geometry import points_to_wgs84
from bdcdj.cadastre.selectors import map_extent, map_window, parcel_locate
from bdcdj.cadastre.services import parcel_geometry_set
from bdcdj.cadastre.tests.conftest import PARCEL_2, PARCEL_3, SIDE, X0, Y0, map_user, square
from bdcdj.core.errors import InvalidInput, NotFound
from bdcdj.register.services import record
from bdcdj.register.tests.factories import OTHER_PARCEL, PARCEL, mortgage, objection, seizure


def _window(user, zoom=16, pad=300.0):
    lon, lat = points_to_wgs84([X0 - pad, X0 + 3 * SIDE + pad], [Y0 - pad, Y0 + SIDE + pad], source=4548)
    return map_window(user=user, west=lon[0], south=lat[0], east=lon[1], north=lat[1], zoom=zoom)


@pytest.fixture
def drawn(mapper, parcels, neighbour):
    for n, code in enumerate((PARCEL, PARCEL_2, PARCEL_3)):
        parcel_geometry_set(user=mapper, code=code, geometry=square(x=X0 + n * SIDE))
    return parcels


def test_parcels_in_the_window_come_as_wgs84_features_coloured_by_status(mapper, drawn):
    registrar = drawn["registrar"]
    record(item=mortgage(drawn[PARCEL_2]), by=registrar)
    record(item=seizure(drawn[PARCEL_3]), by=registrar)
    window = _window(mapper)
    assert window.mode == "features" and window.total == 3
    by_code = {f["id"]: f for f in window.features}
    assert {c: f["properties"]["status"] for c, f in by_code.items()} == {
        PARCEL: "registered",
        PARCEL_2: "mortgaged",
        PARCEL_3: "seized",
    }
    first = by_code[PARCEL]
    assert first["geometry"]["type"] == "Polygon"
    lon, lat = first["geometry"]["coordinates"][0][0]
    assert 117.0 < lon < 117.4 and 32.3 < lat < 32.7
    assert first["properties"]["unit_code"] == drawn[PARCEL].code
    assert first["properties"]["status_label"] == "已登记"


def test_an_objection_colours_the_parcel(mapper, drawn):
    record(item=objection(drawn[PARCEL]), by=drawn["registrar"])
    statuses = {f["id"]: f["properties"]["status"] for f in _window(mapper).features}
    assert statuses[PARCEL] == "objection"


def test_a_window_elsewhere_is_empty(mapper, drawn):
    window = map_window(user=mapper, west=116.0, south=31.0, east=116.1, north=31.1, zoom=16)
    assert window.total == 0 and window.features == []


def test_low_zoom_gives_clusters_whose_counts_add_up(mapper, drawn):
    window = _window(mapper, zoom=10, pad=20000)
    assert window.mode == "clusters" and window.features == []
    assert sum(c["count"] for c in window.clusters) == 3
    (cluster,) = window.clusters  # 330 m of parcels fall into one cell of ~12 km
    west, south, east, north = cluster["bbox"]
    assert west <= cluster["lon"] <= east and south <= cluster["lat"] <= north


def test_more_parcels_than_the_cap_are_clustered_even_when_zoomed_in(mapper, drawn, monkeypatch):
    monkeypatch.setattr(selectors, "FEATURE_CAP", 2)
    window = _window(mapper, zoom=18)
    assert window.mode == "clusters" and sum(c["count"] for c in window.clusters) == 3
    assert len(window.clusters) >= 2  # at zoom 18 a cell is ~20 m: the parcels fall apart


def test_zoomed_out_shapes_are_simplified(mapper, parcels):
    wiggly = [(X0 + i * 0.1, Y0 + (0.05 if i % 2 else 0.0)) for i in range(0, 1096)]
    ring = [*wiggly, (X0 + 109.5, Y0 + 109.5), (X0, Y0 + 109.5), (X0, Y0)]
    wkt = "POLYGON ((" + ", ".join(f"{x} {y}" for x, y in ring) + "))"
    parcel_geometry_set(user=mapper, code=PARCEL, geometry=wkt)
    near = len(_window(mapper, zoom=21).features[0]["geometry"]["coordinates"][0])
    far = len(_window(mapper, zoom=14).features[0]["geometry"]["coordinates"][0])
    assert far < 10 < near


def test_another_district_sees_none_of_the_parcels(neighbour, drawn, mapper):
    assert _window(neighbour).total == 0
    assert map_extent(user=neighbour) == {"parcels": 1, "drawn": 0, "bbox": None}
    with pytest.raises(NotFound):
        parcel_locate(user=neighbour, q=PARCEL)


def test_the_extent_covers_the_drawn_parcels(mapper, drawn):
    extent = map_extent(user=mapper)
    assert extent["parcels"] == 3 and extent["drawn"] == 3
    west, south, east, north = extent["bbox"]
    assert west < east and south < north and 117.0 < west < 117.4


def test_a_parcel_is_located_by_its_own_or_a_unit_code(mapper, drawn):
    by_unit = parcel_locate(user=mapper, q=drawn[PARCEL_2].code)
    by_parcel = parcel_locate(user=mapper, q=f" {PARCEL_2.lower()} ")
    assert by_unit == by_parcel and by_unit["code"] == PARCEL_2


def test_locating_unknown_or_undrawn_parcels_says_why(mapper, parcels):
    with pytest.raises(NotFound) as exc:
        parcel_locate(user=mapper, q="340121001001GB09999")
    assert "未找到宗地或不动产单元" in exc.value.message
    with pytest.raises(NotFound) as exc:
        parcel_locate(user=mapper, q=PARCEL)
    assert "尚无图形" in exc.value.message
    with pytest.raises(InvalidInput):
        parcel_locate(user=mapper, q="12345")


@pytest.mark.parametrize(
    ("west", "south", "east", "north", "zoom"),
    [(117.2, 32.4, 117.1, 32.5, 15), (117.1, 32.5, 117.2, 32.4, 15), (117.1, 32.4, 117.2, 32.5, 30)],
)
def test_a_malformed_window_is_refused(mapper, west, south, east, north, zoom):
    with pytest.raises(InvalidInput):
        map_window(user=mapper, west=west, south=south, east=east, north=north, zoom=zoom)


def test_other_district_user_with_both_tenants_sees_both(drawn, mapper):
    both = map_user("both", regions=("340121", "340122"))
    parcel_geometry_set(user=both, code=OTHER_PARCEL, geometry=square(y=Y0 + 500))
    assert _window(both, pad=600).total == 4 and _window(mapper, pad=600).total == 3
