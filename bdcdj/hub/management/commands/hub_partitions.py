"""manage.py hub_partitions [--months-ahead N]: create the coming monthly partitions of the
received messages (PostgreSQL; idempotent, run daily — docs/scale.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bdcdj.hub.services.partitions import DEFAULT_MONTHS_AHEAD, messages_partitioned, partitions_ensure


class Command(BaseCommand):
    help = "创建接收报文表未来数月的分区（仅 PostgreSQL，可重复执行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--months-ahead", type=int, default=DEFAULT_MONTHS_AHEAD)

    def handle(self, *args: Any, **options: Any) -> None:
        if not messages_partitioned():
            self.stdout.write("本数据库未分区（非 PostgreSQL），无需创建分区")
            return
        created = partitions_ensure(months_ahead=max(0, int(options["months_ahead"])))
        for name in created:
            self.stdout.write(f"已创建分区 {name}")
        if not created:
            self.stdout.write("分区已齐全")
