"""The map API: typed answers, Chinese 4xx messages for bad input, permissions and districts."""

import json

import pytest
from django.test import Client

from bdcdj.cadastre.tests.conftest import X0, Y0, square
from bdcdj.register.tests.factories import OTHER_PARCEL, PARCEL

API = "/api/cadastre/v1"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def put_geometry(client: Client, code: str, body: dict):
    return client.put(
        f"{API}/parcels/{code}/geometry", data=json.dumps(body), content_type="application/json"
    )


def test_a_shape_is_set_and_then_drawn_in_the_window(mapper, parcels):
    client = client_for(mapper)
    response = put_geometry(client, PARCEL, {"geometry": square()})
    assert response.status_code == 200, response.content
    assert response.json()["epsg"] == 4548 and response.json()["findings"] == []
    window = client.get(f"{API}/map", {"bbox": "117.0,32.3,117.4,32.7", "zoom": 15}).json()
    assert window["mode"] == "features" and window["type"] == "FeatureCollection"
    assert [f["id"] for f in window["features"]] == [PARCEL]
    extent = client.get(f"{API}/extent").json()
    assert extent["drawn"] == 1 and len(extent["bbox"]) == 4
    assert client.get(f"{API}/locate", {"q": PARCEL}).json()["code"] == PARCEL


def test_an_invalid_polygon_is_answered_400_in_chinese(mapper, parcels):
    bowtie = f"POLYGON (({X0} {Y0}, {X0 + 100} {Y0 + 100}, {X0 + 100} {Y0}, {X0} {Y0 + 100}, {X0} {Y0}))"
    response = put_geometry(client_for(mapper), PARCEL, {"geometry": bowtie})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "geometry_invalid" and "自相交" in body["message"] and "geometry" in body["fields"]


def test_an_area_mismatch_is_stored_and_reported(mapper, parcels):
    response = put_geometry(client_for(mapper), PARCEL, {"geometry": square(side=150)})
    assert response.status_code == 200
    assert "Q-GEO-001" in response.json()["findings"][0]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"bbox": "117.0,32.3,117.4", "zoom": 15}, "bbox"), ({"bbox": "a,b,c,d", "zoom": 15}, "bbox")],
)
def test_a_bad_window_is_answered_400(mapper, params, field):
    response = client_for(mapper).get(f"{API}/map", params)
    assert response.status_code == 400 and field in response.json()["fields"]


def test_a_missing_zoom_is_answered_422(mapper):
    response = client_for(mapper).get(f"{API}/map", {"bbox": "117.0,32.3,117.4,32.7"})
    assert response.status_code == 422 and response.json()["fields"]["zoom"] == "必填"


def test_read_only_users_read_but_cannot_write(viewer, parcels):
    client = client_for(viewer)
    assert client.get(f"{API}/extent").status_code == 200
    response = put_geometry(client, PARCEL, {"geometry": square()})
    assert response.status_code == 403 and "地籍图" in response.json()["message"]


def test_another_districts_parcel_is_404(mapper, parcels):
    client = client_for(mapper)
    assert put_geometry(client, OTHER_PARCEL, {"geometry": square()}).status_code == 404
    response = client.get(f"{API}/locate", {"q": OTHER_PARCEL})
    assert response.status_code == 404 and "未找到" in response.json()["message"]


def test_anonymous_callers_are_401(db):
    assert Client().get(f"{API}/extent").status_code == 401
