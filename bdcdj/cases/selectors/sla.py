"""Working-day clock of the cases (SLA): per case, near-deadline and overdue lists, dashboard."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import QuerySet
from django.utils import timezone

from bdcdj.accounts.selectors import AnyUser
from bdcdj.cases import clock
from bdcdj.cases.models import OPEN_STAGES, Case, CaseStatus
from bdcdj.cases.selectors.queues import district_cases
from bdcdj.core.workdays import add_workdays, workdays_between


class Sla(NamedTuple):
    """Working days used and remaining of the time limit; remaining < 0 means overdue."""

    used: int
    remaining: int
    limit: int


@dataclass(frozen=True)
class SlaSummary:
    running: int
    suspended: int
    near_deadline: int
    overdue: int
    completed: int
    completed_on_time: int
    by_stage: dict[str, int]
    by_business_type: dict[str, int]


def case_sla(case: Case) -> Sla:
    """Working days used since 受理 (受理日 not counted), without suspended ones."""
    limit = case.time_limit_workdays
    if case.accepted_at is None:
        return Sla(0, limit, limit)
    start = timezone.localdate(case.accepted_at)
    moment = case.completed_at or case.closed_at or case.suspended_since
    end = timezone.localdate(moment) if moment is not None else clock.today()
    used = max(workdays_between(start, end) - case.suspended_workdays, 0)
    return Sla(used, limit - used, limit)


def _clock_running(user: AnyUser) -> QuerySet[Case]:
    return district_cases(user).filter(
        status=CaseStatus.RUNNING,
        accepted_at__isnull=False,
        completed_at__isnull=True,
        deadline__isnull=False,
    )


def cases_near_deadline(*, user: AnyUser, within_workdays: int = 1) -> list[Case]:
    """Running cases due today or within the next `within_workdays` working days."""
    today = clock.today()
    horizon = add_workdays(today, max(0, int(within_workdays)))
    return list(
        _clock_running(user).filter(deadline__gte=today, deadline__lte=horizon).order_by("deadline", "id")
    )


def cases_overdue(*, user: AnyUser) -> list[Case]:
    """Running cases past their deadline (suspended cases wait for the applicant)."""
    return list(_clock_running(user).filter(deadline__lt=clock.today()).order_by("deadline", "id"))


def sla_summary(*, user: AnyUser) -> SlaSummary:
    """Counts for the SLA dashboard of the user's districts."""
    qs = district_cases(user)
    today = clock.today()
    open_cases = qs.filter(stage__in=OPEN_STAGES)
    completed = [
        (timezone.localdate(done), due)
        for done, due in qs.filter(completed_at__isnull=False, deadline__isnull=False).values_list(
            "completed_at", "deadline"
        )
        if done is not None and due is not None
    ]
    return SlaSummary(
        running=open_cases.filter(status=CaseStatus.RUNNING).count(),
        suspended=open_cases.filter(status=CaseStatus.SUSPENDED).count(),
        near_deadline=len(cases_near_deadline(user=user)),
        overdue=_clock_running(user).filter(deadline__lt=today).count(),
        completed=len(completed),
        completed_on_time=sum(1 for done, due in completed if done <= due),
        by_stage=dict(Counter(open_cases.values_list("stage", flat=True))),
        by_business_type=dict(Counter(open_cases.values_list("business_type", flat=True))),
    )
