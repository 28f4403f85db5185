"""The 地籍图 page: guarded, listed in the navigation, with an empty state before any shape."""

from django.test import Client

from bdcdj.cadastre.services import parcel_geometry_set
from bdcdj.cadastre.tests.conftest import square
from bdcdj.register.tests.factories import PARCEL, make_user


def test_the_page_shows_an_empty_state_until_shapes_exist(mapper, parcels):
    client = Client()
    client.force_login(mapper)
    page = client.get("/cadastre/map/").content.decode()
    assert 'data-testid="map-empty"' in page and "共 3 宗地/宗海" in page
    assert "/static/vendor/leaflet/leaflet.js" in page and 'href="/cadastre/map/"' in page
    parcel_geometry_set(user=mapper, code=PARCEL, geometry=square())
    page = client.get("/cadastre/map/").content.decode()
    assert 'data-testid="cadastre-map"' in page and "已有图形 1 宗" in page and "查封" in page


def test_users_without_the_page_are_refused(db):
    client = Client()
    client.force_login(make_user("units_only", pages=("register.units",)))
    assert client.get("/cadastre/map/").status_code == 403
    assert Client().get("/cadastre/map/").status_code == 302
