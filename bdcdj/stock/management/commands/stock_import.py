"""manage.py stock_import <mapping.yaml> [--by USER] [--url SOURCE=URL …]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bdcdj.accounts.models import User
from bdcdj.core.errors import DomainError
from bdcdj.stock.management.progress import console_bar
from bdcdj.stock.models import BatchStatus, ImportIssue
from bdcdj.stock.services.importing import stock_import


class Command(BaseCommand):
    help = "按映射文件把存量数据导入暂存区（CSV、XLSX、数据库）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("mapping", help="映射文件（YAML）；相对路径的数据文件按映射文件所在目录查找")
        parser.add_argument("--by", default="", help="操作人用户名（记入审计日志）")
        parser.add_argument("--url", action="append", default=[], help="覆盖数据库来源的地址：来源名=URL")

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["mapping"]))
        if not path.is_file():
            raise CommandError(f"映射文件不存在：{path}")
        by = None
        if options["by"]:
            by = User.objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"用户不存在：{options['by']}")
        urls = {}
        for pair in options["url"]:  # type: ignore[attr-defined]
            name, _, url = str(pair).partition("=")
            urls[name] = url
        try:
            result = stock_import(
                mapping_text=path.read_text(encoding="utf-8"),
                base_dir=path.resolve().parent,
                by=by,
                urls=urls,
                on_progress=console_bar("导入", self.stderr),
            )
        except DomainError as exc:
            for where, what in exc.fields.items():
                self.stderr.write(f"  {where}：{what}")
            raise CommandError(exc.message) from None
        batch = result.batch
        self.stderr.write("")
        if result.reused:
            self.stdout.write(f"内容与批次 {batch.pk} 相同，未重复导入（{batch.rows_staged} 行）")
            return
        issues = ImportIssue.objects.filter(batch=batch)
        for issue in issues[:20]:
            self.stdout.write(f"  [{issue.get_kind_display()}] {issue.message}")
        if issues.count() > 20:
            self.stdout.write(f"  …共 {issues.count()} 个问题，详见批次页面")
        if batch.status == BatchStatus.FAILED:
            raise CommandError(f"批次 {batch.pk} 导入失败，未留下暂存数据：{batch.error}")
        self.stdout.write(f"批次 {batch.pk}：读取 {batch.rows_read} 行，暂存 {batch.rows_staged} 行")
