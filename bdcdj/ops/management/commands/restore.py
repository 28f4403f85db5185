"""Restore a backup into an empty database and prove it: chain heads and counts must match the
manifest, and every region's hash chain must verify."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bdcdj.core.errors import DomainError
from bdcdj.ops.services.backup import backup_restore


class Command(BaseCommand):
    help = "从备份恢复到空数据库（PostgreSQL: pg_restore；SQLite: 文件复制），并核对链头与记录数"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="source", required=True, help="备份文件（清单在同目录）")
        parser.add_argument("--to", dest="target", help="目标数据库 URL（默认 DATABASE_URL）")
        parser.add_argument("--public-key", help="清单签名公钥（默认本节点公钥）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_restore(
                path=Path(options["source"]),
                target_url=options["target"],
                public_key_hex=options["public_key"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if not report.ok:
            raise CommandError("恢复核对失败：" + "；".join(report.problems))
        heads = report.restored["chain_heads"]
        for region, head in heads.items():
            self.stdout.write(f"行政区 {region}：链头 {head['seq']} {head['hash'][:16]}…")
        if not options["target"]:
            from bdcdj.register.services import chain_regions, chain_verify

            for region in chain_regions():
                chain = chain_verify(region_code=region)
                if not chain.ok:
                    raise CommandError(
                        f"行政区 {region} 链校验失败：{chain.broken.message if chain.broken else ''}"
                    )
        self.stdout.write(self.style.SUCCESS(f"恢复完成，{len(heads)} 个行政区链头与备份清单一致"))
