"""Write one finished month of the audit log to a compressed, signed JSON-lines archive."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bdcdj.core.errors import DomainError
from bdcdj.ops.services.archive import archive_month, archive_verify


class Command(BaseCommand):
    help = "按月归档审计日志（gzip 压缩的 JSON Lines + SM3 摘要清单，节点 SM2 签名）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="月份 YYYY-MM（须已结束）；last 表示上个月")
        parser.add_argument("--out", help="归档目录（默认 BDCDJ_ARCHIVE_DIR）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            archive = archive_month(
                month=options["month"], out_dir=Path(options["out"]) if options["out"] else None
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        report = archive_verify(path=Path(archive.path))
        if not report.ok:
            raise CommandError("；".join(report.problems))
        self.stdout.write(
            self.style.SUCCESS(f"已归档 {archive.month} 审计日志 {archive.rows} 条：{archive.path}")
        )
