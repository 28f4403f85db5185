"""Reads for the staff console's own pages (dashboards); unit data comes from register."""

from dataclasses import dataclass

from bdcdj.accounts.selectors import AnyUser, tenant_codes
from bdcdj.register.models import RegisterEvent, Right, RightKind, RightStatus, Unit


@dataclass(frozen=True)
class DistrictCounts:
    units: int
    current_titles: int
    mortgages: int
    seizures: int
    objections: int
    events: int


def district_counts(*, user: AnyUser) -> DistrictCounts:
    regions = tenant_codes(user=user)
    current = Right.objects.filter(region_code__in=regions, status=RightStatus.CURRENT)
    return DistrictCounts(
        units=Unit.objects.filter(region_code__in=regions).count(),
        current_titles=current.exclude(
            kind__in=[RightKind.MORTGAGE, RightKind.SEIZURE, RightKind.OBJECTION, RightKind.ADVANCE_NOTICE]
        ).count(),
        mortgages=current.filter(kind=RightKind.MORTGAGE).count(),
        seizures=current.filter(kind=RightKind.SEIZURE).count(),
        objections=current.filter(kind=RightKind.OBJECTION).count(),
        events=RegisterEvent.objects.filter(region_code__in=regions).count(),
    )


def recent_events(*, user: AnyUser, limit: int = 10) -> list[RegisterEvent]:
    return list(
        RegisterEvent.objects.filter(region_code__in=tenant_codes(user=user))
        .select_related("unit")
        .order_by("-occurred_at", "-id")[:limit]
    )
