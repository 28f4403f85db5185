"""Legacy (存量) data in staging: a batch per import, its rows as standard-table rows with a
reference to where they came from, what the import noticed, the link report and the quality
findings. The register itself is written only by `register.services.record` (see services/loading).

Staged rows are written by COPY on PostgreSQL, so every column the import does not fill has a
database default (`db_default`).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Now

from bdcdj.core.models import RegionScoped
from bdcdj.quality.findings import Severity


class BatchStatus(models.TextChoices):
    IMPORTING = "importing", "导入中"
    FAILED = "failed", "导入失败"
    STAGED = "staged", "已暂存"


class Job(models.TextChoices):
    IMPORT = "import", "导入暂存"
    LINK = "link", "关联"
    CHECK = "check", "质检"
    LOAD = "load", "入库"


class StockBatch(RegionScoped):
    """One run of a mapping file over its sources. `fingerprint` (SM3 of the mapping and of
    every source's content) makes re-running the same import a no-op."""

    name = models.CharField("批次名称", max_length=200)
    mapping_text = models.TextField("映射文件")
    fingerprint = models.CharField("内容摘要", max_length=64, db_index=True)
    standard_version = models.CharField("标准版本", max_length=4, default="2015")
    status = models.CharField(
        "状态", max_length=12, choices=BatchStatus.choices, default=BatchStatus.IMPORTING
    )
    job = models.CharField("正在执行", max_length=8, choices=Job.choices, blank=True)
    progress_done = models.BigIntegerField("已处理", default=0)
    progress_total = models.BigIntegerField("总数", default=0)
    error = models.TextField("错误", blank=True)
    summary = models.JSONField("统计", default=dict, blank=True)
    rows_read = models.BigIntegerField("读取行数", default=0)
    rows_staged = models.BigIntegerField("暂存行数", default=0)
    linked_at = models.DateTimeField("关联时间", null=True, blank=True)
    checked_at = models.DateTimeField("质检时间", null=True, blank=True)
    loaded_at = models.DateTimeField("入库时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("导入时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "存量导入批次"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（批次{self.pk}）"

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 100 if not self.job else 0
        return min(100, int(self.progress_done * 100 / self.progress_total))


class IssueKind(models.TextChoices):
    STRUCTURE = "structure", "文件结构错误"
    ENCODING = "encoding", "编码错误"
    MAPPING = "mapping", "映射错误"
    UNKNOWN_CODE = "unknown_code", "未知代码"
    BAD_VALUE = "bad_value", "取值无法转换"


class ImportIssue(models.Model):
    """What the import noticed, with the source row (1-based line of a file, row of a sheet, or
    primary key of a table). Structure, encoding and mapping issues fail the batch."""

    batch = models.ForeignKey(StockBatch, related_name="issues", on_delete=models.CASCADE)
    kind = models.CharField("类型", max_length=16, choices=IssueKind.choices)
    source = models.CharField("来源", max_length=100, blank=True)
    row_ref = models.CharField("行号/主键", max_length=100, blank=True)
    field_code = models.CharField("字段", max_length=40, blank=True)
    value = models.CharField("原值", max_length=200, blank=True)
    message = models.TextField("说明")

    class Meta:
        verbose_name = verbose_name_plural = "导入问题"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.source} {self.row_ref}：{self.get_kind_display()}"


class LoadStatus(models.TextChoices):
    PENDING = "pending", "待入库"
    LOADED = "loaded", "已入库"
    FAILED = "failed", "入库失败"
    BLOCKED = "blocked", "质检阻断"
    SKIPPED = "skipped", "不入库"


def _row_link() -> models.ForeignKey[Any, Any]:
    """A link to another staged row of the same batch (see `StagedRow`)."""
    return models.ForeignKey(
        "self",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_index=False,
        db_constraint=False,
    )


class StagedRow(RegionScoped):
    """One standard-table row (客体, 权利 or 主体) built from one source row.

    `data` holds the standard fields with personal values masked; the clear personal values
    are only in `pii_enc` (SM4, one JSON object) and `id_index`/`name_index` (keyed digests) serve
    matching. The columns below `data` are copies of the fields linking reads, so it can use
    indexes instead of JSON.
    """

    # Indexes are kept to the two the reads need: every index is paid for by each COPYed row.
    region_code = models.CharField("行政区划代码", max_length=6)
    batch = models.ForeignKey(StockBatch, related_name="rows", on_delete=models.CASCADE, db_index=False)
    table_code = models.CharField("标准表", max_length=40)
    source = models.CharField("来源", max_length=100)
    source_key = models.CharField("行号/主键", max_length=100)
    target_no = models.PositiveSmallIntegerField("映射序号", db_default=0)
    data = models.JSONField("字段值")
    pii_enc = models.TextField("个人信息（密文）", db_default="", blank=True)
    id_index = models.CharField("证件号索引", max_length=64, db_default="", blank=True)
    name_index = models.CharField("名称索引", max_length=64, db_default="", blank=True)
    unit_code = models.CharField("不动产单元号", max_length=40, db_default="", blank=True)
    certificate = models.CharField("证书号", max_length=100, db_default="", blank=True)
    business_no = models.CharField("业务号", max_length=100, db_default="", blank=True)
    prev_certificate = models.CharField("上手证号", max_length=100, db_default="", blank=True)
    prev_business = models.CharField("上手业务号", max_length=100, db_default="", blank=True)
    # set by linking; links stay inside one batch and are replaced or deleted with it, so they
    # carry neither an index nor a database constraint (deleting a batch must not check each row)
    unit_row = _row_link()
    right_row = _row_link()
    predecessor = _row_link()
    link_method = models.CharField("关联方式", max_length=12, db_default="", blank=True)
    link_confidence = models.DecimalField("关联可信度", max_digits=4, decimal_places=3, null=True, blank=True)
    party_key = models.CharField("主体归并键", max_length=64, db_default="", blank=True)
    # set by checking and loading
    blocking = models.PositiveIntegerField("阻断问题数", db_default=0)
    warnings = models.PositiveIntegerField("警告数", db_default=0)
    load_status = models.CharField(
        "入库状态", max_length=8, choices=LoadStatus.choices, db_default=LoadStatus.PENDING
    )
    load_error = models.TextField("入库说明", db_default="", blank=True)
    register_right_id = models.BigIntegerField("登记簿权利ID", null=True, blank=True)
    loaded_at = models.DateTimeField("入库时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "暂存数据"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "source", "source_key", "target_no"], name="stock_row_once_per_source_row"
            )
        ]
        indexes = [models.Index(fields=["batch", "table_code"], name="stock_row_batch_table")]

    def __str__(self) -> str:
        return f"{self.table_code} {self.source}:{self.source_key}"


