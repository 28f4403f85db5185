"""A county uploads its 汇交 packages to a province over real HTTP and receives the QC report.

The province runs as its own gunicorn process with its own SQLite database
(`tests/e2e/nodes.py`); the county is this test process with the demo county loaded. The county
exports a full package and, after a new 登簿, an incremental one, and sends both with
`manage.py huijiao_send`'s service through the node-authenticated client; the province's
database must then hold both packages and the rows, and a replay is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from bdcdj.demo.dataset import load_demo
from bdcdj.hub.tests.factories import COUNTY, TEST_PRIVATE_KEY
from bdcdj.huijiao.models import OutgoingStatus
from bdcdj.huijiao.services import package_export, package_send, packages_send
from bdcdj.huijiao.tests.helpers import REGION, seize, unseized_unit
from tests.e2e.nodes import UpperNode, upper_node_running

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def upper_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UpperNode]:
    """The province as its own process; a long worker timeout, packages may be large."""
    with upper_node_running(tmp_path_factory.mktemp("upper"), worker_timeout=120) as node:
        yield node


@pytest.fixture
def county(settings, tmp_path, upper_node):
    settings.BDCDJ_REGION_CODE = COUNTY
    settings.BDCDJ_NODE_SM2_KEY = TEST_PRIVATE_KEY
    settings.BDCDJ_NODE_TOKEN = upper_node.token
    settings.BDCDJ_UPSTREAM_URL = upper_node.url
    settings.MEDIA_ROOT = tmp_path / "county-media"
    load_demo(size="small")
    return upper_node


def _province(db_path, sql: str) -> list[tuple]:
    with sqlite3.connect(db_path) as db:
        return db.execute(sql).fetchall()


def test_county_packages_reach_the_province_and_the_qc_report_comes_back(county):
    full = package_export(region_code=REGION, kind="full")
    seize(unseized_unit(), "340121-2026-E00001")
    incremental = package_export(region_code=REGION, kind="incremental")

    report = packages_send()
    assert [p.serial for p in report.accepted] == [1, 2], [
        (p.response_code, p.response_message) for p in report.rejected + report.failed
    ]
    full.refresh_from_db()
    incremental.refresh_from_db()
    assert full.status == incremental.status == OutgoingStatus.ACCEPTED
    qc = full.qc_report["qc"]
    assert qc["blocking"] + qc["warnings"] == qc["total"] > 0
    assert all(f["row_key"] and f["table"] for f in qc["findings"])
    assert incremental.qc_report["rows"] == {"total": 1, "inserted": 1, "updated": 0, "unchanged": 0}

    packages = _province(
        county.db_path, "SELECT serial, kind, row_count FROM huijiao_incomingpackage ORDER BY serial"
    )
    assert packages == [(1, "full", full.row_count), (2, "incremental", 1)]
    (rows,) = _province(
        county.db_path, f"SELECT count(*) FROM huijiao_standardrow WHERE region_code = '{REGION}'"
    )[0:1]
    assert rows[0] == full.row_count + 1

    incremental.status = OutgoingStatus.BUILT
    incremental.save(update_fields=["status"])
    again = package_send(package=incremental)
    assert again.status == OutgoingStatus.ACCEPTED and again.response_code == "huijiao_replayed"
