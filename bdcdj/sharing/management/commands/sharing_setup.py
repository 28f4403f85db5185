from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from bdcdj.sharing.services import sharing_setup


class Command(BaseCommand):
    help = "创建共享部门与接口配置（幂等）；--url 把所有部门指向该地址（如部门共享模拟服务）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default="", help="部门服务根地址，默认 BDCDJ_SHARING_SIMULATOR_URL")

    def handle(self, *args: Any, **opts: Any) -> None:
        url = opts["url"] or settings.BDCDJ_SHARING_SIMULATOR_URL
        result = sharing_setup(base_url=url, repoint=bool(opts["url"]))
        self.stdout.write(
            f"共享配置：新建部门 {result['departments']} 个、接口 {result['interfaces']} 个，"
            f"改指 {result['repointed']} 个部门"
        )
