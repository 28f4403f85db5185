"""manage.py stock_load <batch> --by REGISTRAR [--force]"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bdcdj.accounts.models import User
from bdcdj.core.errors import DomainError
from bdcdj.stock.management.progress import batch_arg, console_bar
from bdcdj.stock.models import LoadStatus
from bdcdj.stock.services.loading import stock_load


class Command(BaseCommand):
    help = "把暂存数据经登记簿唯一写入口（record）入库；可重复运行，已入库的行跳过"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("batch", help="批次号")
        parser.add_argument("--by", required=True, help="登簿人员用户名（须属于批次所在行政区）")
        parser.add_argument("--force", action="store_true", help="接管被中断进程遗留的任务")

    def handle(self, *args: object, **options: object) -> None:
        batch = batch_arg(str(options["batch"]))
        by = User.objects.filter(username=options["by"]).first()
        if by is None:
            raise CommandError(f"用户不存在：{options['by']}")
        try:
            counts = stock_load(
                batch=batch, by=by, on_progress=console_bar("入库", self.stderr), force=bool(options["force"])
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stderr.write("")
        for status, count in sorted(counts.items()):
            self.stdout.write(f"  {LoadStatus(status).label}：{count}")
