from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bdcdj.accounts.models import Organisation
from bdcdj.accounts.services import organisation_create
from bdcdj.channel.services import api_key_issue, institution_register
from bdcdj.core.errors import DomainError


class Command(BaseCommand):
    help = "为银行或房地产开发企业开通机构通道并签发接口密钥（密钥只显示一次）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--code", required=True, help="机构代码（不存在时新建机构）")
        parser.add_argument("--name", default="", help="机构名称（新建机构时必填）")
        parser.add_argument("--kind", choices=["bank", "developer"], default="bank")
        parser.add_argument("--region", default="340121", help="行政区划代码")
        parser.add_argument("--credit-code", required=True, help="统一社会信用代码")
        parser.add_argument("--key-name", default="初始密钥")
        parser.add_argument("--days", type=int, default=365)

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            organisation = Organisation.objects.filter(code=opts["code"]).first() or organisation_create(
                code=opts["code"], name=opts["name"], kind=opts["kind"], region_code=opts["region"]
            )
            institution = institution_register(organisation=organisation, credit_code=opts["credit_code"])
            issued = api_key_issue(institution=institution, name=opts["key_name"], days=opts["days"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"已开通机构通道：{organisation.name}（服务账号 {institution.service_user.username}）"
        )
        self.stdout.write(f"接口密钥（只显示这一次）：{issued.token}")
