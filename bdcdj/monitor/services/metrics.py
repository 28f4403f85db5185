"""Monitoring dimensions per lower node and day (ARCHITECTURE §4 Monitoring), computed from
stored data and cached in `DailyMetric`; and the weighted score used by the monthly ranking.

* stability — 1 − refused deliveries ÷ all deliveries (received messages + `DeliveryFailure`);
* completeness — registered items of the day's 登簿日志 that have an accepted message ÷ all;
* consistency — the consistency of the node's last reconciliation run of the day (records of
  either side that agree ÷ records compared, `reconcile.services`); None without a run;
* timeliness — 登簿时间 (head CreateDate) → received_at: median, share within 1 hour and within
  1 working day (`core.workdays`);
* standardisation — quality findings per message, share of messages rejected (XSD/quality);
* security — authentication and signature failures.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone

from bdcdj.core.workdays import add_workdays
from bdcdj.hub.models import DeliveryFailure, FailureKind, LowerNode, MessageStatus, ReceivedMessage
from bdcdj.monitor.models import DailyMetric, ReceivedDailyLog
from bdcdj.monitor.services.daily_log import local_day_bounds
from bdcdj.quality.models import QualityFinding
from bdcdj.reconcile.selectors import latest_run

# Weights of the score (sum 100). Dimensions without data that day/month are left out and the
# remaining weights are scaled up, so a node is never punished for a dimension not measured.
WEIGHTS: Mapping[str, float] = {
    "stability": 20,
    "completeness": 25,
    "consistency": 10,
    "timeliness": 20,
    "standardisation": 15,
    "security": 10,
}
DIMENSIONS = tuple(WEIGHTS)
SECURITY_PENALTY = 0.1  # each auth/signature failure costs 10 % of the security dimension
_SECURITY_KINDS = (FailureKind.AUTH, FailureKind.SIGNATURE)


def _created(value: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _within_workday(created: dt.datetime, received: dt.datetime) -> bool:
    local = timezone.localtime(created)
    deadline = timezone.make_aware(dt.datetime.combine(add_workdays(local.date(), 1), local.time()))
    return received <= deadline


def dimension_scores(metric: DailyMetric) -> dict[str, float | None]:
    """0..1 per dimension (None = not measured)."""
    return {
        "stability": metric.stability,
        "completeness": metric.completeness,
        "consistency": metric.consistency,
        "timeliness": metric.within_workday,
        "standardisation": None if metric.rejected_share is None else 1 - metric.rejected_share,
        "security": (
            None
            if metric.deliveries == 0 and metric.security_failures == 0
            else max(0.0, 1 - SECURITY_PENALTY * metric.security_failures)
        ),
    }


def weighted_score(scores: Mapping[str, float | None]) -> float | None:
    """0..100, the measured dimensions weighted by WEIGHTS; None if nothing was measured."""
    measured = {name: value for name, value in scores.items() if value is not None and name in WEIGHTS}
    total = sum(WEIGHTS[name] for name in measured)
    if not total:
        return None
    return round(100 * sum(WEIGHTS[name] * value for name, value in measured.items()) / total, 2)


@transaction.atomic
def metrics_compute(*, node: LowerNode, day: dt.date) -> DailyMetric:
    """(Re)compute and store the metrics of one node and day."""
    start, end = local_day_bounds(day)
    messages = list(
        ReceivedMessage.objects.filter(node=node, received_at__gte=start, received_at__lt=end).only(
            "biz_msg_id", "status", "create_date", "received_at"
        )
    )
    failures = DeliveryFailure.objects.filter(node=node, at__gte=start, at__lt=end)
    refused = failures.count()
    deliveries = len(messages) + refused
    metric = DailyMetric.objects.select_for_update().filter(region_code=node.region_code, day=day).first()
    metric = metric or DailyMetric(region_code=node.region_code, day=day)
    metric.deliveries = deliveries
    metric.delivery_failures = refused
    metric.stability = None if not deliveries else round(1 - refused / deliveries, 4)
    log = ReceivedDailyLog.objects.filter(node=node, day=day).first()
    metric.registered = log.register_total if log else None
    metric.received = log.matched if log else None
    metric.completeness = (
        None
        if log is None
        else (1.0 if not log.register_total else round(log.matched / log.register_total, 4))
    )
    run = latest_run(node_id=node.pk, day=day)
    metric.consistency = None if run is None else round(run.consistency, 6)
    metric.messages = len(messages)
    delays = []
    within_hour = within_workday = 0
    for message in messages:
        created = _created(message.create_date)
        if created is None:
            continue
        seconds = max(0.0, (message.received_at - created).total_seconds())
        delays.append(seconds)
        within_hour += seconds <= 3600
        within_workday += _within_workday(created, message.received_at)
    metric.delay_median_seconds = statistics.median(delays) if delays else None
    metric.within_hour = round(within_hour / len(delays), 4) if delays else None
    metric.within_workday = round(within_workday / len(delays), 4) if delays else None
    ids = [m.biz_msg_id for m in messages]
    metric.findings = sum(
        QualityFinding.objects.filter(subject_type="message", subject_ref__in=chunk).count()
        for chunk in _chunks(ids, 400)
    )
    metric.findings_per_message = round(metric.findings / len(messages), 4) if messages else None
    rejected = sum(1 for m in messages if m.status == MessageStatus.REJECTED)
    metric.rejected_share = round(rejected / len(messages), 4) if messages else None
    metric.security_failures = failures.filter(kind__in=_SECURITY_KINDS).count()
    metric.score = weighted_score(dimension_scores(metric))
    metric.computed_at = timezone.now()
    metric.full_clean(validate_unique=False)
    metric.save()
    return metric


def metrics_compute_range(
    *, day_from: dt.date, day_to: dt.date, region_codes: Iterable[str] | None = None
) -> int:
    """Recompute every node (optionally only some regions) for each day of the range."""
    nodes = LowerNode.objects.all()
    if region_codes is not None:
        nodes = nodes.filter(region_code__in=list(region_codes))
    count = 0
    day = day_from
    while day <= day_to:
        for node in nodes:
            metrics_compute(node=node, day=day)
            count += 1
        day += dt.timedelta(days=1)
    return count


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]
