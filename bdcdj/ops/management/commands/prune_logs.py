"""Delete one month of audit rows older than the retention period, only after its archive
verifies (docs/operations.md §保存期限与归档). The deletion is itself audited."""

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bdcdj.core.errors import DomainError
from bdcdj.ops.services.archive import audit_prune


class Command(BaseCommand):
    help = "清理超过保存期限且已归档并校验通过的某月审计日志"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="月份 YYYY-MM")
        parser.add_argument("--by", default="", help="操作人（记入审计日志；默认当前系统用户）")

    def handle(self, *args: Any, **options: Any) -> None:
        by = options["by"] or f"system:{getpass.getuser()}"
        try:
            deleted = audit_prune(month=options["month"], by=by)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"已清理 {options['month']} 审计日志 {deleted} 条"))
