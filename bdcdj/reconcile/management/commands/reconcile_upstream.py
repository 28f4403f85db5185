import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from bdcdj.reconcile.client import HttpPeer
from bdcdj.reconcile.protocol import DepthMismatch, reconcile
from bdcdj.reconcile.sources import sent_records, tree_of


class Command(BaseCommand):
    help = "与上级节点核对：本节点已上报的数据与上级镜像是否一致（默克尔树逐层比对），并向上级报告核对结果"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-report", action="store_true", help="只核对，不向上级报告结果")

    def handle(self, *args: Any, **opts: Any) -> None:
        records = sent_records(region_code=settings.BDCDJ_REGION_CODE)
        peer = HttpPeer.upstream()
        tree = tree_of(records)
        try:
            diff = reconcile(tree, peer)
        except DepthMismatch as mismatch:
            tree = tree_of(records, depth=mismatch.depth)
            diff = reconcile(tree, peer)
        self.stdout.write(
            f"本地记录 {len(records)} 条；往返 {peer.round_trips} 次，"
            f"发送 {peer.sent} 字节，接收 {peer.received} 字节"
        )
        if not opts["no_report"]:
            answer = peer.report(
                {
                    "root": tree.root.hex(),
                    "count": tree.count,
                    "depth": tree.depth,
                    "round_trips": peer.round_trips,
                    "bytes": peer.sent + peer.received,
                    "buckets": {p: {k: h.hex() for k, h in tree.entries(p).items()} for p in diff.buckets},
                }
            )
            self.stdout.write(
                f"上级已记录核对结果（编号 {answer['run_id']}）：比对 {answer['compared']} 条，"
                f"差异 {answer['differences']} 条，一致率 {100 * float(answer['consistency']):.4f}%"
            )
        if diff.total == 0:
            self.stdout.write("核对一致")
            return
        for label, keys in (
            ("内容不一致", diff.changed),
            ("上级缺少", diff.only_local),
            ("上级多出", diff.only_remote),
        ):
            for key in keys:
                self.stdout.write(f"{label}：{key}")
        self.stdout.write(f"共 {diff.total} 处不一致")
        sys.exit(1)
