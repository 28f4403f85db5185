"""Fixtures: the national node and a county node in one test database, each with its own SM2 key
(settings switched per side), the demo county's register, and A/B/national users."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from bdcdj.accounts.models import User
from bdcdj.accounts.services import tenant_ensure, user_create
from bdcdj.demo.dataset import OTHER_REGION, REGION, load_demo
from bdcdj.precise.envelope import public_key_of
from bdcdj.precise.services import endpoint_register
from bdcdj.register.models import Party, PartyRole, Right, RightStatus

NATIONAL = "100000"
NATIONAL_KEY = "5c1b9b0f6c1a4e7d8f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80"
COUNTY_KEY = "128b2fa8bd433c6c068c8d803dff79792a519a55171b1b650c23661d15897263"
OTHER_KEY = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b9"
PASSWORD = "Bdcdj-Test-2024!"
PERSON_ID = "11010519491231002X"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Sides:
    """Switch the process between the national node and a county node (keys, role, region)."""

    def __init__(self, settings) -> None:
        self.settings = settings
        settings.BDCDJ_PRECISE_NATIONAL_REGION = NATIONAL
        settings.BDCDJ_PRECISE_NATIONAL_PUBLIC_KEY = public_key_of(NATIONAL_KEY)
        settings.BDCDJ_PRECISE_NATIONAL_URL = ""

    @contextmanager
    def national(self) -> Iterator[None]:
        with self._as("national", NATIONAL, NATIONAL_KEY):
            yield

    @contextmanager
    def county(self, region: str = REGION, key: str = COUNTY_KEY) -> Iterator[None]:
        with self._as("county", region, key):
            yield

    @contextmanager
    def _as(self, role: str, region: str, key: str) -> Iterator[None]:
        before = (
            self.settings.BDCDJ_NODE_ROLE,
            self.settings.BDCDJ_REGION_CODE,
            self.settings.BDCDJ_NODE_SM2_KEY,
        )
        self.settings.BDCDJ_NODE_ROLE, self.settings.BDCDJ_REGION_CODE = role, region
        self.settings.BDCDJ_NODE_SM2_KEY = key
        try:
            yield
        finally:
            (
                self.settings.BDCDJ_NODE_ROLE,
                self.settings.BDCDJ_REGION_CODE,
                self.settings.BDCDJ_NODE_SM2_KEY,
            ) = before


@pytest.fixture
def sides(settings) -> Sides:
    return Sides(settings)


@pytest.fixture
def demo(db):
    return load_demo(size="small")


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    tenant_ensure(region_code=NATIONAL, name="全国", province_abbr="")
    tenant_ensure(region_code=REGION, name="长丰县", province_abbr="皖", parent_code="340100")
    tenant_ensure(region_code=OTHER_REGION, name="肥西县", province_abbr="皖", parent_code="340100")

    def make(username: str, *, roles: tuple[str, ...], regions: tuple[str, ...] = (REGION,)) -> User:
        return user_create(
            username=username,
            password=PASSWORD,
            display_name="测试用户",
            organisation=None,
            roles=list(roles),
            region_codes=list(regions),
        )

    return make


@pytest.fixture
def national_user(make_user, settings) -> User:
    user = make_user("national-officer", roles=("inquirer",), regions=(NATIONAL,))
    from bdcdj.accounts.models import PagePermission, Role, UserRole

    role, _ = Role.objects.get_or_create(code="precise-national", defaults={"name": "国家级精准查询"})
    PagePermission.objects.get_or_create(role=role, page="precise.tasks", defaults={"level": "write"})
    UserRole.objects.create(user=user, role=role)
    return user


@pytest.fixture
def post_a(make_user) -> User:
    return make_user("post-a", roles=("inquiry_a",))


@pytest.fixture
def post_b(make_user) -> User:
    return make_user("post-b", roles=("inquiry_b",))


@pytest.fixture
def endpoints(db, sides):
    with sides.national():
        return [
            endpoint_register(
                region_code=REGION,
                name="长丰县",
                base_url="http://127.0.0.1:9",
                public_key_hex=public_key_of(COUNTY_KEY),
            ),
            endpoint_register(
                region_code=OTHER_REGION,
                name="肥西县",
                base_url="",
                public_key_hex=public_key_of(OTHER_KEY),
                push_enabled=False,
            ),
        ]


@pytest.fixture
def owner_id(demo) -> str:
    """The ID number of a private person holding a current title in the demo county."""
    from bdcdj.accounts import pii

    party = (
        Party.objects.filter(
            role=PartyRole.HOLDER,
            party_type="1",
            right__status=RightStatus.CURRENT,
            right__kind__in=["house_ownership"],
            region_code=REGION,
        )
        .exclude(id_index="")
        .order_by("id")
        .first()
    )
    assert party is not None
    return pii.decrypt_text(party.id_number_enc)


def units_of(id_number: str) -> set[str]:
    from bdcdj.accounts import pii

    rights = Right.objects.filter(
        status=RightStatus.CURRENT,
        parties__id_index=pii.blind_index(id_number),
        parties__role=PartyRole.HOLDER,
        region_code=REGION,
    )
    return set(rights.values_list("unit__code", flat=True))
