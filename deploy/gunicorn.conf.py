"""gunicorn for a production node (systemd unit bdcdj-web.service; docs/deployment.md).

Prometheus metrics are kept per worker in PROMETHEUS_MULTIPROC_DIR and merged at scrape time:
the directory is emptied when the master starts and a dead worker's files are marked.
"""

import os
import shutil
from pathlib import Path

bind = os.environ.get("BDCDJ_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("BDCDJ_WEB_WORKERS", "3"))
threads = int(os.environ.get("BDCDJ_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = 60
graceful_timeout = 20
keepalive = 5
max_requests = 2000  # recycle workers slowly against leaks
max_requests_jitter = 200
limit_request_line = 8190
forwarded_allow_ips = os.environ.get("BDCDJ_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None  # the app writes one structured line per request (logger bdcdj.request)
errorlog = "-"
loglevel = os.environ.get("BDCDJ_LOG_LEVEL", "info").lower()
wsgi_app = "bdcdj.wsgi:application"


def on_starting(server: object) -> None:
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        shutil.rmtree(path, ignore_errors=True)
        Path(path).mkdir(parents=True, exist_ok=True)


def child_exit(server: object, worker: object) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
