"""The relay loop: deliver pending access messages upward (docs/exchange.md §Relay) and, every
`--pull-interval` seconds, fetch what comes back down: the upper node's 补报 list and rejections
by a higher level of messages the upper node forwarded."""

import logging
import signal
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from bdcdj.exchange.services import relay_once
from bdcdj.exchange.services.upstream import upstream_receipts_pull
from bdcdj.hub.services.forward import forward_sweep
from bdcdj.monitor.services.resend import resend_list_pull

logger = logging.getLogger(__name__)
RECONNECT_MAX_SECONDS = 30.0


class Command(BaseCommand):
    help = "向上级节点发送待上报的接入报文，并定时拉取上级的补报清单与上级拒收回执"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="只处理一轮后退出")
        parser.add_argument("--interval", type=float, default=2.0, help="两轮之间的间隔（秒）")
        parser.add_argument("--limit", type=int, default=50, help="每轮最多发送的报文数")
        parser.add_argument(
            "--pull-interval",
            type=float,
            default=None,
            help="拉取补报清单与上级拒收回执的间隔（秒，默认 BDCDJ_UPSTREAM_PULL_SECONDS；0 不拉取）",
        )

    def _pull(self) -> None:
        receipts = upstream_receipts_pull()
        if receipts.applied:
            self.stdout.write(f"上级拒收回执 {len(receipts.applied)} 条已应用")
        resend = resend_list_pull()
        if resend.listed:
            self.stdout.write(f"上级补报清单 {resend.listed} 条")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not settings.BDCDJ_UPSTREAM_URL:
            raise CommandError("未配置 BDCDJ_UPSTREAM_URL，无法上报")
        pull_every = opts["pull_interval"]
        if pull_every is None:
            pull_every = float(settings.BDCDJ_UPSTREAM_PULL_SECONDS)
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        if not opts["once"]:
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
        last_pull = float("-inf")
        pause = opts["interval"]
        while True:
            try:
                last_pull = self._round(opts, pull_every, last_pull)
                pause = opts["interval"]
            except DatabaseError:
                # A lost connection (database restart, terminated session) must not end the loop:
                # the round's transaction rolled back whole, so drop the connection and try again.
                logger.exception("relay round failed on the database; reconnecting")
                connection.close()
                pause = min(max(pause * 2, 1.0), RECONNECT_MAX_SECONDS)
                if opts["once"]:
                    raise
            if opts["once"] or stopping:
                return
            time.sleep(pause)

    def _round(self, opts: dict[str, Any], pull_every: float, last_pull: float) -> float:
        # Forward items a receiver could not hand over at once (e.g. after a crash) go first.
        handed = forward_sweep()
        if handed:
            self.stdout.write(f"转交待转发报文 {handed} 条")
        report = relay_once(limit=opts["limit"])
        if report.claimed or opts["once"]:
            self.stdout.write(
                f"发送 {report.claimed}：成功 {len(report.acked)}，失败 {len(report.rejected)}，"
                f"重试 {len(report.retried)}，异常 {len(report.failed)}，等待 {len(report.blocked)}"
            )
        if pull_every > 0 and time.monotonic() - last_pull >= pull_every:
            self._pull()
            return time.monotonic()
        return last_pull
