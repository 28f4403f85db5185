"""A province node as its own gunicorn process on 127.0.0.1 with its own SQLite database, the
county registered there through `manage.py node_register` exactly as an operator would.

Readiness is awaited patiently: the machine running the suite may be busy, and a slow start is
not a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bdcdj.hub.tests.factories import COUNTY, public_key_hex

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
READY_SECONDS = 240
PROBE_SECONDS = 30


@dataclass
class UpperNode:
    url: str
    db_path: Path
    token: str


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def node_env(tmp: Path) -> dict[str, str]:
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


def manage(env: dict[str, str], *args: str) -> str:
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


def wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"上级节点进程已退出（返回码 {process.returncode}）")
        try:
            with urllib.request.urlopen(f"{url}/api/openapi.json", timeout=PROBE_SECONDS) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    pytest.fail(f"上级节点 {READY_SECONDS} 秒内未就绪")


@contextmanager
def upper_node_running(tmp: Path, *, worker_timeout: int = 60) -> Iterator[UpperNode]:
    """Migrate, register the county, start gunicorn, wait until it answers; stop it on exit."""
    env = node_env(tmp)
    manage(env, "migrate", "--noinput")
    token = manage(
        env, "node_register", "--region", COUNTY, "--name", "长丰县", "--public-key", public_key_hex()
    )
    port = free_port()
    log = (tmp / "gunicorn.log").open("wb")
    command = [PYTHON, "-m", "gunicorn", "bdcdj.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    process = subprocess.Popen(
        [*command, "--timeout", str(worker_timeout)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process)
        yield UpperNode(url=url, db_path=tmp / "upper.sqlite3", token=token.strip())
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()
