"""`manage.py precise_endpoint --region 340121 --name 长丰县 --url URL [--public-key HEX] [--pull-only]`"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bdcdj.core.errors import DomainError
from bdcdj.precise.services import endpoint_register


class Command(BaseCommand):
    help = "登记（或更新）精准查询的县级节点：接口地址与 SM2 公钥（缺省取下级节点登记的公钥）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", required=True, help="县级行政区划代码（6位）")
        parser.add_argument("--name", required=True, help="节点名称，如 长丰县")
        parser.add_argument("--url", default="", help="县级节点地址，如 http://10.0.0.5:8000")
        parser.add_argument("--public-key", default="", help="县级节点 SM2 公钥（十六进制）")
        parser.add_argument("--pull-only", action="store_true", help="不主动推送，由县级节点拉取")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            endpoint = endpoint_register(
                region_code=options["region"],
                name=options["name"],
                base_url=options["url"],
                public_key_hex=options["public_key"],
                push_enabled=not options["pull_only"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        mode = "拉取" if not endpoint.push_enabled else f"推送至 {endpoint.base_url}"
        self.stdout.write(f"已登记精准查询县级节点 {endpoint}（{mode}）")
