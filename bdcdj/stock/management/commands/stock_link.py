"""manage.py stock_link <batch> [--xlsx report.xlsx] [--force]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bdcdj.core.errors import DomainError
from bdcdj.stock.management.progress import batch_arg, console_bar
from bdcdj.stock.models import LinkKind
from bdcdj.stock.selectors import link_report_xlsx
from bdcdj.stock.services.linking import stock_link


class Command(BaseCommand):
    help = "关联暂存数据（客体-主体-权利、上下手），生成关联问题清单"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("batch", help="批次号")
        parser.add_argument("--xlsx", default="", help="把关联问题清单写入此 XLSX 文件")
        parser.add_argument("--force", action="store_true", help="接管被中断进程遗留的任务")

    def handle(self, *args: object, **options: object) -> None:
        batch = batch_arg(str(options["batch"]))
        try:
            counts = stock_link(
                batch=batch, on_progress=console_bar("关联", self.stderr), force=bool(options["force"])
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stderr.write("")
        for kind, count in sorted(counts.items()):
            self.stdout.write(f"  {LinkKind(kind).label}：{count}")
        if options["xlsx"]:
            content, rows = link_report_xlsx(batch=batch)
            Path(str(options["xlsx"])).write_bytes(content)
            self.stdout.write(f"关联问题清单 {rows} 行已写入 {options['xlsx']}")
