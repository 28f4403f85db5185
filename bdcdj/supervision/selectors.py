"""Reads of integrity supervision: the alert queue of the user's districts, one alert with its
handling record, and the rule catalogue with the settings in force."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When

from bdcdj.accounts.selectors import AnyUser, require_page, tenant_codes
from bdcdj.core.errors import NotFound
from bdcdj.supervision.models import Alert, AlertNote, AlertStatus, Severity
from bdcdj.supervision.services import Effective, rules_effective

ORDERS = {
    "first_seen": "first_seen_at",
    "-first_seen": "-first_seen_at",
    "occurred": "occurred_at",
    "-occurred": "-occurred_at",
    "severity": "severity_rank",
    "-severity": "-severity_rank",
    "rule": "rule_code",
    "-rule": "-rule_code",
}


@dataclass(frozen=True)
class AlertFilter:
    status: str = ""
    rule_code: str = ""
    severity: str = ""
    region_code: str = ""
    text: str = ""
    order: str = "-first_seen"


def alerts_list(*, user: AnyUser, filters: AlertFilter | None = None) -> QuerySet[Alert]:
    require_page(user=user, page="supervision.alerts")
    f = filters or AlertFilter()
    qs = Alert.objects.filter(region_code__in=tenant_codes(user=user))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.rule_code:
        qs = qs.filter(rule_code=f.rule_code)
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.region_code:
        qs = qs.filter(region_code=f.region_code)
    if f.text:
        qs = qs.filter(subject_label__icontains=f.text)
    rank = Case(
        When(severity=Severity.HIGH, then=Value(0)),
        When(severity=Severity.MEDIUM, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.annotate(severity_rank=rank).order_by(ORDERS.get(f.order, "-first_seen_at"), "-id")


def alert_counts(*, user: AnyUser) -> dict[str, int]:
    """Alerts per status in the user's districts (one GROUP BY)."""
    require_page(user=user, page="supervision.alerts")
    rows = (
        Alert.objects.filter(region_code__in=tenant_codes(user=user))
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = dict.fromkeys(AlertStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def alert_get(*, user: AnyUser, alert_id: int) -> tuple[Alert, list[AlertNote]]:
    """One alert with its handling record; another district's alert is NotFound."""
    require_page(user=user, page="supervision.alerts")
    alert = (
        Alert.objects.filter(pk=alert_id, region_code__in=tenant_codes(user=user))
        .select_related("handled_by")
        .first()
    )
    if alert is None:
        raise NotFound(code="alert_not_found", message="没有该预警")
    return alert, list(alert.notes.select_related("by").order_by("at", "id"))


def rules_list(*, user: AnyUser) -> list[Effective]:
    require_page(user=user, page="supervision.rules")
    return rules_effective()
