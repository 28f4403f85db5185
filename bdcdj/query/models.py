"""Issued proofs (无房证明, 查询结果) and express shipments of paper certificates."""

from django.conf import settings
from django.db import models

from bdcdj.core.models import RegionScoped

_USER = settings.AUTH_USER_MODEL


class ProofKind(models.TextChoices):
    NO_HOUSE = "no_house", "无房证明"
    RECORD = "record", "不动产登记信息查询结果"


NUMBER_PREFIX = {ProofKind.NO_HOUSE: "WF", ProofKind.RECORD: "CX"}


class Proof(RegionScoped):
    """A proof issued about one person (the subject), signed like a certificate and verified on
    the same /verify/ page. The subject is kept only encrypted/masked/indexed; the PDF is
    SM4-encrypted under BDCDJ_CERTS_DIR/files."""

    kind = models.CharField("种类", max_length=12, choices=ProofKind.choices)
    number = models.CharField("编号", max_length=40, unique=True)
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("序号")
    subject_name_enc = models.TextField("被查询人（密文）")
    subject_masked = models.CharField("被查询人（脱敏）", max_length=200)
    subject_id_masked = models.CharField("证件号（脱敏）", max_length=50)
    subject_id_index = models.CharField("证件号索引", max_length=64, db_index=True)
    has_house = models.BooleanField("有住房")
    property_count = models.PositiveIntegerField("现势权利数")
    masked = models.JSONField("脱敏内容", default=list)
    code_hash = models.CharField("核验码摘要", max_length=64)
    sm3 = models.CharField("SM3（签章后PDF）", max_length=64, db_index=True)
    file_path = models.CharField("加密文件", max_length=200)
    issued_at = models.DateTimeField("出具时间")
    issued_by = models.ForeignKey(
        _USER, verbose_name="出具人", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    channel = models.CharField("渠道", max_length=12)  # console | portal
    purpose = models.CharField("用途", max_length=100, blank=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    void_reason = models.CharField("作废原因", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "查询证明"
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "kind", "year", "serial"], name="query_proof_serial"
            )
        ]

    def __str__(self) -> str:
        return self.number


class ShipmentStatus(models.TextChoices):
    CREATED = "created", "已下单"
    PICKED_UP = "picked_up", "已揽收"
    IN_TRANSIT = "in_transit", "运输中"
    OUT_FOR_DELIVERY = "out_for_delivery", "派送中"
    DELIVERED = "delivered", "已签收"
    FAILED = "failed", "派送失败"
    RETURNED = "returned", "已退回"


class Shipment(RegionScoped):
    """Express delivery of a case's paper certificates to the applicant."""

    case = models.ForeignKey(
        "cases.Case", verbose_name="业务", related_name="shipments", on_delete=models.PROTECT
    )
    certificate_numbers = models.JSONField("证书（证明）号", default=list)
    courier = models.CharField("快递公司", max_length=16)
    tracking_number = models.CharField("运单号", max_length=40)
    recipient_enc = models.TextField("收件人（密文）")
    recipient_masked = models.CharField("收件人（脱敏）", max_length=200)
    phone_enc = models.TextField("电话（密文）")
    phone_masked = models.CharField("电话（脱敏）", max_length=20)
    address_enc = models.TextField("地址（密文）")
    address_masked = models.CharField("地址（脱敏）", max_length=200)
    status = models.CharField(
        "状态", max_length=20, choices=ShipmentStatus.choices, default=ShipmentStatus.CREATED
    )
    created_at = models.DateTimeField("创建时间")
    created_by = models.ForeignKey(_USER, verbose_name="创建人", related_name="+", on_delete=models.PROTECT)
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        verbose_name = verbose_name_plural = "证书邮寄"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["courier", "tracking_number"], name="query_unique_tracking")
        ]

    def __str__(self) -> str:
        return f"{self.courier} {self.tracking_number}"


class ShipmentEvent(models.Model):
    """One status event reported by the courier's signed webhook."""

    shipment = models.ForeignKey(
        Shipment, verbose_name="邮寄", related_name="events", on_delete=models.CASCADE
    )
    status = models.CharField("状态", max_length=20, choices=ShipmentStatus.choices)
    occurred_at = models.DateTimeField("发生时间")
    place = models.CharField("地点", max_length=100, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    received_at = models.DateTimeField("接收时间")

    class Meta:
        verbose_name = verbose_name_plural = "邮寄轨迹"
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.occurred_at:%Y-%m-%d %H:%M}"


class WebhookNonce(models.Model):
    """Nonces of accepted webhook calls, kept for the timestamp window to refuse replays."""

    courier = models.CharField("快递公司", max_length=16)
    nonce = models.CharField("随机数", max_length=64)
    received_at = models.DateTimeField("接收时间", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "回调随机数"
        constraints = [models.UniqueConstraint(fields=["courier", "nonce"], name="query_unique_nonce")]

    def __str__(self) -> str:
        return f"{self.courier} {self.nonce}"
