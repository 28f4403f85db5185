"""Prometheus metrics. HTTP counters and the latency histogram live in each process (under
gunicorn in the PROMETHEUS_MULTIPROC_DIR files, merged at scrape time); the queue and log
figures are read from the database when `/metrics` is scraped, so they cost nothing per request.

Labels never carry personal data: the route is the URL pattern (`api/cases/v1/cases/<int:case_id>`),
never the concrete path.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from django.db import connection
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

HTTP_REQUESTS = Counter(
    "bdcdj_http_requests",
    "HTTP requests answered, by route pattern, method and status",
    ["route", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "bdcdj_http_request_duration_seconds",
    "Time from request to response, by route pattern",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
STORAGE_FULL = Counter(
    "bdcdj_storage_full", "Writes refused because the disk or a size limit was full", ["where"]
)


class DatabaseCollector(Collector):
    """Queue depths and ages, read at scrape time (a few indexed aggregate queries)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django_tasks_db.models import DBTaskResult

        from bdcdj.accounts.models import AuditLog
        from bdcdj.exchange.models import OutboxMessage, OutboxStatus
        from bdcdj.register.models import ChainHead, RegisterEvent

        now = timezone.now()
        outbox = GaugeMetricFamily("bdcdj_outbox_messages", "Outbox messages by status", labels=["status"])
        counts = dict(OutboxMessage.objects.values_list("status").annotate(n=Count("id")).order_by())
        for status in OutboxStatus.values:
            outbox.add_metric([status], counts.get(status, 0))
        yield outbox
        oldest = OutboxMessage.objects.filter(
            status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING], superseded=False
        ).aggregate(at=Min("created_at"))["at"]
        yield GaugeMetricFamily(
            "bdcdj_relay_lag_seconds",
            "Age of the oldest outbox message not yet acknowledged (0 when none)",
            value=(now - oldest).total_seconds() if oldest else 0.0,
        )
        tasks = GaugeMetricFamily("bdcdj_task_queue", "Background tasks by status", labels=["status"])
        for status, n in DBTaskResult.objects.values_list("status").annotate(n=Count("id")).order_by():
            tasks.add_metric([str(status).lower()], n)
        yield tasks
        ready = DBTaskResult.objects.ready().aggregate(at=Min("enqueued_at"))["at"]
        yield GaugeMetricFamily(
            "bdcdj_task_queue_oldest_ready_seconds",
            "Age of the oldest task waiting for a worker (0 when none)",
            value=(now - ready).total_seconds() if ready else 0.0,
        )
        yield GaugeMetricFamily("bdcdj_audit_log_rows", "Rows in the audit log", value=_table_rows(AuditLog))
        heads = GaugeMetricFamily(
            "bdcdj_register_chain_head_age_seconds",
            "Age of the last register event per region",
            labels=["region"],
        )
        seqs = GaugeMetricFamily(
            "bdcdj_register_chain_seq", "Sequence number of the chain head", labels=["region"]
        )
        for head in ChainHead.objects.order_by("region_code"):
            seqs.add_metric([head.region_code], head.seq)
            last = (
                RegisterEvent.objects.filter(region_code=head.region_code, seq=head.seq)
                .values_list("occurred_at", flat=True)
                .first()
            )
            if last is not None:
                heads.add_metric([head.region_code], (now - last).total_seconds())
        yield seqs
        yield heads
        from bdcdj.ops.models import Heartbeat

        beats = GaugeMetricFamily(
            "bdcdj_heartbeat_age_seconds", "Age of the last heartbeat", labels=["process"]
        )
        for beat in Heartbeat.objects.all():
            beats.add_metric([beat.name], (now - beat.beat_at).total_seconds())
        yield beats


def _table_rows(model: type) -> float:
    """Exact count on SQLite; the planner's estimate on PostgreSQL (a big audit table must not
    be scanned on every scrape), exact when the statistics are still empty."""
    table = model._meta.db_table  # type: ignore[attr-defined]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
            row = cursor.fetchone()
        if row and row[0] is not None and row[0] >= 0:
            return float(row[0])
    return float(model.objects.count())  # type: ignore[attr-defined]


def metrics_text() -> bytes:
    """The exposition text for one scrape: this process (or all gunicorn workers) + the database."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        for collector in (HTTP_REQUESTS, HTTP_LATENCY, STORAGE_FULL):
            registry.register(collector)
    registry.register(DatabaseCollector())
    return generate_latest(registry)
