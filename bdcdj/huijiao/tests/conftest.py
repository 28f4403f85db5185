"""Fixtures of the 汇交 tests: this node exports as county 340121 with a test SM2 key, and the
importing side (the same database here) trusts that key as a registered lower node."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from bdcdj.demo.dataset import load_demo
from bdcdj.hub.services import NodeRegistration, node_register
from bdcdj.hub.tests.factories import COUNTY, TEST_PRIVATE_KEY, public_key_hex


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def package_dir(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def node(settings, db) -> NodeRegistration:
    settings.BDCDJ_REGION_CODE = COUNTY
    settings.BDCDJ_NODE_SM2_KEY = TEST_PRIVATE_KEY
    return node_register(region_code=COUNTY, name="长丰县", public_key_hex=public_key_hex())


@pytest.fixture
def demo(db):
    return load_demo(size="small")


def read_package(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rewrite(path: Path, change: Callable[[dict[str, bytes]], None]) -> bytes:
    """The package's files after `change`, zipped again (what a tamperer would send)."""
    files = read_package(path)
    change(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, content in files.items():
            target.writestr(name, content)
    return buffer.getvalue()


def manifest_of(path: Path) -> dict:
    return json.loads(read_package(path)["manifest.json"])
