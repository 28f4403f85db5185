"""The outbox of access messages. A row is written in the 登簿 transaction and delivered
upward by the relay afterwards; rows are never deleted (docs/exchange.md §Outbox)."""

from __future__ import annotations

from django.db import models


class OutboxStatus(models.TextChoices):
    INVALID = "invalid", "校验未通过"
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    ACKED = "acked", "接入成功"
    REJECTED = "rejected", "接入失败"
    FAILED = "failed", "发送失败"


class ResendReason(models.TextChoices):
    """Re-send suffixes of the standard (reference §4.8), appended to the first 18 characters."""

    BBXZ = "BBXZ", "补报（日志已上报、原报文失败或无回执）"
    CBXZ = "CBXZ", "重新上报（上级答复失败或比对不一致）"
    BL = "BL", "数据更正后重报"


class OutboxMessage(models.Model):
    region_code = models.CharField("行政区划代码", max_length=6, db_index=True)
    biz_msg_id = models.CharField("业务报文ID", max_length=24, unique=True)
    rectype = models.CharField("业务编码", max_length=7, blank=True)
    scheme = models.CharField("业务编码方案", max_length=8, default="revised")
    unit_code = models.CharField("不动产单元号", max_length=28, blank=True, db_index=True)
    case_id = models.PositiveBigIntegerField("业务ID", null=True, blank=True)
    case_number = models.CharField("业务号", max_length=50, db_index=True)
    right_ids = models.JSONField("登记簿权利", default=list, blank=True)
    xml = models.BinaryField("报文")
    status = models.CharField(
        "状态", max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.PENDING, db_index=True
    )
    errors = models.JSONField("校验错误", default=list, blank=True)
    attempts = models.PositiveIntegerField("发送次数", default=0)
    next_attempt_at = models.DateTimeField("下次发送时间", db_index=True)
    last_error = models.TextField("最近错误", blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    acked_at = models.DateTimeField("回执时间", null=True, blank=True)
    success_flag = models.CharField("回执成功标志", max_length=2, blank=True)
    response_code = models.CharField("回执代码", max_length=50, blank=True)
    response_info = models.TextField("回执信息", blank=True)
    ordered_at = models.DateTimeField("排序时间")  # per-unit order; a re-send keeps the original's
    resend_of = models.ForeignKey(
        "self", verbose_name="原报文", related_name="resends", null=True, blank=True, on_delete=models.PROTECT
    )
    resend_reason = models.CharField("重发原因", max_length=4, choices=ResendReason.choices, blank=True)
    superseded = models.BooleanField("已被重发替代", default=False)
    # A higher level (the upper node's own upstream) refused the message after the upper node
    # had accepted it; the rejection came back down (docs/exchange.md §上级拒收).
    upstream_rejected_by = models.CharField("拒收的上级区划", max_length=6, blank=True)
    upstream_rejected_at = models.DateTimeField("上级拒收时间", null=True, blank=True)
    created_by_name = models.CharField("操作人", max_length=50, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "上报报文"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="exchange_outbox_due"),
            models.Index(fields=["region_code", "unit_code", "ordered_at"], name="exchange_outbox_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.biz_msg_id} {self.get_status_display()}"

    @property
    def xml_bytes(self) -> bytes:
        return bytes(self.xml)


class ResendStatus(models.TextChoices):
    OPEN = "open", "待补报"
    QUEUED = "queued", "已生成补报报文"
    CLEARED = "cleared", "上级已销项"
    IMPOSSIBLE = "impossible", "无法自动补报"


class ResendRequest(models.Model):
    """A 登簿未接入 item the upper node listed for this district (补报, reference §4.7/§4.8).

    Written by `exchange.services.resend_requests_apply`; the outbox row that carries the 补报
    is `message` (a new BBXZ/CBXZ row, or the still undelivered original)."""

    region_code = models.CharField("行政区划代码", max_length=6, db_index=True)
    business_number = models.CharField("业务号", max_length=64)
    day = models.DateField("登簿日期", null=True, blank=True)
    unit_code = models.CharField("不动产单元号", max_length=40, blank=True)
    biz_msg_id = models.CharField("上级所列报文ID", max_length=40, blank=True)
    registration_type = models.CharField("登记类型", max_length=4, blank=True)
    reason = models.CharField("上级说明", max_length=200, blank=True)
    status = models.CharField("状态", max_length=12, choices=ResendStatus.choices, default=ResendStatus.OPEN)
    message = models.ForeignKey(
        OutboxMessage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resend_requests",
        verbose_name="补报报文",
    )
    note = models.CharField("处理说明", max_length=200, blank=True)
    requested_at = models.DateTimeField("首次要求时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "上级要求补报"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "business_number"], name="exchange_resend_unique")
        ]

    def __str__(self) -> str:
        return f"{self.business_number} {self.get_status_display()}"
