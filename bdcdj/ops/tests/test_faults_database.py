"""Database connection lost mid-operation (PostgreSQL): the test terminates every backend of
its own test database with pg_terminate_backend, repeatedly, while the real `db_worker`
process works through a queue. The worker and its heartbeat reconnect; every task runs exactly
once and ends in a final state — a task whose own query met the cut is recorded as failed with the
database error (django-tasks does not retry), none is stuck or lost."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bdcdj.ops.models import Heartbeat
from bdcdj.ops.tasks import ops_probe

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ROOT = Path(settings.BASE_DIR)
TASKS = 12


def terminate_other_backends() -> int:
    """Kill every other session of *this* test database (never another database)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_worker_and_heartbeat_survive_terminated_connections_and_lose_no_task(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("需要 PostgreSQL（设置 DATABASE_URL=postgres://…）")
    params = connection.settings_dict
    assert params["NAME"].startswith("test_")  # our own test database only
    auth = f"{params['USER']}:{params['PASSWORD']}@" if params.get("PASSWORD") else f"{params['USER']}@"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        {
            "DATABASE_URL": f"postgres://{auth}{params['HOST']}:{params['PORT'] or 5432}/{params['NAME']}",
            "BDCDJ_ENV": "test",
            "BDCDJ_HEARTBEAT_SECONDS": "1",
            "DB_CONN_MAX_AGE": "600",  # persistent connections: the kill hits open sessions
            "BDCDJ_VAR_DIR": str(tmp_path / "var"),
        }
    )
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        first = ops_probe.enqueue(name="probe-0")
        log_tail = lambda: (tmp_path / "worker.log").read_text()[-3000:]  # noqa: E731
        assert wait_for(lambda: DBTaskResult.objects.get(pk=first.id).status == "SUCCESSFUL", 180), log_tail()
        kills = 0
        for n in range(1, TASKS):
            ops_probe.enqueue(name=f"probe-{n}")
            if n % 3 == 0:
                kills += terminate_other_backends()
            time.sleep(0.3)
        assert kills >= 2, "no open session was there to kill"
        cut = timezone.now()
        terminate_other_backends()
        last = ops_probe.enqueue(name="probe-last")  # after the last cut
        final = {"SUCCESSFUL", "FAILED"}
        assert wait_for(lambda: DBTaskResult.objects.filter(status__in=final).count() == TASKS + 1, 120), (
            log_tail()
        )
        assert worker.poll() is None, "the worker died instead of reconnecting"
        assert DBTaskResult.objects.get(pk=last.id).status == "SUCCESSFUL"
        assert all(len(r.worker_ids) == 1 for r in DBTaskResult.objects.all())  # each ran once
        # A task whose own query met the cut is FAILED with the database error recorded (django-tasks
        # does not retry; it stays visible to re-run); every other one succeeded. None is lost.
        failed = list(DBTaskResult.objects.filter(status="FAILED"))
        assert len(failed) <= kills + 1
        assert all(r.exception_class_path.startswith("django.db.utils.") for r in failed)
        succeeded = DBTaskResult.objects.filter(status="SUCCESSFUL").count()
        assert Heartbeat.objects.filter(name__startswith="probe-").count() == succeeded
        # the heartbeat thread reconnected after the last cut
        assert wait_for(lambda: Heartbeat.objects.get(name="worker").beat_at > cut, 30)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
