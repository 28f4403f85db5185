"""`manage.py load_standards [--overwrite]`: (re)load the national dictionaries from standards/data/."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bdcdj.standards.services import standards_load


class Command(BaseCommand):
    help = "从 bdcdj/standards/data/ 加载国家标准字典（可重复执行；默认不覆盖管理员的修改）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="把已有字典项的名称、上级代码、排序和启用状态重置为 CSV 中的值",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = standards_load(overwrite=options["overwrite"])
        self.stdout.write(
            f"字典：新建 {report.dictionaries_created} 个，更新 {report.dictionaries_updated} 个；"
            f"字典项：新建 {report.items_created} 项，更新 {report.items_updated} 项"
            f"（版本 {'、'.join(report.versions)}）"
        )
