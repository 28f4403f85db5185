"""Run the integrity-risk rules now (e.g. from cron), for all districts or some."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bdcdj.supervision.rules import RULES
from bdcdj.supervision.services import rules_run


class Command(BaseCommand):
    help = "运行廉政风险防控规则，生成（去重的）预警"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", action="append", dest="regions", help="行政区划代码（可多次）")
        parser.add_argument(
            "--rule", action="append", dest="rules", choices=sorted(RULES), help="规则代码（可多次）"
        )

    def handle(self, *args: Any, regions: list[str] | None, rules: list[str] | None, **options: Any) -> None:
        result = rules_run(region_codes=regions, codes=rules)
        self.stdout.write(
            f"规则评估 {result.evaluated} 次，命中 {result.hits} 项，新预警 {result.created} 条"
        )
