"""Institutions of the channel (banks, developers), their API keys and the items they submitted."""

from django.conf import settings
from django.db import models

from bdcdj.core.models import RegionScoped

_USER = settings.AUTH_USER_MODEL


class Institution(RegionScoped):
    """An organisation (bank or developer) allowed to use the channel in one district.

    `service_user` is the account the channel acts as (收件 and 受理 of its applications); it
    has no usable password, so nobody can sign in with it. A supervisor may close the port.
    """

    organisation = models.OneToOneField(
        "accounts.Organisation", verbose_name="机构", related_name="channel", on_delete=models.PROTECT
    )
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    service_user = models.OneToOneField(
        _USER, verbose_name="通道服务账号", related_name="channel_institution", on_delete=models.PROTECT
    )
    port_open = models.BooleanField("接口开放", default=True)
    closed_reason = models.CharField("关闭原因", max_length=500, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        _USER, verbose_name="关闭人", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField("开通时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "通道机构"
        ordering = ["region_code", "organisation__code"]

    def __str__(self) -> str:
        return self.organisation.name


class Scope(models.TextChoices):
    MORTGAGE = "mortgage", "抵押登记（首次、注销）"
    HANDOVER = "handover", "交房即交证"
    STATUS = "status", "办理状态查询与缴费"


class ApiKey(models.Model):
    """A key `bdk_<prefix>_<secret>`: shown once at creation; only the SM3 digest is kept and the
    prefix finds the row."""

    institution = models.ForeignKey(
        Institution, verbose_name="机构", related_name="keys", on_delete=models.PROTECT
    )
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField("前缀", max_length=16, unique=True)
    key_hash = models.CharField("密钥摘要（SM3）", max_length=64)
    scopes = models.JSONField("权限范围", default=list)
    expires_at = models.DateTimeField("有效期至")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        _USER, verbose_name="吊销人", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    created_by = models.ForeignKey(
        _USER, verbose_name="签发人", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField("签发时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口密钥"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"


class ItemKind(models.TextChoices):
    MORTGAGE = "mortgage", "抵押权首次登记"
    CANCEL = "cancel", "抵押权注销登记"
    HANDOVER = "handover", "交房即交证"


class ChannelItem(RegionScoped):
    """One accepted item of a batch: the institution's idempotency key, a digest of what was
    sent, and the case (or 一并申请 group) it became. Invalid items are not stored."""

    institution = models.ForeignKey(
        Institution, verbose_name="机构", related_name="items", on_delete=models.PROTECT
    )
    kind = models.CharField("类型", max_length=12, choices=ItemKind.choices)
    idempotency_key = models.CharField("幂等键", max_length=64)
    digest = models.CharField("内容摘要（SM3）", max_length=64)
    case = models.ForeignKey("cases.Case", verbose_name="业务", related_name="+", on_delete=models.PROTECT)
    mortgage_case = models.ForeignKey(
        "cases.Case",
        verbose_name="一并申请的抵押业务",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "通道申请"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "idempotency_key"], name="uniq_channel_item_key")
        ]

    def __str__(self) -> str:
        return f"{self.institution_id}:{self.idempotency_key}"
