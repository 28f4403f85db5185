"""Two node processes over real HTTP: a county delivers a signed access message to a province.

The province node runs as its own gunicorn process on 127.0.0.1 with its own SQLite database;
the county node is registered there through `manage.py node_register`, exactly as an operator
would. The test then POSTs a signed message, checks the receipt, re-delivers it, and reads the
province's database file to prove it stored the message exactly once.
"""

from __future__ import annotations

import sqlite3
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from lxml import etree

from bdcdj.hub.tests.factories import COUNTY, message_xml
from tests.e2e.nodes import UpperNode, upper_node_running

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def upper_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UpperNode]:
    with upper_node_running(tmp_path_factory.mktemp("upper")) as node:
        yield node


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
