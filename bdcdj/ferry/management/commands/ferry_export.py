from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bdcdj.ferry.services import ferry_export


class Command(BaseCommand):
    help = "导出摆渡包：把尚未摆渡的上报报文打成带签名的包（外网 → 内网）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("directory", help="摆渡包写入的目录")

    def handle(self, *args: Any, **opts: Any) -> None:
        directory = Path(opts["directory"])
        if not directory.is_dir():
            raise CommandError(f"目录不存在：{directory}")
        result = ferry_export()
        if result is None:
            self.stdout.write("没有待摆渡的报文")
            return
        content, record = result
        path = directory / f"ferry-{record.sequence:06d}-{record.package_id}.zip"
        tmp = path.with_suffix(".zip.tmp")
        tmp.write_bytes(content)
        tmp.rename(path)  # the other side never picks up a half-written package
        self.stdout.write(f"已导出 {record.message_count} 条报文：{path}")
