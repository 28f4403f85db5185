"""The node network of `make demo-nodes` as real processes: a county, the province above it and
the national node, each `manage.py serve` with its own SQLite database, SM2 key and token.

Three cases go from 收件 to 登簿 in the county (through the case services, in a process of the
county node); the county's relay delivers to the province, the province forwards the county's
signed bytes unchanged to the national node, which verifies the county's own signature. Each
message must end up exactly once, accepted, at both upper nodes.
"""

from __future__ import annotations

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

DELIVERY_SECONDS = 60


@pytest.fixture
def network(tmp_path: Path) -> Iterator[Network]:
    specs = [
        NodeSpec("changfeng", "340121", "county", "长丰县", free_port(), upstream="anhui", demo="small"),
        NodeSpec("anhui", "340000", "province", "安徽省", free_port(), upstream="national"),
        NodeSpec("national", "100000", "national", "全国", free_port()),
    ]
    net = Network(specs, tmp_path / "nodes", env_name="test")
    try:
        net.prepare()
        for name in ("national", "anhui", "changfeng"):
            net.serve(name, workers=1)
            net.wait_ready(name)
        yield net
    finally:
        net.stop()


def rows(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db, timeout=10) as conn:
        return conn.execute(sql, params).fetchall()


def received(net: Network, name: str) -> list[tuple[str, str, str, str]]:
    return rows(
        net.db_path(name),
        "SELECT m.biz_msg_id, m.success_flag, m.status, n.region_code FROM hub_receivedmessage m "
        "JOIN hub_lowernode n ON n.id = m.node_id ORDER BY m.biz_msg_id",
    )


def delivered(net: Network, count: int) -> bool:
    """Stored at the national node and acknowledged in both outboxes."""
    acked = "SELECT count(*) FROM exchange_outboxmessage WHERE status = 'acked'"
    return (
        len(received(net, "national")) >= count
        and rows(net.db_path("changfeng"), acked)[0][0] >= count
        and rows(net.db_path("anhui"), acked)[0][0] >= count
    )


def test_county_messages_reach_province_and_national_node_exactly_once(network):
    done = network.run("changfeng", "scripts/node_tasks.py", "register-cases", "--count", "3")
    assert done.returncode == 0, done.stderr[-2000:]
    ids = sorted(done.stdout.split())
    assert len(ids) == 3 and all(i.startswith("340121") for i in ids)

    deadline = time.monotonic() + DELIVERY_SECONDS
    while time.monotonic() < deadline and not delivered(network, 3):
        time.sleep(0.5)

    assert received(network, "anhui") == [(i, "1", "accepted", "340121") for i in ids]
    assert received(network, "national") == [(i, "1", "accepted", "340000") for i in ids]
    county = rows(network.db_path("changfeng"), "SELECT biz_msg_id, status FROM exchange_outboxmessage")
    assert sorted(county) == [(i, "acked") for i in ids]
    forwarded = rows(
        network.db_path("anhui"), "SELECT biz_msg_id, status, region_code FROM exchange_outboxmessage"
    )
    assert sorted(forwarded) == [(i, "acked", "340000") for i in ids]
    # The national node verified the county's signature: the stored bytes are the county's.
    county_xml = dict(
        rows(network.db_path("changfeng"), "SELECT biz_msg_id, xml FROM exchange_outboxmessage")
    )
    national_xml = dict(rows(network.db_path("national"), "SELECT biz_msg_id, xml FROM hub_receivedmessage"))
    assert county_xml == national_xml
