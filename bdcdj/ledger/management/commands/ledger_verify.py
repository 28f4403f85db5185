"""`manage.py ledger_verify`: the independent verifier (bdcdj/ledger/verifier.py, which runs
without the project too) — a PDF or an event against a signed head and an inclusion proof."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bdcdj.ledger import verifier


class Command(BaseCommand):
    help = "独立核验：电子证照 PDF 或登簿事件是否包含在节点签名的透明日志中（不信任服务器）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--public-key", required=True)
        parser.add_argument("--url")
        parser.add_argument("--bundle")
        parser.add_argument("--pdf")
        parser.add_argument("--event")
        parser.add_argument("--event-hash", default="")

    def handle(self, *args: object, **options: str | None) -> None:
        argv = ["--public-key", str(options["public_key"])]
        for name in ("url", "bundle", "pdf", "event", "event_hash"):
            if options.get(name):
                argv += [f"--{name.replace('_', '-')}", str(options[name])]
        if verifier.main(argv) != 0:
            raise CommandError("核验未通过")
