from typing import Any

from django.core.management.base import BaseCommand

from bdcdj.payments.services import orders_reconcile


class Command(BaseCommand):
    help = "向支付渠道查询支付中的订单并对账（回调丢失时补记支付结果）；可由定时任务每几分钟运行一次"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--older-than", type=int, default=60, help="只查询创建超过这么多秒的订单")

    def handle(self, *args: Any, **opts: Any) -> None:
        counts = orders_reconcile(older_than_seconds=opts["older_than"])
        summary = (
            "，".join(f"{status} {n} 笔" for status, n in sorted(counts.items())) or "没有需要对账的订单"
        )
        self.stdout.write(f"对账完成：{summary}")
