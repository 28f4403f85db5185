"""Regenerate the committed XSDs (`bdcdj/exchange/xsd/<scheme>/<RecType>.xsd`)."""

from typing import Any

from django.core.management.base import BaseCommand

from bdcdj.exchange.xsd.generator import write_all


class Command(BaseCommand):
    help = "由字段规格生成各业务编码的 XSD 文件"

    def handle(self, *args: Any, **opts: Any) -> None:
        written = write_all()
        self.stdout.write(f"已生成 {len(written)} 个 XSD 文件")
