"""The county's database sessions are cut (pg_terminate_backend on its own test database) while
the relay streams messages to a real upper node. The relay drops the dead connection and goes on
with a new one (a process that died anyway would be started again, as systemd's `Restart=always`
does); the outbox's crash lease and the receiver's idempotency make the interruptions lose and
duplicate nothing: every message is stored upstream once.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection

from bdcdj.exchange.models import OutboxMessage, OutboxStatus
from bdcdj.exchange.services.forward import outbox_enqueue_raw
from bdcdj.hub.tests.factories import COUNTY, message_xml, public_key_hex
from tests.e2e.nodes import PYTHON, ROOT, free_port, manage, node_env, wait_ready

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
MESSAGES = 24
DEADLINE_SECONDS = 240


def terminate_other_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def acked() -> int:
    return OutboxMessage.objects.filter(status=OutboxStatus.ACKED).count()


@pytest.mark.django_db(transaction=True)
def test_relay_restarted_after_lost_database_sessions_delivers_each_message_once(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("需要 PostgreSQL（设置 DATABASE_URL=postgres://…）")
    params = connection.settings_dict
    assert params["NAME"].startswith("test_")  # our own test database only
    ids = [f"3401212612{n:08d}" for n in range(1, MESSAGES + 1)]
    for n, biz in enumerate(ids, start=1):
        unit = f"340121001001GB00001F0001{n:04d}"
        xml = message_xml(biz_msg_id=biz, unit=unit, ywh=f"2026-{n:06d}")
        outbox_enqueue_raw(biz_msg_id=biz, region_code=COUNTY, rectype="1000402", unit_code=unit, xml=xml)

    upper_dir = tmp_path / "upper"
    upper_dir.mkdir()
    upper_env = node_env(upper_dir)
    manage(upper_env, "migrate", "--noinput")
    token = manage(
        upper_env, "node_register", "--region", COUNTY, "--name", "长丰县", "--public-key", public_key_hex()
    )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    upper_log = (tmp_path / "upper.log").open("wb")
    upper = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "bdcdj.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=upper_env,
        stdout=upper_log,
        stderr=subprocess.STDOUT,
    )
    auth = f"{params['USER']}:{params['PASSWORD']}@" if params.get("PASSWORD") else f"{params['USER']}@"
    relay_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    relay_env.update(
        {
            "DATABASE_URL": f"postgres://{auth}{params['HOST']}:{params['PORT'] or 5432}/{params['NAME']}",
            "BDCDJ_ENV": "test",
            "BDCDJ_UPSTREAM_URL": url,
            "BDCDJ_NODE_TOKEN": token.strip(),
            "BDCDJ_UPSTREAM_PULL_SECONDS": "0",
            "BDCDJ_VAR_DIR": str(tmp_path / "var"),
            "DB_CONN_MAX_AGE": "600",
        }
    )
    relay_log = (tmp_path / "relay.log").open("wb")
    command = [
        PYTHON,
        "scripts/node_tasks.py",
        "relay",
        "--interval",
        "0.3",
        "--lease",
        "2",
        "--backoff",
        "0.5",
    ]

    def start_relay() -> subprocess.Popen[bytes]:
        return subprocess.Popen(command, cwd=ROOT, env=relay_env, stdout=relay_log, stderr=subprocess.STDOUT)

    relay = None
    try:
        wait_ready(url, upper)
        relay = start_relay()
        kills, restarts, thresholds = 0, 0, [3, 9, 15]
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline and acked() < MESSAGES:
            if thresholds and acked() >= thresholds[0]:
                thresholds.pop(0)
                kills += terminate_other_backends()
            if relay.poll() is not None:  # Restart=always
                restarts += 1
                relay = start_relay()
            time.sleep(0.05)
        assert acked() == MESSAGES, (tmp_path / "relay.log").read_text()[-3000:]
        assert kills >= 2
        assert restarts == 0, (tmp_path / "relay.log").read_text()[-3000:]  # reconnected in place
        print(f"{kills} sessions terminated, relay restarted {restarts} times")
    finally:
        for process in (relay, upper):
            if process is None:
                continue
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        relay_log.close()
        upper_log.close()
    with sqlite3.connect(Path(upper_dir) / "upper.sqlite3") as db:
        stored = db.execute("SELECT biz_msg_id, success_flag FROM hub_receivedmessage").fetchall()
    assert sorted(stored) == [(biz, "1") for biz in ids]  # each once, each accepted
