from typing import Any

from django.core.management.base import BaseCommand

from bdcdj.huijiao.xsd import write_all


class Command(BaseCommand):
    help = "按字段规格重新生成汇交表文件的 XSD（bdcdj/huijiao/xsd/）"

    def handle(self, *args: Any, **opts: Any) -> None:
        written = write_all()
        self.stdout.write(f"已生成 {len(written)} 个 XSD")
