"""Enqueue periodic tasks when they fall due (bdcdj.core.schedule); the worker runs them."""

import logging
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection

from bdcdj.core.schedule import schedule_tick

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "按计划把定时任务放入后台队列（透明日志树头、廉防规则、登簿日志、监测指标、分区）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="只检查一次后退出")
        parser.add_argument("--interval", type=float, default=15.0, help="两次检查的间隔（秒）")

    def handle(self, *args: Any, **opts: Any) -> None:
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        if not opts["once"]:
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
        while True:
            try:
                for name in schedule_tick():
                    self.stdout.write(f"已入队：{name}")
            except DatabaseError:
                if opts["once"]:
                    raise
                logger.exception("scheduler tick failed on the database; reconnecting")
                connection.close()
            if opts["once"] or stopping:
                return
            time.sleep(opts["interval"])
