"""Fixtures of the standards tests. Each test starts and ends with an empty dictionary cache, so a
value cached from a rolled-back test transaction never leaks into the next test."""

from collections.abc import Iterator

import pytest
from django.conf import settings

from bdcdj.standards.selectors import dictionary_cache_clear

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
postgres_only = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="并发取号测试需要 PostgreSQL（设置 DATABASE_URL=postgres://…）；SQLite 测试库为内存库",
)


@pytest.fixture(autouse=True)
def _fresh_dictionary_cache() -> Iterator[None]:
    dictionary_cache_clear()
    yield
    dictionary_cache_clear()


# Real codes of the reference (§1.1) and the demo county.
HOUSE = "340121261006GB00014F00220045"
LAND = "230522101202GB00107W00000000"
ISLAND = "320684400203GG00005W00000000"
