"""Fixtures of the stock tests: the generated legacy dataset, a district user and a registrar."""

from pathlib import Path

import pytest

from bdcdj.accounts.models import User
from bdcdj.register.tests.factories import make_user
from bdcdj.standards.selectors import dictionary_cache_clear
from bdcdj.stock.generator import LegacyDataset, generate_legacy


@pytest.fixture(autouse=True)
def _fresh_dictionary_cache():
    dictionary_cache_clear()
    yield
    dictionary_cache_clear()


@pytest.fixture
def legacy(tmp_path: Path) -> LegacyDataset:
    return generate_legacy(tmp_path / "legacy")


@pytest.fixture
def clerk(db) -> User:
    return make_user("stock_clerk", pages=("stock.import",))


@pytest.fixture
def registrar(db) -> User:
    return make_user("stock_registrar", pages=("stock.import", "register.units"))
