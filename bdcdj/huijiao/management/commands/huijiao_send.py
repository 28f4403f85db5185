from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bdcdj.core.errors import DomainError
from bdcdj.huijiao.services import packages_send


class Command(BaseCommand):
    help = "上报汇交包：按序号把未被接收的汇交包上传到上级节点（BDCDJ_UPSTREAM_URL），保存其质检报告"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--upstream", default=None, help="上级节点地址（默认 BDCDJ_UPSTREAM_URL）")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            report = packages_send(upstream_url=opts["upstream"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for package in report.accepted:
            qc = package.qc_report.get("qc", {}) if package.qc_report else {}
            self.stdout.write(
                f"汇交包 {package.region_code} 第 {package.serial} 号已被接收；"
                f"质检阻断 {qc.get('blocking', 0)} 条、警告 {qc.get('warnings', 0)} 条"
            )
        for package in [*report.rejected, *report.failed]:
            self.stderr.write(
                f"汇交包 {package.region_code} 第 {package.serial} 号{package.get_status_display()}："
                f"{package.response_message}"
            )
        if not (report.accepted or report.rejected or report.failed):
            self.stdout.write("没有待上报的汇交包")
        if report.rejected or report.failed:
            raise CommandError("部分汇交包未被接收")
