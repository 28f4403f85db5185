import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from bdcdj.reconcile.client import HttpPeer
from bdcdj.reconcile.protocol import DepthMismatch, reconcile
from bdcdj.reconcile.sources import sent_records, tree_of


class Command(BaseCommand):
    help = "与上级节点核对：本节点已上报的数据与上级镜像是否一致（默克尔树逐层比对）"

    def handle(self, *args: Any, **opts: Any) -> None:
        records = sent_records(region_code=settings.BDCDJ_REGION_CODE)
        peer = HttpPeer.upstream()
        tree = tree_of(records)
        try:
            diff = reconcile(tree, peer)
        except DepthMismatch as mismatch:
            diff = reconcile(tree_of(records, depth=mismatch.depth), peer)
        self.stdout.write(
            f"本地记录 {len(records)} 条；往返 {peer.round_trips} 次，"
            f"发送 {peer.sent} 字节，接收 {peer.received} 字节"
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
