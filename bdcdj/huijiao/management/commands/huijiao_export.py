import shutil
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bdcdj.core.errors import DomainError
from bdcdj.huijiao.models import PackageKind
from bdcdj.huijiao.services import package_export, package_path


class Command(BaseCommand):
    help = "导出汇交包：按标准表结构写出一个行政区登记簿的全量或增量数据，清单经本节点 SM2 签名"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--region", required=True, help="行政区划代码，如 340121")
        kind = parser.add_mutually_exclusive_group()
        kind.add_argument("--full", action="store_true", help="全量包（默认）")
        kind.add_argument("--incremental", action="store_true", help="增量包：上一个包之后的变化")
        parser.add_argument("--out", required=True, help="汇交包写入的目录")

    def handle(self, *args: Any, **opts: Any) -> None:
        directory = Path(opts["out"])
        if not directory.is_dir():
            raise CommandError(f"目录不存在：{directory}")
        kind = PackageKind.INCREMENTAL if opts["incremental"] else PackageKind.FULL
        try:
            package = package_export(region_code=opts["region"], kind=kind, by="manage.py huijiao_export")
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        target = directory / package.file_path
        partial = target.with_suffix(".zip.tmp")
        shutil.copyfile(package_path(package), partial)
        partial.rename(target)  # the other side never picks up a half-written package
        tables = "，".join(f"{t['table']} {t['rows']} 条" for t in package.tables)
        self.stdout.write(
            f"已导出{package.get_kind_display()}汇交包 {package.serial}"
            f"（登簿事件 {package.seq_from}–{package.seq_to}，"
            f"共 {package.row_count} 条记录）：{target}\n{tables}"
        )
