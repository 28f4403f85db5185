"""`manage.py ledger_witness --url <node> --state <file> [--public-key 04…]`: check the node's
latest signed tree head against the last one seen (exit 1 with 告警 on a fork)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bdcdj.ledger.witness import WitnessAlert, witness_check


class Command(BaseCommand):
    help = "见证节点的透明日志：核验签名树头并确认与上次见到的树头一致（只追加、无分叉）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", required=True, help="节点地址，如 http://127.0.0.1:8000")
        parser.add_argument("--state", required=True, help="见证状态文件（JSON）")
        parser.add_argument("--public-key", default="", help="节点 SM2 公钥（首次运行时固定）")

    def handle(self, *args: object, **options: str) -> None:
        try:
            result = witness_check(
                url=options["url"], state_path=Path(options["state"]), public_key=options["public_key"]
            )
        except WitnessAlert as exc:
            raise CommandError(f"告警：{exc}") from exc
        self.stdout.write(result.message)
