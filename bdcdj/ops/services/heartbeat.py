"""Heartbeats of background processes, written from a daemon thread of that process."""

from __future__ import annotations

import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.utils import DatabaseError
from django.utils import timezone

from bdcdj.ops.models import Heartbeat

logger = logging.getLogger(__name__)


def heartbeat_beat(*, name: str, started_at: object = None) -> Heartbeat:
    """Record that process `name` is alive now (one row per name, overwritten)."""
    now = timezone.now()
    beat, _ = Heartbeat.objects.update_or_create(
        name=name,
        defaults={
            "host": socket.gethostname()[:100],
            "pid": os.getpid(),
            "beat_at": now,
            "started_at": started_at or now,
        },
    )
    return beat


def heartbeat_thread_start(*, name: str) -> threading.Thread:
    """Beat every BDCDJ_HEARTBEAT_SECONDS until the process ends; a lost database connection
    is dropped and opened again on the next beat."""
    interval = float(getattr(settings, "BDCDJ_HEARTBEAT_SECONDS", 30))
    stop = threading.Event()

    def run() -> None:
        started = timezone.now()
        while True:
            try:
                heartbeat_beat(name=name, started_at=started)
            except DatabaseError as exc:
                logger.warning("heartbeat %s failed: %s", name, type(exc).__name__)
                connection.close()
            finally:
                close_old_connections()
            if stop.wait(interval):
                return

    thread = threading.Thread(target=run, name=f"heartbeat-{name}", daemon=True)
    thread.start()
    return thread
