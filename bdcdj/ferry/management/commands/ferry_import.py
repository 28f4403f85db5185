from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bdcdj.core.errors import DomainError
from bdcdj.ferry.services import ferry_import


class Command(BaseCommand):
    help = "导入摆渡包：校验签名、摘要与序号后接收其中的报文"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("package", help="摆渡包文件")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["package"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            result = ferry_import(package=path.read_bytes())
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"已导入摆渡包 {result.sequence}：接收成功 {result.accepted} 条，失败 {result.rejected} 条"
        )
