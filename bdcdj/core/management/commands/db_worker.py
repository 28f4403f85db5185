"""`manage.py db_worker` that outlives a lost database connection.

django-tasks' worker re-raises any database error met while fetching the next task, so a
database restart or a terminated session would end the process (and, under `serve`, the node).
This command shadows it (bdcdj.core is listed before django_tasks_db) and restarts the fetch loop
after dropping the broken connections, with a capped backoff. The claim of a task and its result
are written in their own transactions, so nothing is half-claimed by the interruption.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import DatabaseError, connections
from django_tasks_db.management.commands.db_worker import Command as TasksDbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

logger = logging.getLogger(__name__)
RECONNECT_MAX_SECONDS = 30.0


class ResilientWorker(Worker):
    def run(self) -> None:
        pause = 1.0
        while self.running:
            try:
                super().run()
                return
            except DatabaseError:
                logger.exception("worker lost its database connection; reconnecting")
                connections.close_all()
                time.sleep(pause)
                pause = min(pause * 2, RECONNECT_MAX_SECONDS)


class Command(TasksDbWorkerCommand):
    help = "运行后台任务（数据库断开后自动重连）"

    def handle(self, **options: Any) -> None:
        if options.get("reload"):
            return super().handle(**options)  # development autoreload: the plain worker
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        worker = ResilientWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
