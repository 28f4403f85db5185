"""Two node processes over real HTTP: a county delivers a signed access message to a province.

The province node runs as its own gunicorn process on 127.0.0.1 with its own SQLite database;
the county node is registered there through `manage.py node_register`, exactly as an operator
would. The test then POSTs a signed message, checks the receipt, re-delivers it, and reads the
province's database file to prove it stored the message exactly once.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from bdcdj.hub.tests.factories import COUNTY, message_xml, public_key_hex

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
READY_SECONDS = 60


@dataclass
class UpperNode:
    url: str
    db_path: Path
    token: str


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BDCDJ_", "DATABASE_URL"))}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'upper.sqlite3'}",
            "BDCDJ_ENV": "test",
            "BDCDJ_NODE_ROLE": "province",
            "BDCDJ_REGION_CODE": "340000",
            "BDCDJ_VAR_DIR": str(tmp / "var"),
            "DJANGO_SETTINGS_MODULE": "bdcdj.settings",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def upper_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UpperNode]:
    tmp = tmp_path_factory.mktemp("upper")
    env = _env(tmp)
    _manage(env, "migrate", "--noinput")
    token = _manage(
        env, "node_register", "--region", COUNTY, "--name", "长丰县", "--public-key", public_key_hex()
    )
    port = _free_port()
    log = (tmp / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "bdcdj.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, process)
        yield UpperNode(url=url, db_path=tmp / "upper.sqlite3", token=token.strip())
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()


def _wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"上级节点进程已退出（返回码 {process.returncode}）")
        try:
            with urllib.request.urlopen(f"{url}/api/openapi.json", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    pytest.fail(f"上级节点 {READY_SECONDS} 秒内未就绪")


def _post(node: UpperNode, xml: bytes, *, token: str | None = None) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(
        f"{node.url}/api/exchange/v1/messages",
        data=xml,
        method="POST",
        headers={
            "Content-Type": "application/xml",
            "X-Bdcdj-Node": COUNTY,
            "Authorization": f"Bearer {token or node.token}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    root = etree.fromstring(body)
    return status, {child.tag: child.text or "" for child in root}


def _stored(node: UpperNode, biz_msg_id: str) -> list[tuple[str, str]]:
    with sqlite3.connect(node.db_path) as db:
        return db.execute(
            "SELECT status, response_code FROM hub_receivedmessage WHERE biz_msg_id = ?", (biz_msg_id,)
        ).fetchall()


def test_county_message_is_received_by_the_province_exactly_once(upper_node):
    xml = message_xml(biz_msg_id="340121240601000001")
    status, receipt = _post(upper_node, xml)
    assert status == 200, receipt
    assert receipt == {
        "BizMsgID": "340121240601000001",
        "SuccessFlag": "1",
        "ResponseCode": "0000",
        "ResponseInfo": receipt["ResponseInfo"],
    }
    again_status, again = _post(upper_node, xml)
    assert (again_status, again) == (status, receipt)
    assert _stored(upper_node, "340121240601000001") == [("accepted", "0000")]
    with sqlite3.connect(upper_node.db_path) as db:
        (rows,) = db.execute(
            "SELECT count(*) FROM hub_mirrorrecord WHERE region_code = ?", (COUNTY,)
        ).fetchone()
    assert rows == 2


def test_province_refuses_a_wrong_token_and_stores_nothing(upper_node):
    status, receipt = _post(upper_node, message_xml(biz_msg_id="340121240601000002"), token="bdn_forged")
    assert status == 401 and receipt["ResponseCode"] == "1005"
    assert _stored(upper_node, "340121240601000002") == []
