"""Give every district of this deployment (or the ones named) a default 办事大厅 with three
windows, and its portal service account. Idempotent."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bdcdj.accounts.models import Tenant
from bdcdj.portal.services import office_ensure, service_account


class Command(BaseCommand):
    help = "为区县创建默认办事大厅与网上申请服务账号（可重复执行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("regions", nargs="*", help="行政区划代码（默认全部租户）")

    def handle(self, *args: Any, **options: Any) -> None:
        tenants = Tenant.objects.order_by("region_code")
        if options["regions"]:
            tenants = tenants.filter(region_code__in=options["regions"])
        for tenant in tenants:
            office = office_ensure(
                region_code=tenant.region_code,
                name=f"{tenant.name}不动产登记中心办事大厅",
                address=f"{tenant.name}政务服务中心一楼",
            )
            account = service_account(region_code=tenant.region_code)
            self.stdout.write(
                f"{tenant.region_code} {tenant.name}: {office.name}，服务账号 {account.username}"
            )
