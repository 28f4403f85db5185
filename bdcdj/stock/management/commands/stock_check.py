"""manage.py stock_check <batch> [--xlsx report.xlsx] [--force]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bdcdj.core.errors import DomainError
from bdcdj.stock.management.progress import batch_arg, console_bar
from bdcdj.stock.selectors import quality_report_xlsx, quality_summary
from bdcdj.stock.services.checking import stock_check


class Command(BaseCommand):
    help = "用数据质量规则目录检查暂存数据"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("batch", help="批次号")
        parser.add_argument("--xlsx", default="", help="把质检问题写入此 XLSX 文件")
        parser.add_argument("--force", action="store_true", help="接管被中断进程遗留的任务")

    def handle(self, *args: object, **options: object) -> None:
        batch = batch_arg(str(options["batch"]))
        try:
            totals = stock_check(
                batch=batch, on_progress=console_bar("质检", self.stderr), force=bool(options["force"])
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stderr.write("")
        for rule in quality_summary(batch=batch):
            self.stdout.write(
                f"  {rule.rule_id} {rule.severity_label} {rule.title}：{rule.findings} 处（{rule.rows} 行）"
            )
        self.stdout.write(f"阻断 {totals['block']}，警告 {totals['warn']}")
        if options["xlsx"]:
            content, rows = quality_report_xlsx(batch=batch)
            Path(str(options["xlsx"])).write_bytes(content)
            self.stdout.write(f"质检问题 {rows} 行已写入 {options['xlsx']}")
