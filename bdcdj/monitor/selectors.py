"""Reads of the monitor, always scoped to the acting user's districts (tenants)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from bdcdj.accounts.selectors import AnyUser, tenant_codes
from bdcdj.core.errors import NotFound
from bdcdj.hub.models import LowerNode, ReceivedMessage
from bdcdj.monitor.models import DailyLog, DailyMetric, LogDiscrepancy, ReceivedDailyLog
from bdcdj.monitor.services.daily_log import local_day_bounds
from bdcdj.monitor.services.metrics import DIMENSIONS, dimension_scores, weighted_score

DIMENSION_LABELS = {
    "stability": "稳定性",
    "completeness": "完整性",
    "consistency": "一致性",
    "timeliness": "及时性",
    "standardisation": "规范性",
    "security": "安全性",
}


@dataclass(frozen=True, kw_only=True)
class LogFilter:
    region: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    discrepancies_only: bool = False


def received_logs(*, user: AnyUser, filters: LogFilter | None = None) -> QuerySet[ReceivedDailyLog]:
    f = filters or LogFilter()
    qs = ReceivedDailyLog.objects.filter(region_code__in=tenant_codes(user=user)).select_related("node")
    if f.region:
        qs = qs.filter(region_code=f.region)
    if f.date_from:
        qs = qs.filter(day__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(day__lte=f.date_to)
    if f.discrepancies_only:
        qs = qs.exclude(missing_count=0, unregistered_count=0)
    return qs.defer("xml").order_by("-day", "region_code")


def received_log_get(*, user: AnyUser, log_id: int) -> ReceivedDailyLog:
    log = ReceivedDailyLog.objects.select_related("node").filter(pk=log_id).first()
    if log is None or log.region_code not in tenant_codes(user=user):
        raise NotFound(code="daily_log_not_found", message="登簿日志不存在或无权查看")
    return log


def sent_logs(*, user: AnyUser) -> QuerySet[DailyLog]:
    """Logs this node built/sent for the user's districts (the county's own view)."""
    return DailyLog.objects.filter(region_code__in=tenant_codes(user=user)).defer("xml")


def resend_items(*, user: AnyUser) -> QuerySet[LogDiscrepancy]:
    """登簿未接入 items of the user's districts whose 补报 has not arrived yet."""
    return (
        LogDiscrepancy.objects.filter(
            region_code__in=tenant_codes(user=user), needs_resend=True, resolved_at__isnull=True
        )
        .select_related("log")
        .order_by("-log__day", "business_number")
    )


def metrics_for_user(
    *, user: AnyUser, date_from: dt.date, date_to: dt.date, region: str = ""
) -> QuerySet[DailyMetric]:
    qs = DailyMetric.objects.filter(
        region_code__in=tenant_codes(user=user), day__gte=date_from, day__lte=date_to
    )
    if region:
        qs = qs.filter(region_code=region)
    return qs.order_by("day", "region_code")


def node_names(*, user: AnyUser) -> dict[str, str]:
    return dict(
        LowerNode.objects.filter(region_code__in=tenant_codes(user=user)).values_list("region_code", "name")
    )


def dashboard_series(*, user: AnyUser, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Chart data: the days, and per node one series per dimension (0..100, null = no data)."""
    days = [date_from + dt.timedelta(days=i) for i in range((date_to - date_from).days + 1)]
    index = {day: i for i, day in enumerate(days)}
    names = node_names(user=user)
    nodes: dict[str, dict[str, Any]] = {}
    for metric in metrics_for_user(user=user, date_from=date_from, date_to=date_to):
        entry = nodes.setdefault(
            metric.region_code,
            {
                "region": metric.region_code,
                "name": names.get(metric.region_code, metric.region_code),
                "series": {name: [None] * len(days) for name in (*DIMENSIONS, "score")},
            },
        )
        scores = dimension_scores(metric)
        for name in DIMENSIONS:
            value = scores[name]
            entry["series"][name][index[metric.day]] = None if value is None else round(100 * value, 1)
        entry["series"]["score"][index[metric.day]] = metric.score
    return {
        "days": [day.isoformat() for day in days],
        "dimensions": [{"key": key, "label": DIMENSION_LABELS[key]} for key in DIMENSIONS],
        "nodes": sorted(nodes.values(), key=lambda n: n["region"]),
    }


@dataclass
class RankRow:
    region: str
    name: str
    days: int
    dimensions: dict[str, float | None] = field(default_factory=dict)  # 0..100
    score: float | None = None
    rank: int = 0


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def ranking_month(*, user: AnyUser, month: dt.date) -> list[RankRow]:
    """Monthly ranking: per node the mean of each dimension over the days it was measured, the
    weighted score of those means; best first, nodes without any score last."""
    first, last = month_bounds(month)
    names = node_names(user=user)
    collected: dict[str, dict[str, list[float]]] = {}
    counted: dict[str, int] = {}
    for metric in metrics_for_user(user=user, date_from=first, date_to=last):
        per = collected.setdefault(metric.region_code, {name: [] for name in DIMENSIONS})
        counted[metric.region_code] = counted.get(metric.region_code, 0) + 1
        for name, value in dimension_scores(metric).items():
            if value is not None:
                per[name].append(value)
    rows = []
    for region, per in collected.items():
        means = {name: (sum(v) / len(v) if v else None) for name, v in per.items()}
        rows.append(
            RankRow(
                region=region,
                name=names.get(region, region),
                days=counted[region],
                dimensions={k: None if v is None else round(100 * v, 1) for k, v in means.items()},
                score=weighted_score(means),
            )
        )
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.region))
    for position, row in enumerate(rows, start=1):
        row.rank = position
    return rows


def day_messages(*, user: AnyUser, region: str, day: dt.date) -> QuerySet[ReceivedMessage]:
    """Messages a node delivered that day (drill-down county → day → messages)."""
    if region not in tenant_codes(user=user):
        raise NotFound(code="node_not_found", message="节点不存在或无权查看")
    start, end = local_day_bounds(day)
    return (
        ReceivedMessage.objects.filter(node__region_code=region, received_at__gte=start, received_at__lt=end)
        .defer("xml")
        .order_by("received_at", "id")
    )
