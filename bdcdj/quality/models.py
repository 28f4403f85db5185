"""Recorded quality findings: one row per finding of every stage (登簿 — including attempts
that were refused —, message ingest and stock import), the source of the statistics page.

Rows are written only by `services.quality_findings_save` and never changed.
"""

from django.db import models
from django.utils import timezone

from bdcdj.core.models import RegionScoped
from bdcdj.quality.findings import Severity, Stage


class SubjectType(models.TextChoices):
    CASE = "case", "登记业务"
    MESSAGE = "message", "接入报文"
    STOCK_ROW = "stock_row", "存量数据"
    PARCEL = "parcel", "宗地/宗海"


class QualityFinding(RegionScoped):
    rule_id = models.CharField("规则编号", max_length=20)
    severity = models.CharField("严重程度", max_length=8, choices=Severity.choices)
    stage = models.CharField("检查环节", max_length=12, choices=Stage.choices)
    subject_type = models.CharField("对象类型", max_length=16, choices=SubjectType.choices)
    subject_ref = models.CharField("对象标识", max_length=100)
    table_code = models.CharField("数据表", max_length=40, blank=True)
    field_code = models.CharField("字段", max_length=40, blank=True)
    row_index = models.PositiveIntegerField("行号", null=True, blank=True)
    message = models.TextField("问题说明")
    suggestion = models.CharField("建议", max_length=200, blank=True)
    created_at = models.DateTimeField("发现时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "数据质量问题"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["region_code", "created_at"], name="quality_region_time"),
            models.Index(fields=["rule_id", "created_at"], name="quality_rule_time"),
            models.Index(fields=["subject_type", "subject_ref"], name="quality_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.subject_type}:{self.subject_ref}"
