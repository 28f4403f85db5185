"""Fixtures of the cadastral map tests: registered parcels of the demo district and its
neighbour, users who may read or write the map, and square shapes in EPSG:4548 metres."""

from collections.abc import Iterator

import pytest

from bdcdj.accounts.models import PagePermission, User
from bdcdj.register.models import Unit
from bdcdj.register.services import record
from bdcdj.register.tests.factories import (
    OTHER_PARCEL,
    OTHER_REGION,
    PARCEL,
    first_registration,
    make_user,
)
from bdcdj.standards.selectors import dictionary_cache_clear

PARCEL_2 = "340121001001GB00002"
PARCEL_3 = "340121001001GB00003"
# Near 长丰县水湖镇 in CGCS2000 / 3-degree GK CM 117E (EPSG:4548), metres.
X0, Y0 = 516000.0, 3595000.0
SIDE = 12000.0**0.5  # the factories record 12,000 m² parcels


def square(x: float = X0, y: float = Y0, side: float = SIDE) -> str:
    return f"POLYGON (({x} {y}, {x + side} {y}, {x + side} {y + side}, {x} {y + side}, {x} {y}))"


@pytest.fixture(autouse=True)
def _fresh_dictionary_cache() -> Iterator[None]:
    dictionary_cache_clear()
    yield
    dictionary_cache_clear()


def map_user(username: str, *, write: bool = True, regions: tuple[str, ...] = ("340121",)) -> User:
    user = make_user(username, pages=("register.map", "register.units"), regions=regions)
    if write:
        PagePermission.objects.filter(role__user_roles__user=user, page="register.map").update(
            level=PagePermission.Level.WRITE
        )
    return user


@pytest.fixture
def mapper(db) -> User:
    return map_user("mapper")


@pytest.fixture
def viewer(db) -> User:
    return map_user("viewer", write=False)


@pytest.fixture
def neighbour(db) -> User:
    return map_user("neighbour", regions=(OTHER_REGION,))


@pytest.fixture
def parcels(db) -> dict[str, Unit]:
    """Three parcels of 340121 and one of 340122, each with one registered house unit."""
    registrar = make_user("registrar_map")
    other = make_user("registrar_other", regions=(OTHER_REGION,))
    units = {}
    for code in (PARCEL, PARCEL_2, PARCEL_3):
        result = record(item=first_registration(households=1, parcel=code), by=registrar)
        units[code] = result.rights_created[0].unit
    result = record(item=first_registration(households=1, parcel=OTHER_PARCEL), by=other)
    units[OTHER_PARCEL] = result.rights_created[0].unit
    units["registrar"] = registrar  # type: ignore[assignment]
    return units
