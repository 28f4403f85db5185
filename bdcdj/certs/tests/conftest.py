"""Fixtures of the certificate tests: the case fixtures, a per-test signing directory (so each
test creates the node's key and certificate itself) and generous rate limits."""

from collections.abc import Iterator

import pytest

from bdcdj.cases.tests.conftest import _isolated, admin_user, districts, make_user, outsider, staff

__all__ = ["_isolated", "admin_user", "districts", "make_user", "outsider", "staff"]


@pytest.fixture(autouse=True)
def _signing_dir(settings, tmp_path) -> Iterator[None]:
    settings.BDCDJ_CERTS_DIR = tmp_path / "certs"
    yield


@pytest.fixture
def rate_limits(settings):
    """Set `settings.BDCDJ_PUBLIC_RATE_LIMIT` low in a test to see the limit bite."""
    return settings
