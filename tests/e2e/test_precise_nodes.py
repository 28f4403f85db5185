"""Precise query across real node processes: a national node and two counties, each gunicorn with
its own SQLite database and SM2 key on 127.0.0.1.

Every request between nodes passes through a recording proxy in this test, so the bytes on the
wire can be searched. The national node issues one task to both counties; 长丰县 (demo register)
answers within the deadline; the deadline is then moved into the past in the national database
(data, not sleeping) and 肥西县 answers late. The dashboard shows the on-time rates; the answer
decrypts at the national node, while neither the wire nor the county databases hold the target's
ID number or the result in clear.
"""

from __future__ import annotations

import http.cookiejar
import re
import sqlite3
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.e2e.nodes import free_port

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from demo_nodes import PASSWORD, Network, NodeSpec  # noqa: E402

pytestmark = pytest.mark.slow


class RecordingProxy:
    """Forwards POSTs to one node and keeps every request and answer body."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.bodies: list[bytes] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.bodies.append(body)
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() not in {"host", "content-length"}
                }
                request = urllib.request.Request(
                    proxy.target + self.path, data=body, headers=headers, method="POST"
                )
                try:
                    with urllib.request.urlopen(request, timeout=30) as answer:
                        status, payload = answer.status, answer.read()
                except urllib.error.HTTPError as exc:
                    status, payload = exc.code, exc.read()
                proxy.bodies.append(payload)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wire(self) -> bytes:
        return b"\n".join(self.bodies)


class PreciseNetwork(Network):
    """The demo harness plus the precise-query settings: counties know the national node's key
    and reach it through its proxy."""

    national_proxy: RecordingProxy

    def env(self, name: str) -> dict[str, str]:
        env = super().env(name)
        if self.specs[name].role != "national":
            env["BDCDJ_PRECISE_NATIONAL_URL"] = self.national_proxy.url
            env["BDCDJ_PRECISE_NATIONAL_PUBLIC_KEY"] = self.public_key("national")
        return env

    def shell(self, name: str, code: str) -> str:
        done = self.run(name, "shell", "--no-imports", "-c", code)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout.strip()


@pytest.fixture
def network(tmp_path: Path) -> Iterator[tuple[PreciseNetwork, dict[str, RecordingProxy]]]:
    specs = [
        NodeSpec("national", "100000", "national", "全国", free_port()),
        NodeSpec("changfeng", "340121", "county", "长丰县", free_port(), demo="small"),
        NodeSpec("feixi", "340122", "county", "肥西县", free_port()),
    ]
    net = PreciseNetwork(specs, tmp_path / "nodes", env_name="test")
    proxies = {name: RecordingProxy(net.url(name)) for name in ("national", "changfeng", "feixi")}
    net.national_proxy = proxies["national"]
    try:
        net.prepare()
        for name in ("changfeng", "feixi"):
            done = net.run(
                "national",
                "precise_endpoint",
                "--region",
                net.specs[name].region,
                "--name",
                net.specs[name].title,
                "--url",
                proxies[name].url,
                "--public-key",
                net.public_key(name),
            )
            assert done.returncode == 0, done.stderr[-2000:]
        for name in net.specs:
            net.web(name, workers=1)
            net.wait_ready(name, key=f"web:{name}")
        yield net, proxies
    finally:
        net.stop()
        for proxy in proxies.values():
            proxy.server.shutdown()


OWNER_ID = """
from bdcdj.accounts import pii
from bdcdj.register.models import Party
p = (Party.objects.filter(role="holder", party_type="1", right__status="1", right__kind="house_ownership")
    .order_by("id").first())
print(pii.decrypt_text(p.id_number_enc))
"""

UNITS_OF = """
from bdcdj.accounts import pii
from bdcdj.register.models import Right
index = pii.blind_index("{id}")
print(",".join(sorted(set(Right.objects.filter(status="1", parties__id_index=index, parties__role="holder")
    .values_list("unit__code", flat=True)))))
"""

CREATE_TASK = """
from bdcdj.accounts.models import User
from bdcdj.precise.services import task_create
task = task_create(by=User.objects.get(username="admin"), authority="某市中级人民法院",
    legal_basis="《中华人民共和国民事诉讼法》第二百五十三条", purpose="执行案件财产查控",
    target_kind="person", target_id="{id}", deadline_days=7)
