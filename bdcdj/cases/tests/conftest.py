"""Fixtures of the case tests: the demo district and its neighbour, staff created through the
accounts services, default workflows, files under a temporary MEDIA_ROOT."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection

from bdcdj.accounts.models import User
from bdcdj.accounts.services import tenant_ensure, user_create
from bdcdj.cases.services import workflow_ensure_defaults
from bdcdj.cases.tests.helpers import OTHER_REGION, PASSWORD, REGION, Staff
from bdcdj.standards.selectors import dictionary_cache_clear


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(
        reason="需要 PostgreSQL（设置 DATABASE_URL=postgres://…）：SQLite 没有行锁，无法从多个连接竞争登簿"
    )
    here = Path(__file__).parent
    for item in items:
        if "postgres" in item.keywords and here in item.path.parents:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BDCDJ_CERTS_DIR = tmp_path / "certs"  # signed certificate versions (bdcdj.certs)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    dictionary_cache_clear()
    yield
    dictionary_cache_clear()


@pytest.fixture
def districts(db) -> None:
    tenant_ensure(region_code=REGION, name="长丰县", province_abbr="皖", parent_code="340100")
    tenant_ensure(region_code=OTHER_REGION, name="肥东县", province_abbr="皖", parent_code="340100")
    workflow_ensure_defaults(region_code=REGION)


@pytest.fixture
def make_user(districts) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(username: str = "", *, roles: tuple[str, ...], regions: tuple[str, ...] = (REGION,)) -> User:
        return user_create(
            username=username or f"user{next(counter)}",
            password=PASSWORD,
            display_name="测试人员",
            organisation=None,
            roles=list(roles),
            region_codes=list(regions),
        )

    return make


@pytest.fixture
def staff(make_user) -> Staff:
    return Staff(
        clerk=make_user("clerk", roles=("clerk",)),
        reviewer=make_user("reviewer", roles=("reviewer",)),
        registrar=make_user("registrar", roles=("registrar",)),
    )


@pytest.fixture
def outsider(make_user) -> User:
    """A clerk of the neighbouring district."""
    return make_user("feidong_clerk", roles=("clerk", "reviewer", "registrar"), regions=(OTHER_REGION,))


@pytest.fixture
def admin_user(make_user) -> User:
    return make_user("wf_admin", roles=("admin",))
