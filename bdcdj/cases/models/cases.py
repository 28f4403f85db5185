"""The case (登记案件/业务) with its parties and units; written only by `cases.services`."""

from django.conf import settings
from django.db import models

from bdcdj.cases.models.choices import CaseRole, CaseStatus, Stage
from bdcdj.cases.models.workflows import WorkflowDefinition
from bdcdj.core.models import RegionScoped

_USER = settings.AUTH_USER_MODEL


class CaseGroup(RegionScoped):
    """一并申请: cases handled together and registered in order within one transaction
    (e.g. 转移 then 抵押 of the same unit, 一窗受理并行办理)."""

    name = models.CharField("名称", max_length=100, blank=True)
    created_by = models.ForeignKey(_USER, verbose_name="收件人", related_name="+", on_delete=models.PROTECT)
    created_at = models.DateTimeField("收件时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "一并申请"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name or f"一并申请 #{self.pk}"


class Case(RegionScoped):
    """One application, from 收件 to 归档.

    `data` holds the validated application fields of the business type and workflow (no names
    or ID numbers: parties are `CaseParty` rows, encrypted). The SLA clock runs in working days
    from 受理 (`accepted_at`) to 办结 (`completed_at`), minus `suspended_workdays`.
    """

    number = models.CharField("业务号", max_length=24, unique=True)
    business_type = models.CharField("业务类型", max_length=40, db_index=True)
    workflow = models.ForeignKey(
        WorkflowDefinition, verbose_name="流程定义版本", related_name="cases", on_delete=models.PROTECT
    )
    group = models.ForeignKey(
        CaseGroup,
        verbose_name="一并申请",
        related_name="cases",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    group_order = models.PositiveSmallIntegerField("登簿顺序", default=0)
    status = models.CharField(
        "案件状态", max_length=1, choices=CaseStatus.choices, default=CaseStatus.RUNNING
    )
    stage = models.CharField("阶段", max_length=12, choices=Stage.choices, default=Stage.INTAKE)
    step_code = models.CharField("当前环节", max_length=32)
    assigned_to = models.ForeignKey(
        _USER, verbose_name="指定办理人", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    data = models.JSONField("申请信息", default=dict, blank=True)
    handlers = models.JSONField("各环节办理人", default=dict, blank=True)
    time_limit_workdays = models.PositiveSmallIntegerField("办理时限（工作日）")
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    deadline = models.DateField("办结期限", null=True, blank=True, db_index=True)
    suspended_since = models.DateTimeField("暂停时间", null=True, blank=True)
    suspended_workdays = models.PositiveSmallIntegerField("累计暂停工作日", default=0)
    completed_at = models.DateTimeField("办结时间", null=True, blank=True)
    registered_at = models.DateTimeField("登簿时间", null=True, blank=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    close_reason = models.TextField("不予受理/不予登记/撤回原因", blank=True)
    register_warnings = models.JSONField("登簿提示", default=list, blank=True)
    quality_warnings = models.JSONField("质检提示", default=list, blank=True)
    archive_number = models.CharField("档案号", max_length=50, blank=True)
    archive_location = models.CharField("存放位置", max_length=100, blank=True)
    created_by = models.ForeignKey(_USER, verbose_name="收件人", related_name="+", on_delete=models.PROTECT)
    created_at = models.DateTimeField("收件时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "登记业务"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["region_code", "stage", "deadline"], name="case_queue"),
            models.Index(fields=["region_code", "status", "deadline"], name="case_sla"),
            # statistics filter a district by date of 收件 and of 办结
            models.Index(fields=["region_code", "created_at"], name="case_region_created"),
            models.Index(fields=["region_code", "completed_at"], name="case_region_completed"),
        ]

    def __str__(self) -> str:
        return self.number


class CaseParty(RegionScoped):
    """申请人/权利人/义务人 of a case. Names, ID numbers and phones only SM4-encrypted, with
    masked forms for display and an HMAC-SM3 blind index for search by ID number."""

    case = models.ForeignKey(Case, verbose_name="业务", related_name="parties", on_delete=models.CASCADE)
    role = models.CharField("类别", max_length=24, choices=CaseRole.choices)
    order = models.PositiveSmallIntegerField("顺序号", default=1)
    party_type = models.CharField("权利人类型", max_length=2, default="1")
    name_enc = models.TextField("名称（密文）")
    name_masked = models.CharField("名称（脱敏）", max_length=200)
    id_type = models.CharField("证件种类", max_length=2, blank=True)
    id_number_enc = models.TextField("证件号（密文）", blank=True)
    id_masked = models.CharField("证件号（脱敏）", max_length=50, blank=True)
    id_index = models.CharField("证件号索引", max_length=64, blank=True, db_index=True)
    share = models.DecimalField("份额（%）", max_digits=7, decimal_places=4, null=True, blank=True)
    phone_enc = models.TextField("电话（密文）", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "申请人/当事人"
        ordering = ["case_id", "order", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name_masked}"


class CaseUnit(RegionScoped):
    """A unit the case touches. `version_seen` is the unit's register version at 受理: 登簿
    refuses (Conflict) when another registration touched the unit since."""

    case = models.ForeignKey(Case, verbose_name="业务", related_name="units", on_delete=models.CASCADE)
    unit_code = models.CharField("不动产单元号", max_length=28, db_index=True)
    order = models.PositiveSmallIntegerField("顺序号", default=1)
    kind = models.CharField("单元类别", max_length=12, blank=True)
    location = models.CharField("坐落", max_length=200, blank=True)
    built_area = models.DecimalField("建筑面积", max_digits=15, decimal_places=2, null=True, blank=True)
    version_seen = models.PositiveIntegerField("受理时单元版本", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "业务不动产单元"
        ordering = ["case_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "unit_code"], name="uniq_case_unit")]

    def __str__(self) -> str:
        return self.unit_code
