"""What recognition leaves behind: one row per recognised material (fields SM4-encrypted, a
masked copy for pages, confidence, digests) and one row per comparison run of a case (the
findings, the opinion drafted from them and the digests of every input, so an automatic
decision can be re-examined later). Rows are never updated: a new run is a new row."""

from django.conf import settings
from django.db import models

from bdcdj.core.models import RegionScoped

_USER = settings.AUTH_USER_MODEL


class ReadPath(models.TextChoices):
    TEXT = "text", "文字层"
    OCR = "ocr", "文字识别（OCR）"
    NONE = "none", "未读取"


class RecognitionStatus(models.TextChoices):
    OK = "ok", "已识别"
    PARTIAL = "partial", "部分字段未识别"
    UNREADABLE = "unreadable", "无法读取"
    UNKNOWN_KIND = "unknown", "未识别出材料类型"


class Recognition(RegionScoped):
    case = models.ForeignKey(
        "cases.Case", verbose_name="业务", related_name="recognitions", on_delete=models.CASCADE
    )
    material = models.ForeignKey(
        "cases.Material", verbose_name="材料", related_name="recognitions", on_delete=models.CASCADE
    )
    material_sm3 = models.CharField("材料 SM3", max_length=64)
    expected_kind = models.CharField("应为材料类型", max_length=24, blank=True)
    kind = models.CharField("识别出的材料类型", max_length=24)
    path = models.CharField("读取方式", max_length=8, choices=ReadPath.choices)
    status = models.CharField("状态", max_length=12, choices=RecognitionStatus.choices)
    message = models.CharField("说明", max_length=200, blank=True)
    fields_enc = models.TextField("识别字段（密文）", blank=True)
    fields_masked = models.JSONField("识别字段（脱敏）", default=dict, blank=True)
    confidence = models.DecimalField("置信度", max_digits=4, decimal_places=3, default=0)
    text_sm3 = models.CharField("识别文本 SM3", max_length=64, blank=True)
    pages = models.PositiveSmallIntegerField("页数", default=0)
    engine = models.CharField("识别引擎", max_length=40, blank=True)
    duration_ms = models.PositiveIntegerField("耗时（毫秒）", default=0)
    created_by = models.ForeignKey(_USER, verbose_name="发起人", related_name="+", on_delete=models.PROTECT)
    created_at = models.DateTimeField("识别时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "材料识别结果"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["material", "material_sm3", "-created_at"], name="recog_material")]

    def __str__(self) -> str:
        return f"{self.kind} {self.get_status_display()}"


class ReviewRun(RegionScoped):
    """One comparison of a case's recognised materials with the application, the register and
    shared checks. `consistent` = no mismatch; `decisive` = every finding a match (what automatic
    approval of a configured business type needs)."""

    class Trigger(models.TextChoices):
        MANUAL = "manual", "人工发起"
        AUTO = "auto", "自动审核"

    case = models.ForeignKey(
        "cases.Case", verbose_name="业务", related_name="review_runs", on_delete=models.CASCADE
    )
    trigger = models.CharField("发起方式", max_length=8, choices=Trigger.choices)
    step_code = models.CharField("环节", max_length=32, blank=True)
    findings = models.JSONField("审核发现", default=list)
    matches = models.PositiveSmallIntegerField("一致", default=0)
    mismatches = models.PositiveSmallIntegerField("不一致", default=0)
    missing = models.PositiveSmallIntegerField("缺失", default=0)
    consistent = models.BooleanField("无不一致", default=False)
    decisive = models.BooleanField("全部一致", default=False)
    auto_approval = models.BooleanField("本业务允许智能审核自动通过", default=False)
    opinion = models.TextField("审核意见（草拟）", blank=True)
    rules_version = models.CharField("规则版本（SM3）", max_length=64)
    inputs_digest = models.CharField("输入摘要（SM3）", max_length=64)
    inputs = models.JSONField("输入清单（摘要）", default=dict)
    created_by = models.ForeignKey(_USER, verbose_name="发起人", related_name="+", on_delete=models.PROTECT)
    created_at = models.DateTimeField("审核时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "智能审核记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.matches}/{self.mismatches}/{self.missing}"
