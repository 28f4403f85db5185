"""Periodic background work: which django-tasks task is enqueued when.

django-tasks runs tasks but has no clock. `manage.py scheduler` (started by `serve`, a systemd unit
in production) wakes every few seconds and enqueues each entry that has fallen due. The claim is a
conditional UPDATE of the entry's `ScheduledRun` row in the same transaction as the enqueue, so two
schedulers never enqueue the same moment twice and a crash between them loses nothing.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from bdcdj.core.models import ScheduledRun

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
COMMAND = "bdcdj.core.tasks.management_command"
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Entry:
    name: str
    task: str  # dotted path of a django-tasks task
    args: tuple[object, ...] = ()
    every: dt.timedelta | None = None  # interval, aligned to EPOCH
    daily_at: dt.time | None = None  # local time of day
    when: Callable[[], bool] = lambda: True

    def due_at(self, now: dt.datetime) -> dt.datetime:
        """The latest moment at or before `now` when this entry was due."""
        if self.every is not None:
            periods = (now - EPOCH) // self.every
            return EPOCH + periods * self.every
        assert self.daily_at is not None
        local = timezone.localtime(now)
        moment = local.replace(hour=self.daily_at.hour, minute=self.daily_at.minute, second=0, microsecond=0)
        return moment if moment <= local else moment - dt.timedelta(days=1)


def _has_upstream() -> bool:
    return bool(settings.BDCDJ_UPSTREAM_URL)


def _has_lower_nodes() -> bool:
    return bool(settings.BDCDJ_NODE_ROLE != "county")


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def entries() -> tuple[Entry, ...]:
    return (
        Entry(
            "ledger.publish_head",
            "bdcdj.ledger.tasks.ledger_publish_head",
            every=dt.timedelta(seconds=settings.BDCDJ_LEDGER_PUBLISH_SECONDS),
        ),
        Entry("supervision.run_all", "bdcdj.supervision.tasks.supervision_run_all", every=HOUR),
        Entry(
            "monitor.daily_log_send",
            "bdcdj.monitor.tasks.daily_log_send_yesterday",
            daily_at=dt.time(1, 0),
            when=_has_upstream,
        ),
        Entry(
            "monitor.metrics_recompute",
            "bdcdj.monitor.tasks.metrics_recompute_yesterday",
            daily_at=dt.time(2, 0),
            when=_has_lower_nodes,
        ),
        Entry("precise.deliver", "bdcdj.precise.tasks.precise_deliver", every=2 * MINUTE),
        Entry("precise.results_send", "bdcdj.precise.tasks.precise_results_send", every=2 * MINUTE),
        Entry(
            "payments.reconcile",
            COMMAND,
            args=("payments_reconcile", ["--older-than", "60"]),
            every=5 * MINUTE,
        ),
        Entry(
            "reconcile.upstream",
            COMMAND,
            args=("reconcile_upstream", []),
            daily_at=dt.time(4, 0),
            when=_has_upstream,
        ),
        Entry(
            "hub.partitions_ensure",
            "bdcdj.hub.tasks.partitions_ensure_task",
            daily_at=dt.time(3, 0),
            when=_postgres,
        ),
    )


def _task(path: str) -> object:
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def _claim(entry: Entry, due: dt.datetime) -> bool:
    """Move the entry's last due moment forward to `due`; True if this caller did it."""
    try:
        with transaction.atomic():
            _, created = ScheduledRun.objects.get_or_create(name=entry.name, defaults={"last_due_at": due})
    except IntegrityError:  # another scheduler created it first
        created = False
    if created:
        return True
    updated = ScheduledRun.objects.filter(name=entry.name, last_due_at__lt=due).update(
        last_due_at=due, enqueued_at=timezone.now()
    )
    return updated == 1


def schedule_tick(*, now: dt.datetime | None = None) -> list[str]:
    """Enqueue every entry that fell due since it was last enqueued; returns their names."""
    now = now or timezone.now()
    enqueued = []
    for entry in entries():
        if not entry.when():
            continue
        with transaction.atomic():
            if _claim(entry, entry.due_at(now)):
                _task(entry.task).enqueue(*entry.args)  # type: ignore[attr-defined]
                enqueued.append(entry.name)
    return enqueued
