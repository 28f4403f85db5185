"""Reads of the sharing context, tenant-scoped through the case engine's own selector: a user
who cannot see a case cannot see its checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from bdcdj.accounts.selectors import AnyUser, user_can
from bdcdj.cases.selectors import case_get
from bdcdj.core.errors import Forbidden
from bdcdj.sharing.kinds import KINDS
from bdcdj.sharing.models import CheckStatus, Interface, SharingCheck

if TYPE_CHECKING:
    from bdcdj.cases.models import Case

RUN_PAGES = ("cases.accept", "cases.review", "cases.record")
INTERFACES_PAGE = "sharing.interfaces"


def case_checks(*, user: AnyUser, case_id: int) -> tuple[Case, QuerySet[SharingCheck]]:
    case = case_get(user=user, case_id=case_id)
    return case, SharingCheck.objects.filter(case=case).select_related("interface__department")


def latest_outcomes(*, case: Case) -> dict[str, SharingCheck]:
    """The newest check of each kind (and subject) for a case: what review looks at. Identity
    checks of different parties are kept apart by their masked subject."""
    latest: dict[str, SharingCheck] = {}
    for row in SharingCheck.objects.filter(case=case).order_by("-created_at", "-id"):
        key = f"{row.kind}:{subject_of(row)}"
        latest.setdefault(key, row)
    return latest


def subject_of(row: SharingCheck) -> str:
    """Masked subject of a check for display (whose identity, which order…)."""
    request = row.request_masked or {}
    for key in (
        "name",
        "id_number",
        "credit_code",
        "licence_no",
        "order_no",
        "contract_no",
        "deed_no",
        "unit_code",
    ):
        if request.get(key):
            return str(request[key])
    return ""


@dataclass(frozen=True)
class Summary:
    total: int
    ok: int
    problems: int
    pending: int

    @property
    def label(self) -> str:
        if not self.total:
            return "尚未核验"
        if self.pending:
            return f"{self.pending} 项等待部门核验"
        if self.problems:
            return f"{self.problems} 项核验有异常"
        return "全部核验一致"


def summary(*, case: Case) -> Summary:
    rows = list(latest_outcomes(case=case).values())
    return Summary(
        total=len(rows),
        ok=sum(r.status == CheckStatus.OK for r in rows),
        problems=sum(
            r.status in {CheckStatus.MISMATCH, CheckStatus.NOT_FOUND, CheckStatus.UNAVAILABLE} for r in rows
        ),
        pending=sum(r.status == CheckStatus.PENDING for r in rows),
    )


def can_run_checks(*, user: AnyUser, case: Case) -> bool:
    return any(user_can(user=user, page=page, write=True) for page in RUN_PAGES)


@dataclass(frozen=True)
class InterfaceStats:
    interface: Interface
    calls: int
    failures: int
    pending: int
    p50_ms: int | None
    p95_ms: int | None

    @property
    def kind_label(self) -> str:
        return KINDS[self.interface.kind].label if self.interface.kind in KINDS else self.interface.kind


def _percentile(values: list[int], q: float) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def interface_stats(*, user: AnyUser, days: int) -> list[InterfaceStats]:
    """Call volume, failures and latency per interface over the last `days` days (this node's
    districts: the interfaces are shared, the calls are counted for the user's districts)."""
    if not user_can(user=user, page=INTERFACES_PAGE):
        raise Forbidden(code="page_forbidden", message="没有查看“共享接口管理”的权限")
    from bdcdj.accounts.selectors import tenant_codes

    since = timezone.now() - dt.timedelta(days=days)
    rows = SharingCheck.objects.filter(
        created_at__gte=since, region_code__in=tenant_codes(user=user)
    ).values_list("interface_id", "status", "latency_ms")
    per: dict[int, list[tuple[str, int | None]]] = {}
    for interface_id, status, latency in rows:
        if interface_id is not None:
            per.setdefault(interface_id, []).append((status, latency))
    result = []
    for interface in Interface.objects.select_related("department").order_by("department__code", "kind"):
        calls = per.get(interface.pk, [])
        latencies = [latency for _, latency in calls if latency is not None]
        result.append(
            InterfaceStats(
                interface=interface,
                calls=len(calls),
                failures=sum(status == CheckStatus.UNAVAILABLE for status, _ in calls),
                pending=sum(status == CheckStatus.PENDING for status, _ in calls),
                p50_ms=_percentile(latencies, 0.5),
                p95_ms=_percentile(latencies, 0.95),
            )
        )
    return result
