"""Lower nodes, the access messages they deliver, and this node's mirror of their register.

Rows are written only by `hub.services`; the mirror is generic (rows keyed by table) so the
Merkle reconciliation can be built on `MirrorRecord.record_hash` later.
"""

from django.db import models
from django.utils import timezone

from bdcdj.core.models import RegionScoped


class NodeRole(models.TextChoices):
    COUNTY = "county", "市县节点"
    CITY = "city", "市级节点"
    PROVINCE = "province", "省级平台"


class LowerNode(models.Model):
    """A node allowed to deliver messages here. The bearer token is never stored, only its SM3."""

    region_code = models.CharField("行政区划代码", max_length=6, unique=True)
    name = models.CharField("节点名称", max_length=100)
    role = models.CharField("节点级别", max_length=12, choices=NodeRole.choices, default=NodeRole.COUNTY)
    public_key_hex = models.CharField("SM2 公钥（十六进制）", max_length=130)
    token_hash = models.CharField("令牌摘要（SM3）", max_length=64)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "下级节点"
        ordering = ["region_code"]

    def __str__(self) -> str:
        return f"{self.region_code} {self.name}"


class MessageStatus(models.TextChoices):
    ACCEPTED = "accepted", "接入成功"
    REJECTED = "rejected", "接入失败"


class Clearance(models.TextChoices):
    """销账状态 of a rejected message (standards §6); accepted messages carry NONE."""

    NONE = "", "无需销账"
    OPEN = "open", "未销账"
    CLEARED = "cleared", "销账成功"
    FAILED = "failed", "销账失败"


class ReceivedMessage(RegionScoped):
    """One access message (接入报文) as received, with the receipt that was answered.

    `region_code` is the head's AreaCode. A duplicate BizMsgID is answered from these fields.
    """

    biz_msg_id = models.CharField("业务报文ID", max_length=40, unique=True)
    node = models.ForeignKey(
        LowerNode, on_delete=models.PROTECT, related_name="messages", verbose_name="来源节点"
    )
    rectype = models.CharField("业务编码", max_length=7, blank=True)
    reg_type = models.CharField("登记类型", max_length=3, blank=True)
    right_type = models.CharField("权利类型", max_length=4, blank=True)
    estate_num = models.CharField("不动产单元号", max_length=40, blank=True, db_index=True)
    rec_flow_id = models.CharField("业务流水号", max_length=64, blank=True)
    create_date = models.CharField("登簿时间", max_length=32, blank=True)
    xml = models.BinaryField("报文")
    digest = models.CharField("报文 SM3 摘要", max_length=64)
    status = models.CharField("状态", max_length=10, choices=MessageStatus.choices)
    success_flag = models.CharField("SuccessFlag", max_length=1)
    response_code = models.CharField("响应代码", max_length=8)
    response_info = models.TextField("响应信息", blank=True)
    signature_ok = models.BooleanField("签名有效", default=False)
    findings = models.JSONField("质检问题", default=list, blank=True)
    received_at = models.DateTimeField("接收时间", default=timezone.now, db_index=True)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name="更正的原报文",
    )
    clearance = models.CharField("销账状态", max_length=8, choices=Clearance.choices, default="", blank=True)
    cleared_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="销账报文"
    )
    cleared_at = models.DateTimeField("销账时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接收的接入报文"
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["region_code", "received_at"], name="hub_msg_region_time"),
            models.Index(fields=["status", "clearance"], name="hub_msg_clearance"),
        ]

    def __str__(self) -> str:
        return self.biz_msg_id


class FailureKind(models.TextChoices):
    """Deliveries refused before a message was stored (the monitoring 'security' dimension)."""

    AUTH = "auth", "身份认证失败"
    SIGNATURE = "signature", "签名无效"
    AREA = "area", "区划不符"
    FORMAT = "format", "报文格式错误"
    SIZE = "size", "报文过大"


class DeliveryFailure(models.Model):
    node = models.ForeignKey(
        LowerNode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="failures",
        verbose_name="节点",
    )
    claimed_region = models.CharField("声明的区划", max_length=12, blank=True)
    kind = models.CharField("类别", max_length=10, choices=FailureKind.choices)
    response_code = models.CharField("响应代码", max_length=8)
    biz_msg_id = models.CharField("业务报文ID", max_length=40, blank=True)
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "拒收记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.claimed_region} {self.kind} {self.response_code}"


class MirrorStatus(models.TextChoices):
    CURRENT = "current", "现势"
    HISTORIC = "historic", "历史"


class MirrorRecord(RegionScoped):
    """One standard row (a table element of a message) of a lower node's register.

    `row_key` is `{table}:{YWH}:{n}` (n = the row's position among the rows of that table and
    YWH in its message), so a re-send of the same business updates the rows in place.
    """

    unit_code = models.CharField("不动产单元号", max_length=40, blank=True, db_index=True)
    table = models.CharField("数据表", max_length=40)
    row_key = models.CharField("行标识", max_length=140)
    business_no = models.CharField("业务号", max_length=64, blank=True)
    data = models.JSONField("字段值")
    record_hash = models.CharField("记录摘要（SM3）", max_length=64)
    status = models.CharField(
        "状态", max_length=10, choices=MirrorStatus.choices, default=MirrorStatus.CURRENT
    )
    updated_by_message = models.ForeignKey(
        ReceivedMessage, on_delete=models.PROTECT, related_name="mirror_rows", verbose_name="最后更新报文"
    )
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "下级登记簿镜像"
        ordering = ["region_code", "unit_code", "table", "row_key"]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "table", "row_key"], name="hub_mirror_row_unique")
        ]
        indexes = [models.Index(fields=["region_code", "unit_code", "status"], name="hub_mirror_unit")]

    def __str__(self) -> str:
        return self.row_key


class ForwardStatus(models.TextChoices):
    PENDING = "pending", "待转发"
    QUEUED = "queued", "已交发件箱"


class ForwardItem(models.Model):
    """An accepted message to pass upward (this node has BDCDJ_UPSTREAM_URL).

    When a higher level refuses the forwarded message, its receipt is kept here (`upstream_*`)
    until the lower node that delivered the message has fetched it (`passed_down_at`)."""

    message = models.OneToOneField(ReceivedMessage, on_delete=models.PROTECT, related_name="forward")
    status = models.CharField(
        "状态", max_length=10, choices=ForwardStatus.choices, default=ForwardStatus.PENDING
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    upstream_rejected_at = models.DateTimeField("上级拒收时间", null=True, blank=True)
    upstream_rejected_by = models.CharField("拒收的上级区划", max_length=6, blank=True)
    upstream_code = models.CharField("上级响应代码", max_length=50, blank=True)
    upstream_info = models.TextField("上级响应信息", blank=True)
    passed_down_at = models.DateTimeField("已下传时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "待上报转发"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.message_id} {self.status}"
