"""What a case accumulates: materials, opinions, notices, fees, certificates and its timeline."""

from pathlib import PurePosixPath

from django.conf import settings
from django.db import models

from bdcdj.cases.models.cases import Case, CaseParty
from bdcdj.cases.models.choices import (
    DocumentKind,
    EventKind,
    FeeMode,
    MaterialForm,
    NoticeKind,
    OpinionResult,
)

_USER = settings.AUTH_USER_MODEL


def case_file_path(instance: models.Model, filename: str) -> str:
    """MEDIA_ROOT/cases/<region>/<case id>/<name>; names are generated, never the uploader's
    (an uploaded file name can carry a person's name)."""
    case: Case = instance.case  # type: ignore[attr-defined]
    return str(PurePosixPath("cases", case.region_code, str(case.pk), PurePosixPath(filename).name))


class Material(models.Model):
    """One received material (收件) of the checklist, stored with its SHA-256 and SM3 digests."""

    case = models.ForeignKey(Case, verbose_name="业务", related_name="materials", on_delete=models.CASCADE)
    checklist_code = models.CharField("收件清单代码", max_length=40)
    name = models.CharField("材料名称", max_length=100)
    file = models.FileField("文件", upload_to=case_file_path, max_length=200)
    content_type = models.CharField("文件类型", max_length=40)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    sm3 = models.CharField("SM3", max_length=64)
    form = models.CharField("收件类型", max_length=2, choices=MaterialForm.choices)
    pages = models.PositiveSmallIntegerField("页数", default=1)
    received_by = models.ForeignKey(_USER, verbose_name="收件人", related_name="+", on_delete=models.PROTECT)
    received_at = models.DateTimeField("收件时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "收件材料"
        ordering = ["case_id", "received_at", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_form_display()}）"


class Opinion(models.Model):
    """审核意见 of one step: 同意, 回退, 退件 or 转件 (CZJG)."""

    case = models.ForeignKey(Case, verbose_name="业务", related_name="opinions", on_delete=models.CASCADE)
    step_code = models.CharField("环节", max_length=32)
    step_name = models.CharField("环节名称", max_length=50)
    result = models.CharField("操作结果", max_length=1, choices=OpinionResult.choices)
    text = models.TextField("意见")
    by = models.ForeignKey(_USER, verbose_name="审核人", related_name="+", on_delete=models.PROTECT)
    by_name = models.CharField("审核人姓名", max_length=50)
    to_user = models.ForeignKey(
        _USER, verbose_name="转交给", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    at = models.DateTimeField("审核时间")

    class Meta:
        verbose_name = verbose_name_plural = "审核意见"
        ordering = ["case_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.step_name} {self.get_result_display()}"


class Notice(models.Model):
    """受理通知书, 不予受理通知书, 补正材料通知书 or 不予登记决定书, numbered gap-free per
    district, year and kind, with its PDF."""

    case = models.ForeignKey(Case, verbose_name="业务", related_name="notices", on_delete=models.CASCADE)
    region_code = models.CharField("行政区划代码", max_length=6, db_index=True)
    kind = models.CharField("文书种类", max_length=16, choices=NoticeKind.choices)
    year = models.PositiveSmallIntegerField("年份")
    serial = models.PositiveIntegerField("流水号")
    number = models.CharField("文书编号", max_length=40, unique=True)
    text = models.TextField("事由/内容", blank=True)
    items = models.JSONField("补正事项", default=list, blank=True)
    file = models.FileField("PDF", upload_to=case_file_path, max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64)
    issued_by = models.ForeignKey(_USER, verbose_name="出具人", related_name="+", on_delete=models.PROTECT)
    issued_at = models.DateTimeField("出具时间")

    class Meta:
        verbose_name = verbose_name_plural = "通知书/决定书"
        ordering = ["case_id", "issued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "kind", "year", "serial"], name="uniq_notice_serial"
            )
        ]

    def __str__(self) -> str:
        return self.number


class Fee(models.Model):
    """One fee item computed at 受理 from the workflow's fee list; a waiver needs a reason."""

    case = models.ForeignKey(Case, verbose_name="业务", related_name="fees", on_delete=models.CASCADE)
    code = models.CharField("收费项目代码", max_length=40)
    name = models.CharField("收费项目", max_length=100)
    mode = models.CharField("收费类型", max_length=2, choices=FeeMode.choices)
    unit_price = models.DecimalField("单价（元）", max_digits=12, decimal_places=2)
    quantity = models.DecimalField("计费数量", max_digits=15, decimal_places=2)
    basis = models.CharField("计费依据", max_length=200)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    waived = models.BooleanField("减免", default=False)
    waiver_reason = models.CharField("减免原因", max_length=200, blank=True)
    approved_by = models.ForeignKey(
        _USER, verbose_name="减免批准人", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = verbose_name_plural = "收费"
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.amount}元"


class CaseCertificate(models.Model):
    """A 不动产权证书 or 不动产登记证明 of the case: number taken at 登簿, PDF rendered at 缮证,
    handed over at 发证 (receiver stored encrypted)."""

    case = models.ForeignKey(Case, verbose_name="业务", related_name="certificates", on_delete=models.CASCADE)
    region_code = models.CharField("行政区划代码", max_length=6, db_index=True)
    kind = models.CharField("种类", max_length=12, choices=DocumentKind.choices)
    number = models.CharField("证号", max_length=100, unique=True)
    unit_codes = models.JSONField("不动产单元号", default=list)
    right_ids = models.JSONField("登记簿权利", default=list)
    holder = models.ForeignKey(
        CaseParty, verbose_name="持证人", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    file = models.FileField("PDF", upload_to=case_file_path, max_length=200, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    sm3 = models.CharField("SM3", max_length=64, blank=True)
    rendered_at = models.DateTimeField("缮证时间", null=True, blank=True)
    rendered_by = models.ForeignKey(
        _USER, verbose_name="缮证人", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    issued_at = models.DateTimeField("发证时间", null=True, blank=True)
    issued_by = models.ForeignKey(
        _USER, verbose_name="发证人", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    receiver_name_enc = models.TextField("领证人（密文）", blank=True)
    receiver_masked = models.CharField("领证人（脱敏）", max_length=200, blank=True)
    receiver_id_index = models.CharField("领证人证件号索引", max_length=64, blank=True)
    id_checked = models.BooleanField("已核验身份", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "证书/证明"
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return self.number


class CaseEvent(models.Model):
    """The case's timeline; `public` events are those the applicant sees (portal)."""

    case = models.ForeignKey(Case, verbose_name="业务", related_name="events", on_delete=models.CASCADE)
    region_code = models.CharField("行政区划代码", max_length=6, db_index=True)
    kind = models.CharField("事件", max_length=20, choices=EventKind.choices)
    step_code = models.CharField("环节", max_length=32, blank=True)
    by = models.ForeignKey(
        _USER, verbose_name="办理人", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    by_name = models.CharField("办理人姓名", max_length=50, blank=True)
    at = models.DateTimeField("时间")
    message = models.CharField("说明", max_length=500)
    public = models.BooleanField("对申请人公开", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "业务进度"
        ordering = ["case_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.message}"
