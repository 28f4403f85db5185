"""Concurrent 登簿 on one unit from separate connections (PostgreSQL row locks).

Each registration holds its unit lock a moment longer than usual, so the second one really
waits on SELECT … FOR UPDATE and then sees the first one's result.
"""

from dataclasses import replace

import pytest

from bdcdj.register.models import Right, RightKind, RightStatus
from bdcdj.register.services import chain_verify, record
from bdcdj.register.tests import factories as f
from bdcdj.register.tests.racing import race, slow_lock  # noqa: F401  (fixture)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("slow_lock"),
]


def test_two_concurrent_transfers_of_one_right_let_exactly_one_win():
    registrar = f.make_user("racer")
    unit, title = f.registered_house(registrar)
    buyer_a = replace(f.BUYER, name="周甲", id_number="340121199101011111")
    buyer_b = replace(f.BUYER, name="吴乙", id_number="340121199202022222")

    outcomes = race(
        lambda: record(item=f.transfer(unit, target=title, buyers=(buyer_a,)), by=registrar),
        lambda: record(item=f.transfer(unit, target=title, buyers=(buyer_b,)), by=registrar),
    )

    assert sorted(outcomes) == ["ok", "right_not_current"]
    current = Right.objects.filter(unit=unit, status=RightStatus.CURRENT, kind=RightKind.HOUSE_OWNERSHIP)
    assert current.count() == 1 and current.get().predecessor_id == title.pk
    assert Right.objects.filter(predecessor=title).count() == 1
    report = chain_verify(region_code=f.REGION)
    assert report.ok and report.checked == 2


def test_concurrent_transfer_and_seizure_never_both_bypass_the_rule():
    registrar = f.make_user("racer2")
    unit, title = f.registered_house(registrar)

    outcomes = race(
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
