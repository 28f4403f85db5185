"""Concurrent 登簿 on one unit from separate connections (PostgreSQL row locks).

Each registration holds its unit lock a moment longer than usual, so the second one really
waits on SELECT … FOR UPDATE and then sees the first one's result.
"""

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import pytest
from django.db import connections

from bdcdj.core.errors import Conflict
from bdcdj.register.models import Right, RightKind, RightStatus
from bdcdj.register.services import chain_verify, record
from bdcdj.register.tests import factories as f

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def slow_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    import bdcdj.register.services.registration as impl

    original = impl.units_lock

    def held_longer(**kwargs: Any) -> Any:
        units = original(**kwargs)
        time.sleep(0.3)
        return units

    monkeypatch.setattr(impl, "units_lock", held_longer)


def _race(*jobs: Callable[[], object]) -> list[str]:
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[], object]) -> str:
        try:
            barrier.wait(timeout=10)
            job()
            return "ok"
        except Conflict as exc:
            return exc.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def test_two_concurrent_transfers_of_one_right_let_exactly_one_win(slow_lock):
    registrar = f.make_user("racer")
    unit, title = f.registered_house(registrar)
    buyer_a = replace(f.BUYER, name="周甲", id_number="340121199101011111")
    buyer_b = replace(f.BUYER, name="吴乙", id_number="340121199202022222")

    outcomes = _race(
        lambda: record(item=f.transfer(unit, target=title, buyers=(buyer_a,)), by=registrar),
        lambda: record(item=f.transfer(unit, target=title, buyers=(buyer_b,)), by=registrar),
    )

    assert sorted(outcomes) == ["ok", "right_not_current"]
    current = Right.objects.filter(unit=unit, status=RightStatus.CURRENT, kind=RightKind.HOUSE_OWNERSHIP)
    assert current.count() == 1 and current.get().predecessor_id == title.pk
    assert Right.objects.filter(predecessor=title).count() == 1
    report = chain_verify(region_code=f.REGION)
    assert report.ok and report.checked == 2


def test_concurrent_transfer_and_seizure_never_both_bypass_the_rule(slow_lock):
    registrar = f.make_user("racer2")
    unit, title = f.registered_house(registrar)

    outcomes = _race(
        lambda: record(item=f.transfer(unit, target=title), by=registrar),
        lambda: record(item=f.seizure(unit), by=registrar),
    )

    transfer_outcome, seizure_outcome = outcomes
    assert seizure_outcome == "ok"
    assert transfer_outcome in {"ok", "unit_seized"}
    title.refresh_from_db()
    if transfer_outcome == "ok":
        assert title.status == RightStatus.HISTORIC
        # the seizure came second: it was recorded after the transfer, on the new title's unit
        seizure = Right.objects.get(kind=RightKind.SEIZURE)
        new = Right.objects.get(predecessor=title)
        assert seizure.registered_at >= new.registered_at
    else:
        assert title.status == RightStatus.CURRENT
    assert chain_verify(region_code=f.REGION).ok
