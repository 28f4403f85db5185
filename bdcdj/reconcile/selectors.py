"""Reads of recorded reconciliation runs, scoped to the acting user's districts."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from bdcdj.accounts.selectors import AnyUser, tenant_codes
from bdcdj.core.errors import NotFound
from bdcdj.reconcile.models import ReconcileDifference, ReconcileRun


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def runs_of_day(*, user: AnyUser, region: str, day: dt.date) -> QuerySet[ReconcileRun]:
    """The runs a node reported that day, latest first."""
    if region not in tenant_codes(user=user):
        raise NotFound(code="node_not_found", message="节点不存在或无权查看")
    start, end = _day_bounds(day)
    return ReconcileRun.objects.filter(region_code=region, recorded_at__gte=start, recorded_at__lt=end)


def run_get(*, user: AnyUser, run_id: int) -> ReconcileRun:
    run = ReconcileRun.objects.select_related("node").filter(pk=run_id).first()
    if run is None or run.region_code not in tenant_codes(user=user):
        raise NotFound(code="reconcile_run_not_found", message="核对记录不存在或无权查看")
    return run


def run_differences(*, user: AnyUser, run: ReconcileRun) -> QuerySet[ReconcileDifference]:
    run_get(user=user, run_id=run.pk)
    return run.difference_rows.select_related("mirror_record").order_by("kind", "record_key")


def latest_run(*, node_id: int, day: dt.date) -> ReconcileRun | None:
    """The node's last run of the day (the day's consistency), unscoped: for metric computation."""
    start, end = _day_bounds(day)
    return (
        ReconcileRun.objects.filter(node_id=node_id, recorded_at__gte=start, recorded_at__lt=end)
        .order_by("-recorded_at", "-id")
        .first()
    )
