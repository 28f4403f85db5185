from typing import Any

from django.core.management.base import BaseCommand

from bdcdj.demo.dataset import load_demo


class Command(BaseCommand):
    help = "加载演示县（长丰县 340121）数据与演示账号"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--size", choices=["full", "small"], default="full")

    def handle(self, *args: Any, **opts: Any) -> None:
        report = load_demo(size=opts["size"])
        for note in report.notes:
            self.stdout.write(note)
        self.stdout.write(
            f"演示数据：新建账号 {report.users} 个，宗地 {report.parcels} 宗，户 {report.households} 户，"
            f"权利 {report.rights} 条（其中抵押 {report.mortgages} 条），"
            f"登簿事件 {report.events} 条。账号见 README。"
        )
