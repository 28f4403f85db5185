import datetime as dt

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from bdcdj.core.models import ScheduledRun
from bdcdj.core.schedule import Entry, entries, schedule_tick

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 12, 3, 4, 0, tzinfo=dt.UTC)  # 12:00 in Asia/Shanghai


def queued(task_suffix: str) -> int:
    return DBTaskResult.objects.filter(task_path__endswith=task_suffix).count()


def test_interval_due_moment_is_aligned_and_daily_moment_is_local():
    every = Entry("x", "t", every=dt.timedelta(minutes=5))
    assert every.due_at(NOON + dt.timedelta(minutes=7, seconds=3)) == NOON + dt.timedelta(minutes=5)
    daily = Entry("y", "t", daily_at=dt.time(1, 0))
    assert daily.due_at(NOON) == dt.datetime(2026, 12, 2, 17, 0, tzinfo=dt.UTC)  # 01:00 local today
    assert daily.due_at(dt.datetime(2026, 12, 2, 16, 0, tzinfo=dt.UTC)) == dt.datetime(
        2026, 12, 1, 17, 0, tzinfo=dt.UTC
    )  # 00:00 local: still yesterday's 01:00


def test_each_due_moment_is_enqueued_once(settings):
    settings.BDCDJ_UPSTREAM_URL = ""
    settings.BDCDJ_NODE_ROLE = "county"
    settings.BDCDJ_LEDGER_PUBLISH_SECONDS = 300
    first = schedule_tick(now=NOON)
    assert "ledger.publish_head" in first and "supervision.run_all" in first
    assert "monitor.daily_log_send" not in first  # no upstream: nothing to send
    assert "monitor.metrics_recompute" not in first  # a county has no lower nodes
    assert queued("ledger_publish_head") == 1
    assert schedule_tick(now=NOON + dt.timedelta(seconds=10)) == []  # same moment: nothing new
    later = schedule_tick(now=NOON + dt.timedelta(minutes=5))
    assert "ledger.publish_head" in later and "supervision.run_all" not in later  # hourly: not yet
    assert queued("ledger_publish_head") == 2
    run = ScheduledRun.objects.get(name="ledger.publish_head")
    assert run.last_due_at == NOON + dt.timedelta(minutes=5)


def test_upper_node_with_upstream_also_sends_logs_and_recomputes_metrics(settings):
    settings.BDCDJ_UPSTREAM_URL = "http://127.0.0.1:9"
    settings.BDCDJ_NODE_ROLE = "city"
    names = schedule_tick(now=NOON)
    assert {"monitor.daily_log_send", "monitor.metrics_recompute"} <= set(names)
    assert queued("daily_log_send_yesterday") == 1


def test_every_entry_names_an_existing_task():
    for entry in entries():
        module, name = entry.task.rsplit(".", 1)
        task = getattr(__import__(module, fromlist=[name]), name)
        assert hasattr(task, "enqueue"), entry.task


def test_command_once(settings, capsys):
    settings.BDCDJ_UPSTREAM_URL = ""
    call_command("scheduler", "--once")
    assert "ledger.publish_head" in capsys.readouterr().out
    call_command("scheduler", "--once")
    assert ScheduledRun.objects.filter(name="ledger.publish_head").count() == 1


def test_command_entries_run_through_the_worker_task(settings):
    settings.BDCDJ_UPSTREAM_URL = ""
    schedule_tick(now=NOON)
    result = DBTaskResult.objects.get(task_path="bdcdj.core.tasks.management_command")
    assert result.args_kwargs["args"] == ["payments_reconcile", ["--older-than", "60"]]