class LinkKind(models.TextChoices):
    HEURISTIC = "heuristic", "按坐落/面积推断关联（待确认）"
    RIGHT_WITHOUT_UNIT = "right_no_unit", "权利无对应单元"
    UNIT_WITHOUT_RIGHT = "unit_no_right", "单元无权利"
    DUPLICATE_UNIT = "dup_unit", "单元重复"
    DUPLICATE_RIGHT = "dup_right", "权利重复（证号重复）"
    PARTY_CONFLICT = "party_conflict", "同一证件号名称不一致"
    PARTY_WITHOUT_RIGHT = "party_no_right", "权利人无对应权利"
    BROKEN_CHAIN = "broken_chain", "上手权利未找到"
    CHAIN_UNIT = "chain_unit", "上手权利不在同一单元"
    CHAIN_FORK = "chain_fork", "一个上手有多个下手"
    MULTIPLE_CURRENT = "multi_current", "同一单元多个现势权利"


class LinkFinding(models.Model):
    """One line of the link report a clerk works through."""

    batch = models.ForeignKey(StockBatch, related_name="link_findings", on_delete=models.CASCADE)
    kind = models.CharField("类型", max_length=16, choices=LinkKind.choices)
    row = models.ForeignKey(StagedRow, related_name="+", null=True, on_delete=models.CASCADE)
    related = models.ForeignKey(StagedRow, related_name="+", null=True, on_delete=models.CASCADE)
    key = models.CharField("对象", max_length=100, blank=True)
    confidence = models.DecimalField("可信度", max_digits=4, decimal_places=3, null=True)
    message = models.TextField("说明")

    class Meta:
        verbose_name = verbose_name_plural = "关联问题"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"


class StockFinding(models.Model):
    """A quality finding on a staged row (replaced by every check of the batch)."""

    batch = models.ForeignKey(StockBatch, related_name="findings", on_delete=models.CASCADE)
    row = models.ForeignKey(StagedRow, related_name="findings", on_delete=models.CASCADE)
    rule_id = models.CharField("规则编号", max_length=20)
    severity = models.CharField("严重程度", max_length=8, choices=Severity.choices)
    table_code = models.CharField("数据表", max_length=40)
    field_code = models.CharField("字段", max_length=40, blank=True)
    message = models.TextField("问题说明")
    suggestion = models.CharField("建议", max_length=200, blank=True)
    created_at = models.DateTimeField("发现时间", db_default=Now())

    class Meta:
        verbose_name = verbose_name_plural = "存量质检问题"
        ordering = ["id"]
        indexes = [models.Index(fields=["batch", "rule_id"], name="stock_finding_batch_rule")]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.table_code}.{self.field_code}"
