"""`manage.py ledger_publish [--force]`: catch up, sequence the queue and sign a new tree head
(the same as the `ledger_publish_head` task; run it from cron or a timer every few minutes)."""

from django.core.management.base import BaseCommand, CommandParser

from bdcdj.ledger.services import tree_head_publish


class Command(BaseCommand):
    help = "透明日志：补录、上链并发布新的签名树头"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="即使树未增长也发布新树头")

    def handle(self, *args: object, **options: bool) -> None:
        head = tree_head_publish(force=options["force"])
        if head is None:
            self.stdout.write("树未增长，最新签名树头仍然有效")
        else:
            self.stdout.write(f"已发布签名树头：大小 {head.tree_size}，根 {head.root_hash}")
