"""Serve the node: gunicorn for the web, the django-tasks database worker and the scheduler that
feeds it periodic tasks (`manage.py scheduler`) beside it, and the outbox relay (`manage.py relay`)
when BDCDJ_UPSTREAM_URL is set.

All run as child processes; if one dies the others are stopped and the command exits
non-zero, so a supervisor (systemd, `make run`) sees the failure instead of a half-alive node.
"""

import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动 Web 服务与后台任务进程"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-worker", action="store_true", help="只启动 Web 服务")

    def handle(self, *args: Any, **opts: Any) -> None:
        py = sys.executable
        web = [
            py,
            "-m",
            "gunicorn",
            "bdcdj.wsgi:application",
            "--bind",
            f"{opts['host']}:{opts['port']}",
            "--workers",
            str(opts["workers"]),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "10",
        ]
        children = {"web": subprocess.Popen(web)}
        if not opts["no_worker"]:
            children["worker"] = subprocess.Popen(
                [py, "manage.py", "db_worker", "--interval", "1", "--no-reload"]
            )
            children["scheduler"] = subprocess.Popen([py, "manage.py", "scheduler"])
        if not opts["no_worker"] and settings.BDCDJ_UPSTREAM_URL:
            children["relay"] = subprocess.Popen([py, "manage.py", "relay"])
        if settings.BDCDJ_SHARING_SIMULATOR:
            children["sharing-simulator"] = _start_sharing_simulator(py)
        if settings.BDCDJ_PAYMENT_SIMULATOR and settings.BDCDJ_PAYMENT_PROVIDER == "simulator":
            children["payment-simulator"] = _start_payment_simulator(py)
        self.stdout.write(f"bdcdj 已启动：http://{opts['host']}:{opts['port']}/  （Ctrl+C 停止）")

        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        code = 0
        while not stopping:
            for name, child in children.items():
                rc = child.poll()
                if rc is not None:
                    self.stderr.write(f"子进程 {name} 退出，代码 {rc}")
                    code = rc or 1
                    stopping = True
            time.sleep(0.5)
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        for child in children.values():
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        sys.exit(code)


def _start_sharing_simulator(py: str) -> "subprocess.Popen[bytes]":
    """部门共享模拟服务 (docs/sharing.md): on in development unless BDCDJ_SHARING_SIMULATOR=0;
    the department rows are pointed at it."""
    from urllib.parse import urlsplit

    from bdcdj.sharing.services import sharing_setup

    url = urlsplit(settings.BDCDJ_SHARING_SIMULATOR_URL)
    sharing_setup(base_url=settings.BDCDJ_SHARING_SIMULATOR_URL, repoint=True)
    data = str(settings.VAR_DIR / "sharing-sim.sqlite3")
    host, port = url.hostname or "127.0.0.1", str(url.port or 8201)
    command = [py, "-m", "bdcdj.sharing.simulator", "--host", host, "--port", port, "--data", data]
    return subprocess.Popen(command)


def _start_payment_simulator(py: str) -> "subprocess.Popen[bytes]":
    """支付渠道模拟器 (docs/payments.md) at BDCDJ_PAYMENT_URL, on in development unless
    BDCDJ_PAYMENT_SIMULATOR=0."""
    from urllib.parse import urlsplit

    url = urlsplit(settings.BDCDJ_PAYMENT_URL)
    host, port = url.hostname or "127.0.0.1", str(url.port or 8202)
    return subprocess.Popen([py, "-m", "bdcdj.payments.simulator", "--host", host, "--port", port])
