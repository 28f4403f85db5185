"""`manage.py daily_log --day YYYY-MM-DD [--region 340121] [--send]`: build (and send) a 登簿日志."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from bdcdj.monitor.services import daily_log_send, daily_log_store


class Command(BaseCommand):
    help = "生成（并上报）指定日期的登簿日志"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="日志日期 YYYY-MM-DD，默认昨天")
        parser.add_argument("--region", default="", help="行政区划代码，默认本节点")
        parser.add_argument("--send", action="store_true", help="生成后发送到上级节点")
        parser.add_argument("--retries", type=int, default=0, help="网络错误时的重试次数")
        parser.add_argument("--print", action="store_true", dest="print_xml", help="输出日志 XML")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = (
                dt.date.fromisoformat(options["day"])
                if options["day"]
                else timezone.localdate() - dt.timedelta(days=1)
            )
        except ValueError as exc:
            raise CommandError("--day 应为 YYYY-MM-DD") from exc
        region = options["region"] or settings.BDCDJ_REGION_CODE
        log = daily_log_store(region_code=region, day=day)
        self.stdout.write(
            f"登簿日志 {region} {day}：登簿 {log.register_total} 件，接入 {log.access_total} 件"
        )
        if options["print_xml"]:
            self.stdout.write(bytes(log.xml).decode("utf-8"))
        if options["send"]:
            log = daily_log_send(log=log, retries=max(0, options["retries"]))
            self.stdout.write(f"发送结果：{log.get_status_display()} {log.response_code} {log.response}")
            if log.status != "acked":
                raise CommandError("登簿日志未被上级确认接收")
