"""Fixtures of the ledger tests: a registrar and a quick way to write real register events
(through the chain's own `event_append`, as `register.services.record` does)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import transaction
from django.utils import timezone

from bdcdj.register.models import RegisterEvent
from bdcdj.register.services.chain import event_append
from bdcdj.register.tests.factories import REGION, make_user

EventMaker = Callable[..., list[RegisterEvent]]


@pytest.fixture
def registrar(db):
    return make_user("ledger_registrar")


@pytest.fixture
def make_events(registrar) -> EventMaker:
    def make(count: int, *, region_code: str = REGION) -> list[RegisterEvent]:
        made = []
        for n in range(count):
            with transaction.atomic():
                made.append(
                    event_append(
                        region_code=region_code,
                        kind="create",
                        actor=registrar,
                        occurred_at=timezone.now(),
                        business_number=f"LEDGER-{region_code}-{n}",
                        registration_type="100",
                        unit=None,
                        right=None,
                        payload={"n": n, "note": "测试事件"},
                    )
                )
        return made

    return make
