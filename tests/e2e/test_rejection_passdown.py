"""Three node processes over real HTTP: a province refuses what a city forwarded, and the refusal
travels down to the county that registered the business.

长丰县 (county) → 合肥市 (city) → 安徽省 (province). The province is configured for the 2015
RecType scheme, so the revised-layout 2000402 message the county sends — which the city accepts
and forwards unchanged — fails the province's XSD (1002). The city keeps the receipt against the
message it forwarded; the county's relay fetches it from the city, its outbox shows
"上级拒收: <reason>", and the message can be re-sent with CBXZ (销账): the re-send passes the
city, supersedes the refused forward there, and its own refusal comes back down the same way.
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

SECONDS = 90
READY_SECONDS = 300  # three nodes start one after the other on a shared two-core machine
FAST_PULL = (("BDCDJ_UPSTREAM_PULL_SECONDS", "1"),)


@pytest.fixture
def network(tmp_path: Path) -> Iterator[Network]:
    specs = [
        NodeSpec(
            "changfeng",
            "340121",
            "county",
            "长丰县",
            free_port(),
            upstream="hefei",
            demo="small",
            env_extra=FAST_PULL,
        ),
        NodeSpec("hefei", "340100", "city", "合肥市", free_port(), upstream="anhui", env_extra=FAST_PULL),
        NodeSpec(
            "anhui",
            "340000",
            "province",
            "安徽省",
            free_port(),
            env_extra=(("BDCDJ_RECTYPE_SCHEME", "2015"),),
        ),
    ]
    net = Network(specs, tmp_path / "nodes", env_name="test")
    try:
        net.prepare()
        for name in ("anhui", "hefei", "changfeng"):
            net.serve(name, workers=1)
            net.wait_ready(name, seconds=READY_SECONDS)
        yield net
    finally:
        net.stop()


def rows(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db, timeout=10) as conn:
        return conn.execute(sql, params).fetchall()


def wait_for(check, what: str) -> None:
    deadline = time.monotonic() + SECONDS
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    pytest.fail(f"{SECONDS} 秒内未{what}")


def county_row(net: Network, biz: str) -> tuple:
    found = rows(
        net.db_path("changfeng"),
        "SELECT status, success_flag, response_code, last_error, upstream_rejected_by "
        "FROM exchange_outboxmessage WHERE biz_msg_id = ?",
        biz,
    )
    return found[0] if found else ()


def test_a_province_rejection_reaches_the_county_and_the_resend_goes_the_same_way(network):
    done = network.run(
        "changfeng", "scripts/node_tasks.py", "register-cases", "--count", "1", "--business", "transfer"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    [biz] = done.stdout.split()

    wait_for(lambda: (county_row(network, biz) or ("",))[0] == "rejected", "在县级节点看到上级拒收")

    status, flag, code, last_error, rejected_by = county_row(network, biz)
    assert (status, flag, code, rejected_by) == ("rejected", "2", "1002", "340000")
    assert last_error.startswith("上级拒收: XSD校验失败")
    assert rows(
        network.db_path("hefei"), "SELECT status FROM hub_receivedmessage WHERE biz_msg_id = ?", biz
    ) == [("accepted",)]
    assert rows(
        network.db_path("hefei"),
        "SELECT status, region_code FROM exchange_outboxmessage WHERE biz_msg_id = ?",
        biz,
    ) == [("rejected", "340100")]
    [(by, passed_down)] = rows(
        network.db_path("hefei"),
        "SELECT f.upstream_rejected_by, f.passed_down_at FROM hub_forwarditem f "
        "JOIN hub_receivedmessage m ON m.id = f.message_id WHERE m.biz_msg_id = ?",
        biz,
    )
    assert by == "340000" and passed_down is not None
    assert rows(
        network.db_path("anhui"), "SELECT status, response_code, clearance FROM hub_receivedmessage"
    ) == [("rejected", "1002", "open")]

    again = network.run(
        "changfeng", "scripts/node_tasks.py", "resend", "--biz-msg-id", biz, "--reason", "CBXZ"
    )
    assert again.returncode == 0, again.stderr[-2000:]
    resend = again.stdout.strip()
    assert resend == biz[:18] + "CBXZ"
    wait_for(lambda: (county_row(network, resend) or ("",))[0] == "rejected", "让重发报文的上级拒收回传")
    assert county_row(network, resend)[3].startswith("上级拒收: ")
    assert rows(
        network.db_path("hefei"),
        "SELECT biz_msg_id, superseded FROM exchange_outboxmessage ORDER BY id",
    ) == [(biz, 1), (resend, 0)]
    assert rows(
        network.db_path("anhui"), "SELECT biz_msg_id, clearance FROM hub_receivedmessage ORDER BY id"
    ) == [(biz, "failed"), (resend, "open")]
