"""Precise query (精准查询): tasks issued at the national node and answered by county nodes.

National side: `CountyEndpoint` (where and to whom tasks go), `QueryTask`, `Assignment` (one per
county). County side: `InboxTask` (the task as received, worked by the A and B posts). Both:
`SeenNonce` (replay refusal) and `QueryLog` (date and item only). Rows are written by
`precise.services` only.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from bdcdj.core.models import RegionScoped


class TargetKind(models.TextChoices):
    PERSON = "person", "自然人（身份证件号码）"
    ORGANISATION = "organisation", "法人或其他组织（统一社会信用代码）"


class CountyEndpoint(models.Model):
    """A county node the national node sends tasks to (its API base URL and SM2 public key)."""

    region_code = models.CharField("行政区划代码", max_length=6, unique=True)
    name = models.CharField("节点名称", max_length=100)
    base_url = models.URLField("接口地址", max_length=300, blank=True)
    public_key_hex = models.CharField("SM2 公钥（十六进制）", max_length=130)
    push_enabled = models.BooleanField("主动推送", default=True)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "精准查询县级节点"
        ordering = ["region_code"]

    def __str__(self) -> str:
        return f"{self.region_code} {self.name}"


class QueryTask(RegionScoped):
    """A query task at the national node; `region_code` is the issuing node's district.

    The target is kept SM4-encrypted with its blind index and a masked form for display.
    """

    serial = models.CharField("任务编号", max_length=40, unique=True)
    authority = models.CharField("请求机关", max_length=100)
    legal_basis = models.CharField("法律依据", max_length=300)
    purpose = models.CharField("查询目的", max_length=300)
    target_kind = models.CharField("查询对象类别", max_length=12, choices=TargetKind.choices)
    target_enc = models.TextField("证件号码（密文）")
    target_index = models.CharField("证件号码索引", max_length=64, db_index=True)
    target_masked = models.CharField("证件号码（脱敏）", max_length=40)
    deadline_days = models.PositiveSmallIntegerField("办理时限（工作日）")
    deadline = models.DateTimeField("截止时间")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "精准查询任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.serial


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", "待送达"
    DELIVERED = "delivered", "已送达"
    ANSWERED = "answered", "已反馈"


class Assignment(models.Model):
    """One county's share of a task: delivery (push with retries, or pull) and its answer.

    `result_envelope` is kept exactly as received: encrypted for this node, signed by the county.
    """

    task = models.ForeignKey(QueryTask, on_delete=models.PROTECT, related_name="assignments")
    endpoint = models.ForeignKey(CountyEndpoint, on_delete=models.PROTECT, related_name="assignments")
    region_code = models.CharField("县级行政区划", max_length=6)
    status = models.CharField(
        "状态", max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING
    )
    attempts = models.PositiveIntegerField("推送次数", default=0)
    next_attempt_at = models.DateTimeField("下次推送", default=timezone.now)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    delivered_via = models.CharField("送达方式", max_length=8, blank=True)  # push | pull
    answered_at = models.DateTimeField("反馈时间", null=True, blank=True)
    unit_count = models.PositiveIntegerField("单元数", null=True, blank=True)
    on_time = models.BooleanField("按时反馈", null=True, blank=True)  # fixed when the answer arrives
    result_envelope = models.BinaryField("反馈信封（密文）", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "精准查询分派"
        ordering = ["task_id", "region_code"]
        constraints = [
            models.UniqueConstraint(fields=["task", "region_code"], name="precise_assignment_unique")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="precise_assignment_due")]

    def __str__(self) -> str:
        return f"{self.task_id} → {self.region_code}"


class InboxStatus(models.TextChoices):
    NEW = "new", "待办理"
    PREPARED = "prepared", "待复核"
    SENT = "sent", "已反馈"


class InboxTask(RegionScoped):
    """A task as received at a county node; `region_code` is the county it is addressed to.

    The target exists here only as ciphertext + blind index (and a masked form), and only until
    the result is sent; the draft result is SM4-encrypted at rest; after sending only the
    envelope sealed for the national node remains, which this node cannot read.
    """

    serial = models.CharField("任务编号", max_length=40)
    issuer_region = models.CharField("下达节点", max_length=6)
    authority = models.CharField("请求机关", max_length=100)
    legal_basis = models.CharField("法律依据", max_length=300)
    purpose = models.CharField("查询目的", max_length=300)
    target_kind = models.CharField("查询对象类别", max_length=12, choices=TargetKind.choices)
    target_enc = models.TextField("证件号码（密文）", blank=True)
    target_index = models.CharField("证件号码索引", max_length=64, blank=True, db_index=True)
    target_masked = models.CharField("证件号码（脱敏）", max_length=40, blank=True)
    deadline = models.DateTimeField("截止时间")
    received_at = models.DateTimeField("接收时间", default=timezone.now, db_index=True)
    received_via = models.CharField("接收方式", max_length=8, default="push")
    status = models.CharField("状态", max_length=10, choices=InboxStatus.choices, default=InboxStatus.NEW)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="经办人（A岗）",
    )
    prepared_at = models.DateTimeField("经办时间", null=True, blank=True)
    draft_enc = models.TextField("结果草稿（密文）", blank=True)
    unit_count = models.PositiveIntegerField("单元数", null=True, blank=True)
    return_reason = models.CharField("退回原因", max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="复核人（B岗）",
    )
    reviewed_at = models.DateTimeField("复核发送时间", null=True, blank=True)
    result_envelope = models.BinaryField("反馈信封（密文）", null=True, blank=True)
    acknowledged_at = models.DateTimeField("国家级节点确认时间", null=True, blank=True)
    send_attempts = models.PositiveIntegerField("上报次数", default=0)
    next_attempt_at = models.DateTimeField("下次上报", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "精准查询待办"
        ordering = ["deadline", "id"]
        constraints = [models.UniqueConstraint(fields=["region_code", "serial"], name="precise_inbox_unique")]

    def __str__(self) -> str:
        return f"{self.region_code} {self.serial}"


class SeenNonce(models.Model):
    """Envelope nonces seen from each sender, so a replayed envelope is refused."""

    sender = models.CharField("发送节点", max_length=6)
    nonce = models.CharField("随机数", max_length=32)
    seen_at = models.DateTimeField("接收时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "已用随机数"
        constraints = [models.UniqueConstraint(fields=["sender", "nonce"], name="precise_nonce_unique")]

    def __str__(self) -> str:
        return f"{self.sender} {self.nonce}"


class LogEvent(models.TextChoices):
    ISSUED = "issued", "下达"
    DELIVERED = "delivered", "送达"
    RECEIVED = "received", "接收"
    ANSWERED = "answered", "反馈"
    RESULT_RECEIVED = "result_received", "收到反馈"


class QueryLog(RegionScoped):
    """The query log: date and item only (task serial, node, event, counts) — never who or what
    was queried, nor who worked the task."""

    day = models.DateField("日期", db_index=True)
    task_serial = models.CharField("任务编号", max_length=40)
    event = models.CharField("事项", max_length=16, choices=LogEvent.choices)
    count = models.PositiveIntegerField("数量", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "精准查询日志"
        ordering = ["-day", "-id"]

    def __str__(self) -> str:
        return f"{self.day} {self.task_serial} {self.event}"
