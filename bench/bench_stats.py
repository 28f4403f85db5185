"""Statistics aggregates and the integrity rules over a district with many cases, PostgreSQL.

Seeds one bench district (349901, its own tenant) with `100,000 × scale` cases spread over a
year (bulk inserts: cases with fees, 受理/登簿 events and 同意 opinions for the finished ones,
a few self-approvals, night registrations and waived fees), reused when a previous run left the
same number. Then measures, as a user of that district, the statistics dashboard's summary,
every drill-down table over a one-year range, and `rules_run` of the whole catalogue for the
district twice (first run creates the alerts, the second only finds them again). Run with its own database:
`BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bdcdj_bench_stats python -m bench.run stats`.
Figures are measured, never asserted.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

REGION = "349901"
CHINA = ZoneInfo("Asia/Shanghai")
BATCH = 5000


def _user(username: str = "bench_stats") -> Any:
    from bdcdj.accounts.models import PagePermission, Role, User
    from bdcdj.accounts.pages import apply_default_roles
    from bdcdj.accounts.services import tenant_ensure, user_create
    from bdcdj.cases.services import workflow_ensure_defaults

    apply_default_roles(Role, PagePermission)
    tenant_ensure(region_code=REGION, name="统计基准县", province_abbr="皖", parent_code="340100")
    workflow_ensure_defaults(region_code=REGION)
    user = User.objects.filter(username=username).first()
    return user or user_create(
        username=username,
        password="Qz7#wertyMnb2026",
        display_name="统计基准",
        organisation=None,
        roles=["leader", "clerk", "reviewer"],
        region_codes=[REGION],
    )


def _seed(n: int, user: Any, reviewer: Any) -> float:
    from django.db import transaction
    from django.db.models import F

    from bdcdj.cases.models import Case, CaseEvent, Fee, Opinion, WorkflowDefinition

    if Case.objects.filter(region_code=REGION).count() == n:
        return 0.0
    Case.objects.filter(region_code=REGION).delete()
    workflows = list(WorkflowDefinition.objects.filter(region_code=REGION, is_active=True))
    rng = random.Random(7)
    start = dt.datetime(2026, 1, 1, 9, tzinfo=CHINA)
    began = time.perf_counter()
    for offset in range(0, n, BATCH):
        cases = []
        for i in range(offset, min(n, offset + BATCH)):
            wf = workflows[i % len(workflows)]
            created = start + dt.timedelta(minutes=(i * 525_600) // n)
            done = i < n * 0.97 or rng.random() < 0.5  # open cases only at the end of the year
            accepted = created + dt.timedelta(hours=1)
            cases.append(
                Case(
                    region_code=REGION,
                    number=f"{REGION}-B-{i:08d}",
                    business_type=wf.business_type,
                    workflow=wf,
                    status="2" if done else "1",
                    stage="archived" if done else "review",
                    step_code="archive" if done else "review",
                    time_limit_workdays=wf.time_limit_workdays,
                    accepted_at=accepted,
                    deadline=(accepted + dt.timedelta(days=7)).date(),
                    completed_at=accepted + dt.timedelta(days=rng.choice([1, 3, 6, 9])) if done else None,
                    created_by=user,
                )
            )
        with transaction.atomic():
            made = Case.objects.bulk_create(cases)
            # Ids come back on PostgreSQL; created_at is auto_now_add, set it to the spread moment.
            Case.objects.filter(pk__in=[c.pk for c in made]).update(
                created_at=F("accepted_at") - dt.timedelta(hours=1)
            )
            fees, events, opinions = [], [], []
            for c in made:
                waived = rng.random() < 0.01
                fees.append(
                    Fee(
                        case=c,
                        code="registration",
                        name="不动产登记费",
                        mode="1",
                        unit_price=Decimal("550.00") if waived else Decimal("80.00"),
                        quantity=Decimal("1"),
                        basis="按件",
                        amount=Decimal("550.00") if waived else Decimal("80.00"),
                        waived=waived,
                        waiver_reason="减免" if waived else "",
                        approved_by=user if waived else None,
                    )
                )
                assert c.accepted_at is not None
                events.append(
                    CaseEvent(
                        case=c, region_code=REGION, kind="accepted", by=user, at=c.accepted_at, message="受理"
                    )
                )
                if c.completed_at is not None:
                    night = rng.random() < 0.005
                    moment = c.completed_at.replace(hour=22) if night else c.completed_at
                    events.append(
                        CaseEvent(
                            case=c, region_code=REGION, kind="registered", by=user, at=moment, message="登簿"
                        )
                    )
                    by = user if rng.random() < 0.005 else reviewer  # a few self-approvals
                    opinions.append(
                        Opinion(
                            case=c,
                            step_code="review",
                            step_name="审核",
                            result="1",
                            text="同意",
                            by=by,
                            by_name=str(by),
                            at=c.accepted_at + dt.timedelta(hours=2),
                        )
                    )
            Fee.objects.bulk_create(fees)
            CaseEvent.objects.bulk_create(events)
            Opinion.objects.bulk_create(opinions)
    return time.perf_counter() - began


def _timed(fn: Any, repeat: int = 3) -> float:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(samples), 1)


def run(*, scale: float) -> dict[str, object]:
    from django.db import connection

    from bdcdj.stats import selectors as s
    from bdcdj.stats.reports import REPORTS, report_rows
    from bdcdj.supervision.models import Alert
    from bdcdj.supervision.services import rules_run

    n = max(1000, int(100_000 * scale))
    user, reviewer = _user(), _user("bench_stats_r")
    seeded = _seed(n, user, reviewer)
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE cases_case; ANALYZE cases_fee; ANALYZE cases_caseevent; ANALYZE cases_opinion"
        )
    month = s.scope_for(user=user, start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 30))
    year = s.scope_for(user=user, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    figures: dict[str, object] = {
        "cases": n,
        "seed_seconds": round(seeded, 1) if seeded else "reused",
        "summary_ms_30_days": _timed(lambda: s.summary(month)),
        "summary_ms_1_year": _timed(lambda: s.summary(year)),
    }
    per_report = {}
    for code, report in REPORTS.items():
        per_report[code] = _timed(lambda r=report: report_rows(report=r, scope=year, user=user))
    figures["report_ms_1_year"] = per_report
    Alert.objects.filter(region_code=REGION).delete()
    now = dt.datetime(2026, 12, 31, 12, tzinfo=CHINA)
    for label in ("first", "again"):  # first run creates the alerts, the second only refreshes them
        began = time.perf_counter()
        result = rules_run(region_codes=[REGION], now=now)
        figures[f"rules_run_{label}_seconds"] = round(time.perf_counter() - began, 2)
        figures[f"rules_run_{label}_created"] = result.created
    figures["rules_run_hits"] = result.hits
    return figures
