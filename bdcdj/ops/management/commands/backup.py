"""Back up the node's database (pg_dump -Fc / SQLite online backup) with a signed manifest."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bdcdj.core.errors import DomainError
from bdcdj.ops.services.backup import backup_create
from bdcdj.ops.services.manifests import manifest_path


class Command(BaseCommand):
    help = (
        "备份数据库（PostgreSQL: pg_dump -Fc；SQLite: 在线备份），并写出签名清单（SM3、各行政区链头、记录数）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="备份目录")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backup_create(out_dir=Path(options["out"]))
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"备份完成：{path}\n清单：{manifest_path(path)}"))
