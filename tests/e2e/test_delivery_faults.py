"""Crash drill on the delivery path: kill -9 the county's relay and the upper node's web
process in the middle of a stream of messages, restart them, and prove that every message
arrives exactly once — nothing lost (the outbox keeps retrying, a crashed "sending" row is taken
again after its lease) and nothing duplicated (the receiver answers a re-delivered BizMsgID with
its stored receipt and stores no second row).

Loopback only; every loop is bounded; every child process group is killed in a finally. The
relay runs with a short crash lease and retry backoff (scripts/node_tasks.py relay) so recovery
takes seconds instead of the production two minutes.
"""

from __future__ import annotations

import signal
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.nodes import free_port

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from demo_nodes import Network, NodeSpec  # noqa: E402

pytestmark = pytest.mark.slow

MESSAGES = 30
ROUNDS = 3
PER_ROUND = 6  # deliveries to wait for before killing
ROUND_SECONDS = 30
FINAL_SECONDS = 60


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db, timeout=10) as conn:
        return int(conn.execute(sql).fetchone()[0])


@pytest.fixture
def network(tmp_path: Path) -> Iterator[Network]:
    specs = [
        NodeSpec("changfeng", "340121", "county", "长丰县", free_port(), upstream="anhui", demo="small"),
        NodeSpec("anhui", "340000", "province", "安徽省", free_port()),
    ]
    net = Network(specs, tmp_path / "nodes", env_name="test")
    try:
        net.prepare()
        yield net
    finally:
        net.stop()


def test_killed_relay_and_receiver_lose_and_duplicate_nothing(network):
    done = network.run("changfeng", "scripts/node_tasks.py", "register-cases", "--count", str(MESSAGES))
    assert done.returncode == 0, done.stderr[-2000:]
    ids = set(done.stdout.split())
    assert len(ids) == MESSAGES
    upstream_db, county_db = network.db_path("anhui"), network.db_path("changfeng")
    stored = "SELECT count(*) FROM hub_receivedmessage"
    acked = "SELECT count(*) FROM exchange_outboxmessage WHERE status = 'acked'"

    kills = 0
    for round_no in range(ROUNDS):
        network.web("anhui")
        network.wait_ready("anhui", key="web:anhui")
        network.relay("changfeng", interval=0.2, lease=2, backoff=0.5)
        target = min(MESSAGES, count(upstream_db, stored) + PER_ROUND)
        deadline = time.monotonic() + ROUND_SECONDS
        while time.monotonic() < deadline and count(upstream_db, stored) < target:
            time.sleep(0.01)
        if count(county_db, acked) == MESSAGES:
            break
        order = ["relay:changfeng", "web:anhui"] if round_no % 2 else ["web:anhui", "relay:changfeng"]
        for key in order:
            network.kill(key, signal.SIGKILL)
            kills += 1
    assert kills >= 2, "the stream finished before any process was killed"

    network.web("anhui")
    network.wait_ready("anhui", key="web:anhui")
    network.relay("changfeng", interval=0.2, lease=2, backoff=0.5)
    deadline = time.monotonic() + FINAL_SECONDS
    while time.monotonic() < deadline and count(county_db, acked) < MESSAGES:
        time.sleep(0.2)

    with sqlite3.connect(county_db) as conn:
        outbox = dict(conn.execute("SELECT biz_msg_id, status FROM exchange_outboxmessage").fetchall())
    assert outbox == dict.fromkeys(ids, "acked")
    with sqlite3.connect(upstream_db) as conn:
        received = conn.execute("SELECT biz_msg_id, success_flag FROM hub_receivedmessage").fetchall()
        mirror_messages = conn.execute(
            "SELECT count(DISTINCT updated_by_message_id) FROM hub_mirrorrecord"
        ).fetchone()[0]
    assert len(received) == MESSAGES
    assert {biz for biz, _ in received} == ids
    assert {flag for _, flag in received} == {"1"}
    assert mirror_messages == MESSAGES
    log = (network.dir("anhui") / "web.log").read_text(errors="replace")
    posts = log.count("POST /api/exchange/v1/messages")
    print(f"kill -9: {kills} processes; {posts} deliveries answered for {MESSAGES} messages")
