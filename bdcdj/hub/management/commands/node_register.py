"""`manage.py node_register --region 340121 --name 长丰县 --public-key HEX` — prints the token once."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bdcdj.core.errors import DomainError
from bdcdj.hub.models import NodeRole
from bdcdj.hub.services import node_register


class Command(BaseCommand):
    help = "登记下级节点并签发接入令牌（令牌只显示一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", required=True, help="下级节点行政区划代码（6位）")
        parser.add_argument("--name", required=True, help="节点名称，如 长丰县")
        parser.add_argument("--public-key", required=True, help="节点 SM2 公钥（十六进制）")
        parser.add_argument("--role", default=NodeRole.COUNTY, choices=NodeRole.values, help="节点级别")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            registration = node_register(
                region_code=options["region"],
                name=options["name"],
                public_key_hex=options["public_key"],
                role=options["role"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stderr.write(f"已登记节点 {registration.node}；以下令牌只显示一次，请妥善保存：")
        self.stdout.write(registration.token)
