"""`manage.py precise_sync [--loop SECONDS]`: the delivery work of precise query, for cron.

National node: push due tasks (retries included). Other nodes: post sent results not yet
acknowledged and, with `--pull`, fetch open tasks for every district hosted here. Both forget
nonces past the clock window.
"""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bdcdj.accounts.models import Tenant
from bdcdj.core.errors import DomainError
from bdcdj.precise.services import deliver_due, nonces_prune, results_deliver, tasks_pull


class Command(BaseCommand):
    help = "精准查询：国家级节点推送到期任务；县级节点上报结果、拉取任务"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pull", action="store_true", help="县级节点：从国家级节点拉取任务")
        parser.add_argument("--loop", type=float, default=0, help="每隔 N 秒重复（0 = 只运行一次）")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            self._once(pull=options["pull"])
            if not options["loop"]:
                return
            time.sleep(options["loop"])

    def _once(self, *, pull: bool) -> None:
        if settings.BDCDJ_NODE_ROLE == "national":
            report = deliver_due()
            self.stdout.write(f"送达 {len(report.delivered)}，待重试 {len(report.retried)}")
        else:
            sent = results_deliver()
            self.stdout.write(f"结果已确认 {len(sent.acknowledged)}，待重试 {len(sent.retried)}")
            if pull:
                for region in Tenant.objects.values_list("region_code", flat=True):
                    try:
                        pulled = tasks_pull(region_code=region)
                    except DomainError as exc:
                        raise CommandError(exc.message) from exc
                    self.stdout.write(f"{region} 拉取新任务 {len(pulled)}")
        nonces_prune()
