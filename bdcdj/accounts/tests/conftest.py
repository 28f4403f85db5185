"""Small factories for the accounts tests: two districts and users built through the services."""

from collections.abc import Callable

import pytest

from bdcdj.accounts.models import Organisation, User
from bdcdj.accounts.services import organisation_create, tenant_ensure, user_create

PASSWORD = "Bdcdj-Test-2024!"
HOME = "340121"  # 长丰县
OTHER = "340122"  # 肥东县


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Production hashing costs ~0.3 s per check; these tests check hundreds of passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def districts(db):
    return [
        tenant_ensure(region_code=HOME, name="长丰县", province_abbr="皖", parent_code="340100"),
        tenant_ensure(region_code=OTHER, name="肥东县", province_abbr="皖", parent_code="340100"),
    ]


@pytest.fixture
def authority(districts) -> Organisation:
    return organisation_create(
        code="11340121MB0000001X", name="长丰县不动产登记中心", kind="authority", region_code=HOME
    )


@pytest.fixture
def make_user(districts) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(
        username: str | None = None,
        *,
        roles: tuple[str, ...] = (),
        regions: tuple[str, ...] = (HOME,),
        password: str = PASSWORD,
        display_name: str = "测试用户",
        organisation: Organisation | None = None,
    ) -> User:
        return user_create(
            username=username or f"user{next(counter)}",
            password=password,
            display_name=display_name,
            organisation=organisation,
            roles=list(roles),
            region_codes=list(regions),
        )

    return make


@pytest.fixture
def clerk(make_user) -> User:
    return make_user("clerk1", roles=("clerk",))


@pytest.fixture
def registrar(make_user) -> User:
    return make_user("registrar1", roles=("registrar",))


@pytest.fixture
def auditor(make_user) -> User:
    return make_user("auditor1", roles=("auditor",))


@pytest.fixture
def other_auditor(make_user) -> User:
    return make_user("auditor2", roles=("auditor",), regions=(OTHER,))


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser(username="root", password=PASSWORD)
