"""Fixtures of the operations tests: an isolated var dir, the demo district with staff, and
a few register events (a chain to back up and compare)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bdcdj.accounts.services import tenant_ensure, user_create
from bdcdj.cases.services import workflow_ensure_defaults
from bdcdj.cases.tests import helpers as h
from bdcdj.ops.errors import storage_full_clear


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path: Path) -> Iterator[None]:
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BDCDJ_ARCHIVE_DIR = tmp_path / "archive"
    settings.BDCDJ_CERTS_DIR = tmp_path / "certs"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.BDCDJ_READY_MIN_FREE_MB = 1
    storage_full_clear()
    yield
    storage_full_clear()


@pytest.fixture
def staff(db) -> h.Staff:
    tenant_ensure(region_code=h.REGION, name="长丰县", province_abbr="皖", parent_code="340100")
    workflow_ensure_defaults(region_code=h.REGION)

    def make(username: str, role: str):
        return user_create(
            username=username,
            password=h.PASSWORD,
            display_name="测试人员",
            organisation=None,
            roles=[role],
            region_codes=[h.REGION],
        )

    return h.Staff(
        clerk=make("clerk", "clerk"),
        reviewer=make("reviewer", "reviewer"),
        registrar=make("registrar", "registrar"),
    )


@pytest.fixture
def chain(staff) -> list:
    """Two titled houses: a few register events in region 340121."""
    return h.titled_house(staff.registrar, households=2)
