from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bdcdj.core.errors import DomainError
from bdcdj.huijiao.services import package_import


class Command(BaseCommand):
    help = "导入汇交包：校验签名、摘要、序号连续性与重放后入库，并运行质检"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("package", help="汇交包文件")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["package"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            outcome = package_import(source=path, via="command")
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        package = outcome.package
        self.stdout.write(
            f"已导入汇交包 {package.region_code} 第 {package.serial} 号（{package.get_kind_display()}）："
            f"记录 {package.row_count} 条（新增 {package.inserted}、更新 {package.updated}、"
            f"未变 {package.unchanged}），"
            f"质检阻断 {package.qc_blocking} 条、警告 {package.qc_warnings} 条"
        )
