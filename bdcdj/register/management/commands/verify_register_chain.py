"""Recompute the register's event hash chain and report the first broken link.

Exit code 0 and "链校验通过 N 条" when every region checks out; exit code 1 with the region,
sequence number and expected vs stored value of the first broken link otherwise.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bdcdj.register.services import chain_regions, chain_verify


class Command(BaseCommand):
    help = "校验登簿事件哈希链（SM3），报告第一处断链"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="只校验该行政区（6位代码）；默认校验全部行政区")
        parser.add_argument("--from-seq", type=int, default=1, help="从该序号开始校验（默认 1，即全链）")

    def handle(self, *args: Any, **options: Any) -> None:
        regions = [options["region"]] if options["region"] else chain_regions()
        total = 0
        for region in regions:
            report = chain_verify(region_code=region, from_seq=options["from_seq"])
            if report.broken is not None:
                raise CommandError(f"行政区 {region} 链校验失败：{report.broken.message}", returncode=1)
            self.stdout.write(f"行政区 {region}：链校验通过 {report.checked} 条")
            total += report.checked
        self.stdout.write(self.style.SUCCESS(f"链校验通过 {total} 条"))
