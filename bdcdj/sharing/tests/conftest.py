"""The department simulator as a real subprocess on a free port (one per test session), and
the interface rows pointed at it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bdcdj.sharing.services import sharing_setup

ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Sim:
    url: str
    process: subprocess.Popen[bytes]

    def control(self, action: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        data = None if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        request = urllib.request.Request(
            f"{self.url}/_control/{action}", data=data, method="POST" if data else "GET"
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            result: dict[str, Any] = json.loads(response.read())
            return result

    def records(self, table: str, rows: list[dict[str, Any]]) -> None:
        self.control("records", {"table": table, "rows": rows})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    port = _free_port()
    data = tmp_path_factory.mktemp("sharing-sim") / "sim.sqlite3"
    env = {**os.environ, "BDCDJ_ENV": "test"}
    env.pop("DATABASE_URL", None)  # the simulator has its own database; the replay never queries
    process = subprocess.Popen(
        [sys.executable, "-m", "bdcdj.sharing.simulator", "--port", str(port), "--data", str(data)],
        cwd=ROOT,
        env=env,
    )
    sim = Sim(url=f"http://127.0.0.1:{port}", process=process)
    deadline = time.monotonic() + 120
    while True:
        try:
            sim.control("health")
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("部门共享模拟服务未能启动")
            time.sleep(0.2)
    yield sim
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def sim(simulator: Sim, db: None) -> Iterator[Sim]:
    """The simulator with normal behaviour and every interface row pointed at it."""
    simulator.control("reset", {})
    sharing_setup(base_url=simulator.url, repoint=True)
    yield simulator
    simulator.control("reset", {})


@dataclass
class Owned:
    unit_code: str
    holders: list[tuple[str, str]]  # (name, id_number) of the current joint owners


@pytest.fixture
def demo(db: None, settings: Any, tmp_path: Path) -> Owned:
    """The small demo county; returns a jointly owned household (共同共有) and its owners."""
    from bdcdj.accounts.pii import decrypt_text
    from bdcdj.demo.dataset import load_demo
    from bdcdj.register.models import Right

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo(size="small")
    right = (
        Right.objects.filter(
            kind="house_ownership", status="1", co_ownership="1", unit__rights__kind="house_ownership"
        )
        .exclude(unit__rights__kind="seizure")
        .select_related("unit")
        .order_by("pk")
        .first()
    )
    assert right is not None
    holders = [
        (decrypt_text(p.name_enc), decrypt_text(p.id_number_enc)) for p in right.parties.filter(role="holder")
    ]
    return Owned(unit_code=right.unit.code, holders=holders)


def demo_user(username: str) -> Any:
    from bdcdj.accounts.models import User

    return User.objects.get(username=username)
