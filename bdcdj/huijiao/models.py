"""汇交 packages on both sides of a node link, and the upper node's store of standard rows.

Lower node: `OutgoingPackage`, one per package written (full or incremental), with the
register event range it covers and, once sent, the upper node's QC report.
Upper node: `IncomingPackage`, one per accepted package; `StandardRow`, the district's rows in
the standard's table layout keyed by table and natural key (so incrementals upsert); and
`PackageFinding`, the QC findings of each package with the row key they are about.
"""

from django.db import models
from django.utils import timezone

from bdcdj.core.models import RegionScoped


class PackageKind(models.TextChoices):
    FULL = "full", "全量"
    INCREMENTAL = "incremental", "增量"


class OutgoingStatus(models.TextChoices):
    BUILT = "built", "待上报"
    ACCEPTED = "accepted", "已接收"
    REJECTED = "rejected", "被拒绝"
    FAILED = "failed", "发送失败"


class PackageFacts(RegionScoped):
    """What both sides record of a package: its identity, serial and the event range it covers."""

    package_id = models.CharField("包标识", max_length=36, unique=True)
    serial = models.PositiveIntegerField("包序号")
    kind = models.CharField("类型", max_length=12, choices=PackageKind.choices)
    base_package_id = models.CharField("基础包标识", max_length=36, blank=True)
    seq_from = models.PositiveBigIntegerField("起始事件序号")
    seq_to = models.PositiveBigIntegerField("截止事件序号")
    head_hash = models.CharField("截止事件摘要", max_length=64)
    tables = models.JSONField("数据表", default=list)
    row_count = models.PositiveBigIntegerField("记录数", default=0)
    size_bytes = models.PositiveBigIntegerField("大小（字节）", default=0)
    manifest_sm3 = models.CharField("清单 SM3", max_length=64)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.region_code} 汇交包 {self.serial}（{self.get_kind_display()}）"


class OutgoingPackage(PackageFacts):
    """A package this node wrote. `serial` increases by one per district; `base_package_id` is
    the package an incremental continues; events `seq_from`..`seq_to` are what it covers."""

    file_path = models.CharField("文件", max_length=300)
    created_by = models.CharField("生成人", max_length=150, blank=True)
    created_at = models.DateTimeField("生成时间", default=timezone.now)
    status = models.CharField(
        "状态", max_length=10, choices=OutgoingStatus.choices, default=OutgoingStatus.BUILT
    )
    attempts = models.PositiveIntegerField("发送次数", default=0)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    response_code = models.CharField("应答代码", max_length=50, blank=True)
    response_message = models.TextField("应答信息", blank=True)
    qc_report = models.JSONField("质检报告", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "汇交包（上报）"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "serial"], name="uniq_huijiao_out_serial")
        ]


class IncomingPackage(PackageFacts):
    """A package accepted from a lower node. `(region_code, serial)` and the package id are
    unique, so a replayed or re-ordered package is refused."""

    node = models.ForeignKey(
        "hub.LowerNode", verbose_name="来源节点", related_name="huijiao_packages", on_delete=models.PROTECT
    )
    inserted = models.PositiveBigIntegerField("新增", default=0)
    updated = models.PositiveBigIntegerField("更新", default=0)
    unchanged = models.PositiveBigIntegerField("未变", default=0)
    file_path = models.CharField("文件", max_length=300, blank=True)
    via = models.CharField("接收方式", max_length=10)  # upload | command
    qc_blocking = models.PositiveIntegerField("阻断问题", default=0)
    qc_warnings = models.PositiveIntegerField("警告", default=0)
    imported_at = models.DateTimeField("导入时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "汇交包（接收）"
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "serial"], name="uniq_huijiao_in_serial")
        ]


class StandardRow(RegionScoped):
    """One row of a lower node's register in the standard's layout. Personal fields (names, ID
    numbers, phones, addresses) are kept only SM4-encrypted in `personal_enc`; `data` holds the
    other fields and the personal ones masked. `row_hash` is SM3 over the clear row."""

    table = models.CharField("数据表", max_length=40)
    row_key = models.CharField("主键", max_length=200)
    unit_code = models.CharField("不动产单元号", max_length=28, blank=True)
    data = models.JSONField("字段")
    personal_enc = models.TextField("个人信息（密文）", blank=True)
    row_hash = models.CharField("SM3", max_length=64)
    package = models.ForeignKey(
        IncomingPackage, verbose_name="最近汇交包", related_name="rows", on_delete=models.PROTECT
    )
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "汇交标准表记录"
        ordering = ["region_code", "table", "row_key"]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "table", "row_key"], name="uniq_huijiao_row")
        ]
        indexes = [
            models.Index(fields=["package", "unit_code"], name="huijiao_row_package_unit"),
            models.Index(fields=["region_code", "unit_code"], name="huijiao_row_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.table} {self.row_key}"


class PackageFinding(models.Model):
    """One QC finding on one row of a package (rule, severity, table, row key, field)."""

    package = models.ForeignKey(
        IncomingPackage, verbose_name="汇交包", related_name="findings", on_delete=models.PROTECT
    )
    rule_id = models.CharField("规则", max_length=20)
    severity = models.CharField("严重程度", max_length=8)
    table = models.CharField("数据表", max_length=40)
    row_key = models.CharField("主键", max_length=200)
    field = models.CharField("字段", max_length=40, blank=True)
    message = models.TextField("问题")
    suggestion = models.TextField("建议", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "汇交质检问题"
        ordering = ["package_id", "id"]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.table} {self.row_key}"
