"""The relay loop: deliver pending access messages upward (docs/exchange.md §Relay)."""

import signal
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bdcdj.exchange.services import relay_once
from bdcdj.hub.services.forward import forward_sweep


class Command(BaseCommand):
    help = "向上级节点发送待上报的接入报文"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="只处理一轮后退出")
        parser.add_argument("--interval", type=float, default=2.0, help="两轮之间的间隔（秒）")
        parser.add_argument("--limit", type=int, default=50, help="每轮最多发送的报文数")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not settings.BDCDJ_UPSTREAM_URL:
            raise CommandError("未配置 BDCDJ_UPSTREAM_URL，无法上报")
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        if not opts["once"]:
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
        while True:
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
            if opts["once"] or stopping:
                return
            time.sleep(opts["interval"])
