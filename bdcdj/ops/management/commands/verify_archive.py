"""Verify a log archive against its signed manifest; exit 1 and list the problems otherwise."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bdcdj.ops.services.archive import archive_verify


class Command(BaseCommand):
    help = "校验日志归档文件（清单签名、文件与内容 SM3、记录数）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="归档文件（.jsonl.gz）")
        parser.add_argument("--public-key", help="签名公钥（默认本节点公钥）")

    def handle(self, *args: Any, **options: Any) -> None:
        report = archive_verify(path=Path(options["file"]), public_key_hex=options["public_key"])
        if not report.ok:
            raise CommandError("归档校验失败：" + "；".join(report.problems), returncode=1)
        self.stdout.write(
            self.style.SUCCESS(f"归档校验通过：{report.manifest['month']} {report.manifest['rows']} 条")
        )
