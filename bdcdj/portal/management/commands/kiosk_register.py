"""Register a 24-hour self-service terminal of an office and print its secret (shown once);
`--disable` switches a terminal off (its cookie stops working at once)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bdcdj.core.errors import DomainError
from bdcdj.portal.models import KioskDevice, Office, Window
from bdcdj.portal.services import kiosk_device_register


class Command(BaseCommand):
    help = "登记自助终端并显示其密钥（只显示一次）；--disable 停用终端"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("device_id", help="终端编号（3–40位字母、数字、_、-）")
        parser.add_argument("--office", type=int, help="办事大厅编号（Office id）")
        parser.add_argument("--window", type=int, help="所在窗口编号（可选，评价器）")
        parser.add_argument("--name", default="", help="终端名称")
        parser.add_argument("--disable", action="store_true", help="停用该终端")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["disable"]:
            if not KioskDevice.objects.filter(device_id=options["device_id"]).update(is_active=False):
                raise CommandError("没有该终端")
            self.stdout.write(f"已停用 {options['device_id']}")
            return
        office = Office.objects.filter(pk=options["office"] or 0).first()
        if office is None:
            raise CommandError("请用 --office 指定存在的办事大厅编号")
        window = Window.objects.filter(pk=options["window"]).first() if options["window"] else None
        try:
            device, secret = kiosk_device_register(
                office=office, device_id=options["device_id"], name=options["name"], window=window
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"已登记 {device}（{office.name}）")
        self.stdout.write(f"密钥：{secret}")
        self.stdout.write("在终端浏览器打开 /portal/kiosk/activate/ 输入终端编号与密钥。")