print(task.serial)
"""

ANSWER = """
from bdcdj.accounts.services import user_create
from bdcdj.precise.models import InboxTask
from bdcdj.precise.services import result_prepare, result_send
a = user_create(username="post-a", password="{pw}", display_name="经办", organisation=None,
    roles=["inquiry_a"], region_codes=["{region}"])
b = user_create(username="post-b", password="{pw}", display_name="复核", organisation=None,
    roles=["inquiry_b"], region_codes=["{region}"])
task = result_prepare(task=InboxTask.objects.get(serial="{serial}"), by=a)
result_send(task=task, by=b)
print(task.unit_count)
"""

RESULTS = """
from bdcdj.accounts.models import User
from bdcdj.precise.models import QueryTask
from bdcdj.precise.selectors import task_results
user = User.objects.get(username="admin")
for answer in task_results(user=user, task=QueryTask.objects.get(serial="{serial}")):
    print(answer["region_code"], ",".join(sorted(u["unit_code"] for u in answer["units"])))
"""


def rows(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db, timeout=10) as conn:
        return conn.execute(sql, params).fetchall()


def db_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (db, Path(f"{db}-wal")) if p.exists())


def login(url: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{url}/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    form = urllib.parse.urlencode({"username": "admin", "password": PASSWORD, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(
        f"{url}/login/", data=form.encode(), headers={"Referer": f"{url}/login/"}
    )
    opener.open(request, timeout=30).read()
    return opener


def test_national_task_answered_on_time_and_late_and_readable_only_at_the_national_node(network):
    net, proxies = network
    owner = net.shell("changfeng", OWNER_ID)
    expected_units = net.shell("changfeng", UNITS_OF.format(id=owner)).split(",")
    serial = net.shell("national", CREATE_TASK.format(id=owner))

    synced = net.run("national", "precise_sync")
    assert synced.returncode == 0, synced.stderr[-2000:]
    assert "送达 2" in synced.stdout
    for name in ("changfeng", "feixi"):
        assert rows(net.db_path(name), "SELECT serial FROM precise_inboxtask") == [(serial,)]

    # 长丰县 answers within the deadline.
    assert net.shell("changfeng", ANSWER.format(pw=PASSWORD, region="340121", serial=serial)) == str(
        len(expected_units)
    )
    assert "结果已确认 1" in net.run("changfeng", "precise_sync").stdout

    # The deadline passes (in the national database), then 肥西县 answers.
    rows(net.db_path("national"), "UPDATE precise_querytask SET deadline = '2020-01-01 00:00:00'")
    assert net.shell("feixi", ANSWER.format(pw=PASSWORD, region="340122", serial=serial)) == "0"
    assert "结果已确认 1" in net.run("feixi", "precise_sync").stdout

    answered = rows(
        net.db_path("national"),
        "SELECT region_code, status, unit_count FROM precise_assignment ORDER BY region_code",
    )
    assert answered == [("340121", "answered", len(expected_units)), ("340122", "answered", 0)]

    dashboard = (
        login(net.url("national")).open(f"{net.url('national')}/precise/dashboard/", timeout=30).read()
    )
    text = dashboard.decode()
    on_time = re.search(r"340121 长丰县</td>(.*?)</tr>", text, re.S)
    late = re.search(r"340122 肥西县</td>(.*?)</tr>", text, re.S)
    assert on_time and "100.0%" in on_time.group(1), text[-3000:]
    assert late and "0.0%" in late.group(1) and "100.0%" not in late.group(1)
    assert 'id="precise-chart"' in text and "vendor/echarts/echarts.min.js" in text

    # Readable at the national node only.
    decrypted = net.shell("national", RESULTS.format(serial=serial)).splitlines()
    assert decrypted == [f"340121 {','.join(sorted(expected_units))}", "340122"]
    wire = b"".join(p.wire() for p in proxies.values())
    assert wire, "no traffic recorded"
    for secret in (owner, *expected_units):
        assert secret.encode() not in wire
    assert owner.encode() not in db_bytes(net.db_path("changfeng"))
    assert owner.encode() not in db_bytes(net.db_path("national"))
    stored = rows(net.db_path("changfeng"), "SELECT * FROM precise_inboxtask")
    flat = repr(stored).encode()
    assert not any(code.encode() in flat for code in expected_units)
    log = rows(
        net.db_path("national"), "SELECT day, task_serial, region_code, event, count FROM precise_querylog"
    )
    assert {r[3] for r in log} == {"issued", "delivered", "result_received"}
    assert owner.encode() not in repr(log).encode()
