"""Reconciliation runs as recorded at the upper node: one row per run a lower node reported,
with the differences the upper node itself computed (docs/reconcile.md §Runs).

Rows are written only by `reconcile.services.reconcile_run_record`; they feed the monitor's
consistency dimension (docs/monitor.md §3).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from bdcdj.core.models import RegionScoped


class ReconcileRun(RegionScoped):
    """One comparison of a lower node's delivered records with this node's mirror of it."""

    node = models.ForeignKey(
        "hub.LowerNode", on_delete=models.PROTECT, related_name="reconcile_runs", verbose_name="下级节点"
    )
    depth = models.PositiveSmallIntegerField("树深度")
    lower_root = models.CharField("下级根哈希", max_length=64)
    upper_root = models.CharField("上级根哈希", max_length=64)
    lower_count = models.PositiveIntegerField("下级记录数")
    upper_count = models.PositiveIntegerField("上级镜像记录数")
    compared = models.PositiveIntegerField("比对记录数")
    differences = models.PositiveIntegerField("差异数")
    changed = models.PositiveIntegerField("内容不一致", default=0)
    only_lower = models.PositiveIntegerField("上级缺少", default=0)
    only_upper = models.PositiveIntegerField("上级多出", default=0)
    consistency = models.FloatField("一致率")
    round_trips = models.PositiveIntegerField("往返次数", default=0)
    bytes_exchanged = models.PositiveBigIntegerField("交换字节数", default=0)
    recorded_at = models.DateTimeField("核对时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "一致性核对记录"
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["node", "recorded_at"], name="reconcile_run_node_time")]

    def __str__(self) -> str:
        return f"{self.region_code} {self.recorded_at:%Y-%m-%d %H:%M} {self.differences}"


class DifferenceKind(models.TextChoices):
    CHANGED = "changed", "内容不一致"
    ONLY_LOWER = "only_lower", "上级缺少（需补报）"
    ONLY_UPPER = "only_upper", "上级多出"


class ReconcileDifference(RegionScoped):
    """A record that differs: its key names the table, the 业务号 and the row's position."""

    run = models.ForeignKey(
        ReconcileRun, on_delete=models.CASCADE, related_name="difference_rows", verbose_name="核对记录"
    )
    kind = models.CharField("类别", max_length=12, choices=DifferenceKind.choices)
    record_key = models.CharField("记录标识", max_length=200)
    table = models.CharField("数据表", max_length=40, blank=True)
    business_number = models.CharField("业务号", max_length=64, blank=True)
    unit_code = models.CharField("不动产单元号", max_length=40, blank=True)
    lower_hash = models.CharField("下级记录摘要", max_length=64, blank=True)
    upper_hash = models.CharField("上级记录摘要", max_length=64, blank=True)
    mirror_record = models.ForeignKey(
        "hub.MirrorRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="镜像记录",
    )

    class Meta:
        verbose_name = verbose_name_plural = "一致性核对差异"
        ordering = ["run", "kind", "record_key"]

    def __str__(self) -> str:
        return f"{self.kind} {self.record_key}"
