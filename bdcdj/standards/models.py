"""National dictionaries (代码表), gap-free code counters and certificate/proof numbers."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from bdcdj.core.models import RegionScoped

_CODE_RE = re.compile(r"^[0-9A-Za-z_.\-]+$")


class Dictionary(models.Model):
    """One code list of the data standard in one version ("2015", "2021"); versions coexist.

    Rows are loaded from `standards/data/` by a migration and may then be edited in the admin.
    """

    code = models.CharField("字典代码", max_length=32, validators=[RegexValidator(_CODE_RE)])
    version = models.CharField("版本", max_length=8)
    name = models.CharField("字典名称", max_length=100)
    source = models.CharField("来源", max_length=32, blank=True, help_text="标准附录表号（如 A17）或来源实现")
    note = models.TextField("说明", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "字典"
        ordering = ["code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="uniq_dictionary_code_version")
        ]

    def __str__(self) -> str:
        return f"{self.code}（{self.name}）{self.version}"


class DictionaryItem(models.Model):
    """One code of a dictionary. Inactive items stay readable (labels of old data) but fail validation."""

    dictionary = models.ForeignKey(
        Dictionary, related_name="items", on_delete=models.CASCADE, verbose_name="字典"
    )
    code = models.CharField("代码", max_length=32, validators=[RegexValidator(_CODE_RE)])
    label = models.CharField("名称", max_length=200)
    parent_code = models.CharField("上级代码", max_length=32, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "字典项"
        ordering = ["dictionary", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["dictionary", "code"], name="uniq_dictionary_item_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    def clean(self) -> None:
        if self.parent_code and self.parent_code == self.code:
            raise ValidationError({"parent_code": "上级代码不能是自身"})


class CodeSequence(models.Model):
    """A gap-free counter per scope (e.g. the 户号 of one building, the 证号 of one county and year).

    Only `standards.services` changes it, with a single UPDATE inside the caller's transaction, so a
    rolled-back caller gives its number back.
    """

    scope = models.CharField("序号范围", max_length=100, unique=True)
    last_value = models.PositiveBigIntegerField("当前最大值", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "编号序列"
        ordering = ["scope"]

    def __str__(self) -> str:
        return f"{self.scope} = {self.last_value}"


class CertificateKind(models.TextChoices):
    CERTIFICATE = "certificate", "不动产权证书"
    PROOF = "proof", "不动产登记证明"


class CertificateNumberTemplate(RegionScoped):
    """How a district composes 不动产权证书号 / 不动产登记证明号, e.g. 皖(2026)长丰县不动产权第0000001号.

    A template with an empty year applies to every year without a year-specific one. Districts that
    share `shared_scope` draw serials from one sequence.
    """

    year = models.PositiveSmallIntegerField("年份", null=True, blank=True, help_text="留空表示适用于所有年份")
    kind = models.CharField("证号类型", max_length=16, choices=CertificateKind.choices)
    province_abbr = models.CharField("省级简称", max_length=4)
    county_name = models.CharField("市县名称", max_length=40)
    width = models.PositiveSmallIntegerField(
        "流水号位数", default=7, validators=[MinValueValidator(4), MaxValueValidator(10)]
    )
    initial_serial = models.PositiveBigIntegerField(
        "初始顺序号", default=1, validators=[MinValueValidator(1)]
    )
    full_width_brackets = models.BooleanField("使用全角括号", default=False)
    shared_scope = models.CharField(
        "共用序列",
        max_length=32,
        blank=True,
        validators=[RegexValidator(r"^[0-9A-Za-z_\-]*$", "只能包含字母、数字、下划线和连字符")],
        help_text="几个区县共用一个流水号序列时填写相同的值；留空则按行政区划代码单独编号",
    )
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "证号模板"
        ordering = ["region_code", "kind", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "kind", "year"],
                condition=models.Q(year__isnull=False),
                name="uniq_cert_template_year",
            ),
            models.UniqueConstraint(
                fields=["region_code", "kind"],
                condition=models.Q(year__isnull=True),
                name="uniq_cert_template_any_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.get_kind_display()} {self.year or '各年'}"

    def clean(self) -> None:
        from bdcdj.standards.unit_code import UnitCodeError, validate_region_code

        try:
            validate_region_code(self.region_code)
        except UnitCodeError as exc:
            raise ValidationError({"region_code": exc.message}) from exc
        if self.width and self.initial_serial and self.initial_serial >= 10**self.width:
            raise ValidationError({"initial_serial": f"初始顺序号超出{self.width}位流水号的范围"})

    @property
    def sequence_key(self) -> str:
        return self.shared_scope or self.region_code


class CertificateNumber(RegionScoped):
    """An issued 证书号/证明号. Never deleted and never reused: a wrong number is voided with a reason."""

    class Status(models.TextChoices):
        ISSUED = "issued", "已使用"
        VOIDED = "voided", "已作废"

    kind = models.CharField("证号类型", max_length=16, choices=CertificateKind.choices)
    year = models.PositiveSmallIntegerField("年份")
    serial = models.PositiveBigIntegerField("流水号")
    number = models.CharField("证号", max_length=80, unique=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.ISSUED)
    voided_reason = models.CharField("作废原因", max_length=200, blank=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="作废人",
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "证号"
        ordering = ["-year", "region_code", "kind", "-serial"]
        indexes = [models.Index(fields=["region_code", "year", "kind"], name="cert_number_region_year")]

    def __str__(self) -> str:
        return self.number
