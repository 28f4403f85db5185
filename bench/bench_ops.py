"""Operations overhead: what OpsMiddleware adds to a request, what a /metrics scrape costs on
the bench database, and monthly audit-log archiving, verification and pruning rates.

The middleware figures are OpsMiddleware alone around a view that returns at once (request id,
route label, counter, histogram), without and with the JSON request log line, minus the bare view.
Audit rows are written into an unused month of 2001 or later by travelling the clock, archived,
verified and pruned again, so the bench database keeps no extra rows.
"""

import datetime as dt
import io
import logging
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import resolve

from bdcdj.accounts.models import AuditLog
from bdcdj.ops.logs import JsonFormatter, RedactFilter, RequestIdFilter
from bdcdj.ops.middleware import OpsMiddleware
from bdcdj.ops.models import LogArchive
from bdcdj.ops.services.archive import archive_month, archive_verify, audit_prune


def _middleware_us(n: int) -> dict[str, float]:
    """Median μs per call: the bare view, OpsMiddleware around it without and with the request
    log line (JSON formatter and redaction into memory, as a journal-bound handler would)."""
    request = RequestFactory().get("/api/cases/v1/cases/1")
    request.resolver_match = resolve("/api/cases/v1/cases/1")

    def view(_: Any) -> HttpResponse:
        return HttpResponse(b"")

    middleware = OpsMiddleware(view)
    logger = logging.getLogger("bdcdj.request")
    sink = logging.StreamHandler(io.StringIO())
    sink.setFormatter(JsonFormatter())
    sink.addFilter(RequestIdFilter())
    sink.addFilter(RedactFilter())
    saved = (logger.level, logger.propagate, list(logger.handlers))
    timings: dict[str, list[float]] = {"bare": [], "metrics": [], "logged": []}
    try:
        logger.propagate, logger.handlers = False, [sink]
        for _ in range(7):
            for name, call, level in (
                ("bare", view, logging.WARNING),
                ("metrics", middleware, logging.WARNING),
                ("logged", middleware, logging.INFO),
            ):
                logger.setLevel(level)
                started = time.perf_counter()
                for _ in range(n):
                    call(request)
                timings[name].append((time.perf_counter() - started) / n * 1e6)
    finally:
        logger.level, logger.propagate, logger.handlers = saved
    return {name: statistics.median(values) for name, values in timings.items()}


def run(*, scale: float) -> dict[str, Any]:
    us = _middleware_us(max(2000, int(20000 * scale)))
    month = next(
        f"{year}-{mon:02d}"
        for year in range(2001, 2100)
        for mon in range(1, 13)
        if not LogArchive.objects.filter(month=f"{year}-{mon:02d}").exists()
    )

    scrape = []
    for _ in range(5):
        started = time.perf_counter()
        body = Client().get("/metrics").content
        scrape.append((time.perf_counter() - started) * 1000)

    rows = max(1000, int(200_000 * scale))
    zone = ZoneInfo(settings.TIME_ZONE)
    when = dt.datetime(int(month[:4]), int(month[5:]), 15, 12, tzinfo=zone)
    with mock.patch("django.utils.timezone.now", return_value=when):
        for start in range(0, rows, 5000):
            AuditLog.objects.bulk_create(
                AuditLog(actor_name="bench", action="bench.row", region_code="340121", detail={"n": i})
                for i in range(start, min(rows, start + 5000))
            )
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        archive = archive_month(month=month, out_dir=Path(tmp))
        archived = time.perf_counter() - started
        size = Path(archive.path).stat().st_size
        started = time.perf_counter()
        assert archive_verify(path=Path(archive.path)).ok
        verified = time.perf_counter() - started
        started = time.perf_counter()
        pruned = audit_prune(month=month, by="bench", now=when + dt.timedelta(days=800))
        prune_seconds = time.perf_counter() - started
    return {
        "ops_middleware_us_metrics_only": round(us["metrics"] - us["bare"], 1),
        "ops_middleware_us_with_json_request_log": round(us["logged"] - us["bare"], 1),
        "metrics_scrape_ms_median": round(statistics.median(scrape), 1),
        "metrics_body_bytes": len(body),
        "audit_rows": rows,
        "archive_rows_per_s": round(rows / archived),
        "archive_bytes_per_row": round(size / rows, 1),
        "verify_rows_per_s": round(rows / verified),
        "prune_rows_per_s": round(pruned / prune_seconds),
    }
