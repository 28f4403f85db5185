"""Aggregates of the statistics pages on a small hand-made dataset of two districts."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from bdcdj.accounts.services import audit_record
from bdcdj.cases.models import Case, CaseCertificate, CaseStatus
from bdcdj.core.errors import Forbidden, InvalidInput
from bdcdj.payments.models import OrderStatus, PaymentOrder
from bdcdj.portal.models import Application, Citizen, Rating
from bdcdj.sharing.models import SharingCheck
from bdcdj.stats import selectors as s
from bdcdj.stats.reports import REPORTS, report_rows
from bdcdj.supervision.tests.factories import OTHER, REGION, at, fee

pytestmark = pytest.mark.django_db
NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
_n = itertools.count(1)


def _created(case: Case, moment: dt.datetime) -> Case:
    Case.objects.filter(pk=case.pk).update(created_at=moment)
    return case


def _citizen() -> Citizen:
    n = next(_n)
    return Citizen.objects.create(phone_enc="x", phone_index=f"idx{n}", phone_masked="138****0000")


@pytest.fixture
def dataset(make_case, clerk):
    """340121: 3 cases received in November (one more in October), 340122: one."""
    done = dict(status=CaseStatus.DONE, stage="archived", step_code="archive")
    _created(make_case(), at(2026, 10, 15))
    on_time = _created(
        make_case(
            accepted_at=at(2026, 11, 3), deadline=dt.date(2026, 11, 10), completed_at=at(2026, 11, 9), **done
        ),
        at(2026, 11, 3),
    )
    late = _created(
        make_case(
            business_type="mortgage_cancel",
            accepted_at=at(2026, 11, 5),
            deadline=dt.date(2026, 11, 6),
            completed_at=at(2026, 11, 9),
            **done,
        ),
        at(2026, 11, 5),
    )
    running = _created(make_case(), at(2026, 11, 20))
    _created(make_case(region=OTHER), at(2026, 11, 10))
    fee(on_time, "80.00", waived=False)
    fee(late, "550.00", waived=True, by=clerk)
    for case, kind in ((on_time, "certificate"), (late, "proof")):
        CaseCertificate.objects.create(
            case=case, region_code=REGION, kind=kind, number=f"N{case.pk}", issued_at=at(2026, 11, 9, 16)
        )
    for case, score in ((on_time, 5), (late, 2)):
        Rating.objects.create(
            case=case,
            citizen=_citizen(),
            region_code=REGION,
            business_type=case.business_type,
            score=score,
            created_at=at(2026, 11, 10),
        )
    application = Application.objects.create(
        case=running,
        citizen=_citizen(),
        region_code=REGION,
        business_type=running.business_type,
        pdf_sm3="0" * 64,
        signature="s",
        public_key="k",
    )
    Application.objects.filter(pk=application.pk).update(submitted_at=at(2026, 11, 20))
    PaymentOrder.objects.create(
        number="P1",
        case=on_time,
        region_code=REGION,
        amount=Decimal("80.00"),
        status=OrderStatus.PAID,
        provider="sim",
        paid_at=at(2026, 11, 9),
    )
    for status, latency in (("ok", 100), ("ok", 300), ("unavailable", None)):
        check = SharingCheck.objects.create(
            region_code=REGION,
            kind="identity.id_card",
            status=status,
            operator="clerk1",
            latency_ms=latency,
            attempts=1,
        )
        SharingCheck.objects.filter(pk=check.pk).update(created_at=at(2026, 11, 9))
    return {"on_time": on_time, "late": late, "running": running}


@pytest.fixture
def leader(make_user):
    return make_user("leader1", "leader")


def _scope(user, region=""):
    return s.scope_for(user=user, start=NOV[0], end=NOV[1], region=region)


def test_cases_are_counted_by_business_type_status_and_month(dataset, leader):
    scope = _scope(leader)
    by_type = {r["business_type"]: r for r in s.cases_by_business_type(scope)}
    assert by_type["house_transfer_sale"]["total"] == 2 and by_type["house_transfer_sale"]["s1"] == 1
    assert by_type["mortgage_cancel"]["s2"] == 1 and by_type["mortgage_cancel"]["name"] == "抵押权注销登记"
    assert {r["status"]: r["total"] for r in s.cases_by_status(scope)} == {"1": 1, "2": 2}
    assert [(r["month"], r["total"], r["accepted"]) for r in s.cases_by_month(scope)] == [("2026-11", 3, 2)]
    assert [(r["office"], r["total"]) for r in s.cases_by_office(scope)] == [("（未设机构）", 3)]


def test_completion_is_measured_against_each_legal_limit(dataset, leader):
    rows = {r["time_limit_workdays"]: r for r in s.completion_vs_limit(_scope(leader))}
    assert (rows[5]["completed"], rows[5]["on_time"], rows[5]["rate"]) == (1, 1, Decimal("100.0"))
    assert (rows[1]["completed"], rows[1]["late"], rows[1]["rate"]) == (1, 1, Decimal("0.0"))


def test_fees_certificates_portal_ratings_and_sharing(dataset, leader):
    scope = _scope(leader)
    fees = {r["business_type"]: r for r in s.fees_by_business_type(scope)}
    assert fees["house_transfer_sale"]["charged"] == Decimal("80.00")
    assert (fees["mortgage_cancel"]["waived"], fees["mortgage_cancel"]["waived_items"]) == (
        Decimal("550.00"),
        1,
    )
    assert s.payments_by_month(scope) == [{"month": "2026-11", "orders": 1, "amount": Decimal("80.00")}]
    assert s.certificates_by_month(scope) == [
        {"month": "2026-11", "certificates": 1, "proofs": 1, "voided": 0}
    ]
    [portal] = s.portal_by_month(scope)
    assert portal["applications"] == 1 and portal["logins"] == 0
    ratings = {r["business_type"]: r for r in s.ratings_by_business_type(scope)}
    assert (ratings["mortgage_cancel"]["bad"], ratings["house_transfer_sale"]["good_rate"]) == (
        1,
        Decimal("100.0"),
    )
    [sharing] = s.sharing_by_kind(scope)
    assert (sharing["name"], sharing["total"], sharing["ok"], sharing["unavailable"], sharing["latency"]) == (
        "身份证核验",
        3,
        2,
        1,
        200,
    )


def test_summary_tiles(dataset, leader):
    summary = s.summary(_scope(leader))
    assert (summary.received, summary.completed, summary.on_time_rate) == (3, 2, Decimal("50.0"))
    assert (summary.fees_charged, summary.fees_waived) == (Decimal("80.00"), Decimal("550.00"))
    assert (summary.certificates, summary.applications, summary.ratings) == (2, 1, 2)
    assert (summary.rating_average, summary.sharing_calls) == (Decimal("3.50"), 3)


def test_portal_logins_of_the_district_are_counted(dataset, leader, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: at(2026, 11, 12))
    audit_record(actor=None, actor_name="portal:138****0000", action="portal.login", region_code=REGION)
    audit_record(actor=None, actor_name="portal:139****0000", action="portal.login", region_code=OTHER)
    monkeypatch.undo()
    assert s.portal_by_month(_scope(leader))[0]["logins"] == 1


def test_a_user_sees_only_their_districts(dataset, other_supervisor, leader):
    assert s.summary(_scope(other_supervisor)).received == 1
    with pytest.raises(InvalidInput):
        _scope(leader, region=OTHER)


def test_range_is_validated_and_the_page_is_required(leader, clerk, districts):
    with pytest.raises(InvalidInput):
        s.scope_for(user=leader, start=dt.date(2026, 12, 1), end=dt.date(2026, 11, 1))
    with pytest.raises(InvalidInput):
        s.scope_for(user=leader, start=dt.date(2020, 1, 1), end=dt.date(2026, 11, 1))
    with pytest.raises(Forbidden):
        s.scope_for(user=clerk, start=None, end=None)


def test_report_rows_sort_by_any_column_with_empty_values_last(dataset, leader):
    rows, order = report_rows(report=REPORTS["completion"], scope=_scope(leader), user=leader, sort="-rate")
    assert order == "-rate" and [r["rate"] for r in rows] == [Decimal("100.0"), Decimal("0.0")]
    rows, order = report_rows(report=REPORTS["completion"], scope=_scope(leader), user=leader, sort="bogus")
    assert order == "rate" and rows[0]["rate"] == Decimal("0.0")
