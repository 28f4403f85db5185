"""Background tasks (django-tasks, run by `manage.py db_worker`). `manage.py scheduler`
enqueues them once a day (bdcdj/core/schedule.py, docs/monitor.md)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from bdcdj.monitor.services import daily_log_send, daily_log_store, metrics_compute_range

SEND_RETRIES = 5


@task()
def daily_log_send_yesterday(region_code: str = "") -> dict[str, str]:
    """Build, sign and send yesterday's 登簿日志 of this node's district (county node)."""
    day = timezone.localdate() - dt.timedelta(days=1)
    log = daily_log_store(region_code=region_code or settings.BDCDJ_REGION_CODE, day=day)
    log = daily_log_send(log=log, retries=SEND_RETRIES)
    return {"day": day.isoformat(), "status": log.status, "response": log.response}


@task()
def metrics_recompute_yesterday() -> int:
    """Recompute yesterday's (and the day before's, for late messages) metrics of every node."""
    today = timezone.localdate()
    return metrics_compute_range(day_from=today - dt.timedelta(days=2), day_to=today - dt.timedelta(days=1))
