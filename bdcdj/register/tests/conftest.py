"""Fixtures of the register tests: users of the demo district and its neighbour, and a clean
dictionary cache per test."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from bdcdj.accounts.models import User
from bdcdj.register.tests.factories import OTHER_REGION, make_user
from bdcdj.standards.selectors import dictionary_cache_clear


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="需要 PostgreSQL（设置 DATABASE_URL=postgres://…）")
    here = Path(__file__).parent
    for item in items:
        if "postgres" in item.keywords and here in item.path.parents:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_dictionary_cache() -> Iterator[None]:
    dictionary_cache_clear()
    yield
    dictionary_cache_clear()


@pytest.fixture
def registrar(db) -> User:
    return make_user("registrar", pages=("register.units", "register.chain"))


@pytest.fixture
def pii_user(db) -> User:
    return make_user("pii_viewer", pages=("register.units",), pii=True)


@pytest.fixture
def other_district_user(db) -> User:
    return make_user("feidong", regions=(OTHER_REGION,), pages=("register.units", "register.chain"))


@pytest.fixture
def no_page_user(db) -> User:
    return make_user("nopage", pages=())
