"""Bookkeeping of one-way ferry packages (extranet → intranet): what left, what arrived."""

from django.db import models


class FerryExport(models.Model):
    """A package written by this node; `sequence` increases by one per package."""

    package_id = models.CharField("包标识", max_length=36, unique=True)
    sequence = models.PositiveIntegerField("序号", unique=True)
    last_outbox_id = models.PositiveBigIntegerField("包含的最大报文编号")
    message_count = models.PositiveIntegerField("报文数")
    digest = models.CharField("清单 SM3", max_length=64)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "摆渡导出"
        ordering = ["-sequence"]

    def __str__(self) -> str:
        return f"摆渡包 {self.sequence}（{self.message_count} 条）"


class FerryImport(models.Model):
    """A package accepted here. The pair (source, sequence) and the package id are unique, so a
    replayed or re-ordered package is refused."""

    package_id = models.CharField("包标识", max_length=36, unique=True)
    source_region = models.CharField("来源节点", max_length=6)
    sequence = models.PositiveIntegerField("序号")
    message_count = models.PositiveIntegerField("报文数")
    accepted = models.PositiveIntegerField("接收成功")
    rejected = models.PositiveIntegerField("接收失败")
    digest = models.CharField("清单 SM3", max_length=64)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "摆渡导入"
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["source_region", "sequence"], name="uniq_ferry_source_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.source_region} 摆渡包 {self.sequence}"
