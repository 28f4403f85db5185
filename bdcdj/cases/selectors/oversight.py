"""Reads of the case engine for integrity supervision (廉政风险防控) and statistics.

These run as the supervision job, not as a signed-in person: they take one district and a
time window and return small value rows (no parties, no personal data).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q

from bdcdj.cases.models import Case, CaseEvent, CaseStatus, EventKind, Fee, Opinion, OpinionResult

# Accounts without a usable password (the district's system user of automatic review) are
# machines; their acceptance and approval of the same case is the configured automation.
_MACHINE = Q(by__password__startswith="!")


def cases_overdue_in(*, region_code: str, today: date) -> list[Mapping[str, Any]]:
    """Running, accepted cases of the district whose deadline is before `today`."""
    return list(
        Case.objects.filter(
            region_code=region_code,
            status=CaseStatus.RUNNING,
            accepted_at__isnull=False,
            completed_at__isnull=True,
            deadline__lt=today,
        )
        .order_by("deadline", "id")
        .values("id", "number", "business_type", "deadline", "time_limit_workdays", "step_code")
    )


def registrations_in(
    *, region_code: str, start: datetime, end: datetime, case_id: int | None = None
) -> list[Mapping[str, Any]]:
    """登簿 events of the district in [start, end): case, moment and the registrar."""
    qs = CaseEvent.objects.filter(
        region_code=region_code, kind=EventKind.REGISTERED, at__gte=start, at__lt=end
    )
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    return list(qs.order_by("at", "id").values("id", "case_id", "case__number", "at", "by_id", "by_name"))


def self_approvals_in(
    *, region_code: str, start: datetime, end: datetime, case_id: int | None = None
) -> list[Mapping[str, Any]]:
    """审核 approvals (同意) in [start, end) given by the person who accepted (受理) the case."""
    accepted_by_same = CaseEvent.objects.filter(
        case=OuterRef("case"), kind=EventKind.ACCEPTED, by=OuterRef("by")
    )
    qs = (
        Opinion.objects.filter(
            case__region_code=region_code, result=OpinionResult.APPROVE, at__gte=start, at__lt=end
        )
        .exclude(_MACHINE)
        .filter(Exists(accepted_by_same))
    )
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    return list(
        qs.order_by("at", "id").values("id", "case_id", "case__number", "step_name", "at", "by_id", "by_name")
    )


def fee_waivers_in(
    *, region_code: str, start: datetime, end: datetime, min_amount: Decimal
) -> list[Mapping[str, Any]]:
    """Waived fee items of at least `min_amount` on cases accepted in [start, end)."""
    return list(
        Fee.objects.filter(
            case__region_code=region_code,
            case__accepted_at__gte=start,
            case__accepted_at__lt=end,
            waived=True,
            amount__gte=min_amount,
        )
        .order_by("case_id", "id")
        .values(
            "id",
            "case_id",
            "case__number",
            "case__accepted_at",
            "name",
            "amount",
            "waiver_reason",
            "approved_by_id",
            "approved_by__username",
        )
    )
