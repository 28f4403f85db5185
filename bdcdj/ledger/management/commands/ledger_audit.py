"""`manage.py ledger_audit`: recompute the log from the register events and certificates and
from itself; exit 1 and list the findings when anything was changed."""

from django.core.management.base import BaseCommand, CommandError

from bdcdj.ledger.audit import ledger_audit


class Command(BaseCommand):
    help = "审计透明日志：从登簿事件、电子证照和日志本身重新计算并比对，发现篡改即报告"

    def handle(self, *args: object, **options: object) -> None:
        report = ledger_audit()
        self.stdout.write(
            f"已检查条目 {report.checked_entries} 条、子树 {report.checked_nodes} 个、"
            f"树头 {report.checked_heads} 个"
        )
        if not report.ok:
            for finding in report.findings:
                self.stdout.write(f"  - {finding}")
            raise CommandError(f"发现 {len(report.findings)} 处不一致")
        self.stdout.write("未发现篡改")
