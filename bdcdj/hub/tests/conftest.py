"""Fixtures of the hub tests: a registered county node, a client posting as it, page users."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from bdcdj.accounts.models import User
from bdcdj.accounts.services import tenant_ensure, user_create
from bdcdj.hub.services import node_register
from bdcdj.hub.tests.factories import COUNTY, OTHER_COUNTY, public_key_hex

URL = "/api/exchange/v1/messages"
PASSWORD = "Bdcdj-Test-2024!"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Sender:
    client: Client
    region: str
    token: str

    def post(self, xml: bytes, *, token: str | None = None, region: str | None = None, **extra: str):
        headers = {"X-Bdcdj-Node": region or self.region, "Authorization": f"Bearer {token or self.token}"}
        return self.client.post(URL, data=xml, content_type="application/xml", headers=headers, **extra)


@pytest.fixture
def county_node(db):
    return node_register(region_code=COUNTY, name="长丰县", public_key_hex=public_key_hex())


@pytest.fixture
def sender(county_node) -> Sender:
    return Sender(client=Client(), region=COUNTY, token=county_node.token)


@pytest.fixture
def districts(db):
    tenant_ensure(region_code=COUNTY, name="长丰县", province_abbr="皖", parent_code="340100")
    tenant_ensure(region_code=OTHER_COUNTY, name="肥东县", province_abbr="皖", parent_code="340100")


@pytest.fixture
def make_user(districts) -> Callable[..., User]:
    def make(
        username: str, *, roles: tuple[str, ...] = ("admin",), regions: tuple[str, ...] = (COUNTY,)
    ) -> User:
        return user_create(
            username=username,
            password=PASSWORD,
            display_name="测试用户",
            organisation=None,
            roles=list(roles),
            region_codes=list(regions),
        )

    return make
