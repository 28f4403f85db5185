"""Fixtures of the portal tests: districts, files under a temporary MEDIA_ROOT, the sharing
app's department simulator as a real subprocess (the 公安 answers identity checks), and
citizens who register and verify through the real services (codes read from the outbox)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from bdcdj.accounts.services import tenant_ensure, user_create
from bdcdj.cases.services import workflow_ensure_defaults
from bdcdj.portal import sms
from bdcdj.portal.models import Citizen, SmsOutbox
from bdcdj.portal.services import citizen_register, citizen_verify, sms_code_send
from bdcdj.portal.tests.helpers import Staff
from bdcdj.sharing.services import sharing_setup
from bdcdj.sharing.simulator.population import demo_population
from bdcdj.sharing.tests.conftest import Sim, simulator  # noqa: F401  (the session-wide subprocess)
from bdcdj.standards.selectors import dictionary_cache_clear

REGION = "340121"
OTHER_REGION = "340122"
PASSWORD = "Bdcdj-Test-2024!"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="需要 PostgreSQL（设置 DATABASE_URL=postgres://…）：SQLite 没有行级并发")
    here = Path(__file__).parent
    for item in items:
        if "postgres" in item.keywords and here in item.path.parents:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    dictionary_cache_clear()
    yield
    dictionary_cache_clear()


@pytest.fixture
def districts(db: None) -> None:
    tenant_ensure(region_code=REGION, name="长丰县", province_abbr="皖", parent_code="340100")
    tenant_ensure(region_code=OTHER_REGION, name="肥东县", province_abbr="皖", parent_code="340100")
    tenant_ensure(region_code="340100", name="合肥市", province_abbr="皖", parent_code="340000")
    workflow_ensure_defaults(region_code=REGION)


@pytest.fixture
def sim(simulator: Sim, db: None) -> Iterator[Sim]:  # noqa: F811
    simulator.control("reset", {})
    sharing_setup(base_url=simulator.url, repoint=True)
    yield simulator
    simulator.control("reset", {})


@pytest.fixture(scope="session")
def people() -> list[tuple[str, str]]:
    """(name, ID number) of fictional persons the simulated 公安 knows (the demo's people)."""
    population = demo_population().people
    return [(population[number], number) for number in sorted(population)]


def last_code(phone: str) -> str:
    """The code of the newest SMS to `phone` in the development outbox."""
    message = SmsOutbox.objects.filter(phone_index=sms.phone_index(phone)).order_by("-id").first()
    assert message is not None, "没有发往该号码的短信"
    found = re.search(r"验证码为(\d{6})", message.text)
    assert found is not None
    return found.group(1)


_phones = iter(range(13800000000, 13899999999))


@pytest.fixture
def send(django_capture_on_commit_callbacks: Any) -> Callable[..., None]:
    """`sms_code_send`, with the sender (run after commit) executed inside the test transaction."""

    def call(phone: str, purpose: str = "login", ip_address: str | None = None) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            sms_code_send(phone=phone, purpose=purpose, ip_address=ip_address)

    return call


@pytest.fixture
def make_citizen(districts: None, send: Callable[..., None]) -> Callable[..., Citizen]:
    def make(phone: str = "") -> Citizen:
        phone = phone or str(next(_phones))
        send(phone, "register")
        return citizen_register(phone=phone, code=last_code(phone))

    return make


@pytest.fixture
def verified(
    make_citizen: Callable[..., Citizen], sim: Sim, people: list[tuple[str, str]]
) -> Callable[..., Citizen]:
    """A registered citizen verified as the n-th person of the simulated population."""

    def make(index: int = 0, *, name: str = "", id_number: str = "") -> Citizen:
        citizen = make_citizen()
        person_name, person_id = people[index]
        return citizen_verify(citizen=citizen, name=name or person_name, id_number=id_number or person_id)

    return make


@pytest.fixture
def make_staff(districts: None) -> Callable[..., Any]:
    counter = iter(range(1, 10_000))

    def make(*, roles: tuple[str, ...], regions: tuple[str, ...] = (REGION,)) -> Any:
        return user_create(
            username=f"staff{next(counter)}",
            password=PASSWORD,
            display_name="测试人员",
            organisation=None,
            roles=list(roles),
            region_codes=list(regions),
        )

    return make


@pytest.fixture
def staff(make_staff: Callable[..., Any]) -> Staff:
    """A clerk, a reviewer and a registrar of the district, to finish a case at the counter."""
    return Staff(
        clerk=make_staff(roles=("clerk",)),
        reviewer=make_staff(roles=("reviewer",)),
        registrar=make_staff(roles=("registrar",)),
    )
