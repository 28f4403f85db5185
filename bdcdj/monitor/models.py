"""登簿日志 sent by this node (DailyLog), logs received from lower nodes with their comparison
(ReceivedDailyLog, LogDiscrepancy), and the cached per-node daily metrics (DailyMetric).

Rows are written only by `monitor.services`.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from bdcdj.core.models import RegionScoped


class DailyLogStatus(models.TextChoices):
    BUILT = "built", "已生成"
    SENT = "sent", "已发送未确认"
    ACKED = "acked", "上级已接收"


class DailyLog(RegionScoped):
    """The 登簿日志 of one district and day as this node built (and possibly sent) it."""

    day = models.DateField("日志日期")
    xml = models.BinaryField("日志 XML")
    signature = models.CharField("SM2 签名", max_length=128)
    status = models.CharField(
        "状态", max_length=8, choices=DailyLogStatus.choices, default=DailyLogStatus.BUILT
    )
    register_total = models.PositiveIntegerField("登簿量", default=0)
    access_total = models.PositiveIntegerField("接入量", default=0)
    attempts = models.PositiveIntegerField("发送次数", default=0)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    response_code = models.CharField("应答代码", max_length=8, blank=True)
    response = models.TextField("应答信息", blank=True)
    built_at = models.DateTimeField("生成时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "登簿日志（上报）"
        ordering = ["-day", "region_code"]
        constraints = [models.UniqueConstraint(fields=["region_code", "day"], name="monitor_dailylog_unique")]

    def __str__(self) -> str:
        return f"{self.region_code} {self.day}"


class ReceivedDailyLog(RegionScoped):
    """A lower node's 登簿日志 as received here; a re-send of the same day replaces the content."""

    node = models.ForeignKey(
        "hub.LowerNode", on_delete=models.PROTECT, related_name="daily_logs", verbose_name="来源节点"
    )
    day = models.DateField("日志日期")
    xml = models.BinaryField("日志 XML")
    digest = models.CharField("SM3 摘要", max_length=64)
    signature = models.CharField("SM2 签名", max_length=128)
    register_total = models.PositiveIntegerField("登簿量", default=0)
    access_total = models.PositiveIntegerField("接入量", default=0)
    register_counts = models.JSONField("登簿量（按登记类型）", default=dict)
    access_counts = models.JSONField("接入量（按登记类型）", default=dict)
    matched = models.PositiveIntegerField("已接入登簿数", default=0)
    missing_count = models.PositiveIntegerField("登簿未接入", default=0)
    unregistered_count = models.PositiveIntegerField("接入未登簿", default=0)
    revisions = models.PositiveIntegerField("接收次数", default=1)
    received_at = models.DateTimeField("接收时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "登簿日志（接收）"
        ordering = ["-day", "region_code"]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "day"], name="monitor_receivedlog_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.day}"


class DiscrepancyKind(models.TextChoices):
    MISSING_ACCESS = "missing", "登簿未接入"
    UNREGISTERED = "unregistered", "接入未登簿"


class LogDiscrepancy(RegionScoped):
    """One difference found when a daily log was compared with the received messages.

    `needs_resend` marks 登簿未接入 items the county must 补报 (BizMsgID[:18] + BBXZ, §4.8);
    `resolved_at` is set when an accepted message of the business arrives (the item is off the
    list the county gets back)."""

    log = models.ForeignKey(
        ReceivedDailyLog, on_delete=models.CASCADE, related_name="discrepancies", verbose_name="登簿日志"
    )
    kind = models.CharField("类别", max_length=12, choices=DiscrepancyKind.choices)
    business_number = models.CharField("业务号", max_length=64, blank=True)
    unit_code = models.CharField("不动产单元号", max_length=40, blank=True)
    biz_msg_id = models.CharField("业务报文ID", max_length=40, blank=True)
    registration_type = models.CharField("登记类型", max_length=4, blank=True)
    reason = models.CharField("原因", max_length=200)
    needs_resend = models.BooleanField("需补报", default=False)
    resolved_at = models.DateTimeField("补报到达时间", null=True, blank=True)
    resolved_by = models.CharField("补报报文ID", max_length=40, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "日志比对差异"
        ordering = ["log", "kind", "business_number", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.business_number}"


class DailyMetric(RegionScoped):
    """Monitoring dimensions of one lower node and day, computed from stored data (a cache:
    `metrics_compute` recomputes it at any time). Ratios are 0..1; None = no data that day."""

    day = models.DateField("日期")
    deliveries = models.PositiveIntegerField("投递次数", default=0)
    delivery_failures = models.PositiveIntegerField("拒收次数", default=0)
    stability = models.FloatField("稳定性", null=True, blank=True)
    registered = models.PositiveIntegerField("登簿量（日志）", null=True, blank=True)
    received = models.PositiveIntegerField("已接入登簿数", null=True, blank=True)
    completeness = models.FloatField("完整性", null=True, blank=True)
    consistency = models.FloatField("一致性", null=True, blank=True)  # the day's last reconciliation run
    messages = models.PositiveIntegerField("接收报文数", default=0)
    delay_median_seconds = models.FloatField("登簿至接收时延中位数（秒）", null=True, blank=True)
    within_hour = models.FloatField("1小时内接入占比", null=True, blank=True)
    within_workday = models.FloatField("1个工作日内接入占比", null=True, blank=True)
    findings = models.PositiveIntegerField("质检问题数", default=0)
    findings_per_message = models.FloatField("每报文质检问题", null=True, blank=True)
    rejected_share = models.FloatField("接入失败占比", null=True, blank=True)
    security_failures = models.PositiveIntegerField("认证/签名失败", default=0)
    score = models.FloatField("综合得分", null=True, blank=True)
    computed_at = models.DateTimeField("计算时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "监测指标（日）"
        ordering = ["-day", "region_code"]
        constraints = [models.UniqueConstraint(fields=["region_code", "day"], name="monitor_metric_unique")]

    def __str__(self) -> str:
        return f"{self.region_code} {self.day}"
