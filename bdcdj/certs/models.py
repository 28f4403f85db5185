"""Versions of electronic certificates, and the counters behind the public rate limits."""

from django.conf import settings
from django.db import models

from bdcdj.core.models import RegionScoped

_USER = settings.AUTH_USER_MODEL


class VersionStatus(models.TextChoices):
    VALID = "valid", "有效"
    SUPERSEDED = "superseded", "已更新（有新版本）"
    VOIDED = "voided", "已作废"


class CertificateVersion(RegionScoped):
    """One rendered, signed version of a 不动产权证书 / 不动产登记证明.

    The content always equals the register at the time of the version: when the register
    changes what a certificate says, the version becomes superseded and a new one is made;
    when the rights it reflects end, it is voided. The signed PDF carries personal data and is
    stored SM4-encrypted outside the web root (`file_path` under BDCDJ_CERTS_DIR/files). The
    verification code printed on the PDF is kept only as a keyed digest.
    """

    certificate = models.ForeignKey(
        "cases.CaseCertificate", verbose_name="证书/证明", related_name="versions", on_delete=models.PROTECT
    )
    kind = models.CharField("种类", max_length=12)  # cases.DocumentKind: certificate | proof
    number = models.CharField("证号", max_length=100, db_index=True)
    version = models.PositiveIntegerField("版本")
    status = models.CharField(
        "状态", max_length=12, choices=VersionStatus.choices, default=VersionStatus.VALID
    )
    right_ids = models.JSONField("登记簿权利", default=list)
    unit_codes = models.JSONField("不动产单元号", default=list)
    content_digest = models.CharField("内容摘要", max_length=64)
    masked = models.JSONField("脱敏内容", default=list)
    code_hash = models.CharField("核验码摘要", max_length=64)
    sm3 = models.CharField("SM3（签章后PDF）", max_length=64, db_index=True)
    sha256 = models.CharField("SHA-256（签章后PDF）", max_length=64)
    size = models.PositiveIntegerField("字节数")
    file_path = models.CharField("加密文件", max_length=200)
    signer_fingerprint = models.CharField("签章证书指纹（SM3）", max_length=64)
    created_at = models.DateTimeField("生成时间")
    created_by = models.ForeignKey(_USER, verbose_name="生成人", related_name="+", on_delete=models.PROTECT)
    voided_at = models.DateTimeField("失效时间", null=True, blank=True)
    void_reason = models.CharField("失效原因", max_length=300, blank=True)
    replaced_by = models.ForeignKey(
        "self", verbose_name="新版本", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = verbose_name_plural = "电子证照版本"
        ordering = ["number", "version"]
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="certs_unique_number_version"),
            models.UniqueConstraint(
                fields=["number"], condition=models.Q(status="valid"), name="certs_one_valid_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} 第{self.version}版"


class RateBucket(models.Model):
    """Hits of one client (keyed digest of its address, never the address) in one window."""

    scope = models.CharField("范围", max_length=32)
    key = models.CharField("客户端摘要", max_length=64)
    window = models.BigIntegerField("时间窗")
    hits = models.PositiveIntegerField("次数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "访问频率计数"
        constraints = [
            models.UniqueConstraint(fields=["scope", "key", "window"], name="certs_unique_rate_bucket")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]} {self.window}: {self.hits}"
