"""The upper node is down for more than a working day (a stopped node: nothing listens on its
address), then comes back. Time travels through the outage: the relay keeps retrying with
backoff capped at one hour, every message raises the 1-working-day alert, nothing is lost;
when the real upper node (gunicorn, own database) starts again at the same address, every
message is delivered and stored exactly once and the alert clears.

Complements test_delivery_faults.py (processes killed mid-stream) with the long outage.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from bdcdj.exchange.models import OutboxMessage, OutboxStatus
from bdcdj.exchange.selectors import is_overdue
from bdcdj.exchange.services import relay as relay_module
from bdcdj.exchange.services import relay_once
from bdcdj.exchange.services.forward import outbox_enqueue_raw
from bdcdj.hub.tests.factories import COUNTY, message_xml, public_key_hex
from tests.e2e.nodes import PYTHON, ROOT, free_port, manage, node_env, wait_ready

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
MESSAGES = 5
MAX_OUTAGE = dt.timedelta(days=7)  # a long weekend before the alert is due is still bounded


def test_a_day_long_upstream_outage_loses_nothing_and_delivers_exactly_once(settings, tmp_path, monkeypatch):
    port = free_port()
    url = f"http://127.0.0.1:{port}"  # the upper node's address; stopped for now
    settings.BDCDJ_UPSTREAM_URL = url
    monkeypatch.setattr(relay_module, "TIMEOUT_SECONDS", 2)
    ids = [f"3401212612{n:08d}" for n in range(1, MESSAGES + 1)]
    for n, biz in enumerate(ids, start=1):
        unit = f"340121001001GB00001F0001{n:04d}"
        outbox_enqueue_raw(
            biz_msg_id=biz,
            region_code=COUNTY,
            rectype="1000402",
            unit_code=unit,
            xml=message_xml(biz_msg_id=biz, unit=unit, ywh=f"2026-{n:06d}"),
        )

    start = now = timezone.now()
    gaps: dict[str, list[float]] = {}
    while True:
        report = relay_once(now=now)
        assert report.acked == [] and report.failed == []
        for message in OutboxMessage.objects.filter(biz_msg_id__in=report.retried):
            gaps.setdefault(message.biz_msg_id, []).append((message.next_attempt_at - now).total_seconds())
        now = min(OutboxMessage.objects.values_list("next_attempt_at", flat=True))
        elapsed = now - start
        overdue = all(is_overdue(m, now=now) for m in OutboxMessage.objects.all())
        if (elapsed > dt.timedelta(hours=26) and overdue) or elapsed > MAX_OUTAGE:
            break
    messages = list(OutboxMessage.objects.all())
    assert {m.status for m in messages} == {OutboxStatus.PENDING}
    for delays in gaps.values():  # each message's wait before its next attempt
        assert delays[0] < delays[1] < delays[2]  # grows
        assert max(delays) <= relay_module.BACKOFF_CAP_SECONDS  # the cap holds
        assert min(delays[-5:]) >= relay_module.BACKOFF_CAP_SECONDS * (
            1 - relay_module.JITTER
        )  # and is reached
    assert all(m.attempts >= 20 and "网络错误" in m.last_error for m in messages)
    assert all(is_overdue(m, now=now) for m in messages), "the 1-working-day alert was not raised"

    # the upper node comes back at the same address
    env = node_env(tmp_path)
    manage(env, "migrate", "--noinput")
    token = manage(
        env, "node_register", "--region", COUNTY, "--name", "长丰县", "--public-key", public_key_hex()
    )
    settings.BDCDJ_NODE_TOKEN = token.strip()
    log = (tmp_path / "upper.log").open("wb")
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "bdcdj.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_ready(url, process)
        for _ in range(20):
            if not OutboxMessage.objects.exclude(status=OutboxStatus.ACKED).exists():
                break
            now += dt.timedelta(seconds=relay_module.BACKOFF_CAP_SECONDS * 1.3)
            relay_once(now=now)
        assert dict(OutboxMessage.objects.values_list("biz_msg_id", "status")) == dict.fromkeys(ids, "acked")
        assert relay_once(now=now + dt.timedelta(hours=2)).claimed == 0
        assert not any(is_overdue(m, now=now) for m in OutboxMessage.objects.all())
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
    with sqlite3.connect(Path(tmp_path) / "upper.sqlite3") as db:
        stored = db.execute("SELECT biz_msg_id, success_flag FROM hub_receivedmessage").fetchall()
    assert sorted(stored) == [(biz, "1") for biz in ids]  # each once, each accepted
