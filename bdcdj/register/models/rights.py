"""权利 and 主体: one `Right` table for every kind (common columns of the standard's right
tables), typed per-kind details in `details_*`, and the parties of each right.

Rights are never deleted. A right that stops being current keeps its row with `ended_at`
and the business that ended it, which is what "state as of a past date" reads.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from bdcdj.core.models import RegionScoped
from bdcdj.register.models.choices import (
    ENDED_STATUSES,
    TITLE_KINDS,
    PartyRole,
    RightKind,
    RightStatus,
)
from bdcdj.register.models.fields import code_field


class Right(RegionScoped):
    unit = models.ForeignKey(
        "register.Unit", verbose_name="不动产单元", related_name="rights", on_delete=models.PROTECT
    )
    kind = models.CharField("权利种类", max_length=32, choices=RightKind.choices)
    right_type = code_field("权利类型")  # QLLX
    registration_type = code_field("登记类型", blank=False)  # DJLX
    reason = models.CharField("登记原因", max_length=500, blank=True)
    certificate_number = models.CharField(
        "不动产权证书号/登记证明号", max_length=100, blank=True, db_index=True
    )
    business_number = models.CharField("业务号", max_length=50, db_index=True)
    registered_at = models.DateTimeField("登簿时间")
    registrar = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登簿人", related_name="+", on_delete=models.PROTECT
    )
    registrar_name = models.CharField("登簿人姓名", max_length=50)
    status = models.CharField(
        "权属状态", max_length=1, choices=RightStatus.choices, default=RightStatus.CURRENT
    )
    predecessor = models.ForeignKey(
        "self",
        verbose_name="上手权利",
        related_name="successors",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    ended_at = models.DateTimeField("终止时间", null=True, blank=True)
    ended_by_business = models.CharField("注销/终止业务号", max_length=50, blank=True)
    ended_by_name = models.CharField("注销登簿人", max_length=50, blank=True)
    end_reason = models.CharField("注销原因", max_length=500, blank=True)
    co_ownership = code_field("共有方式", max_length=2)  # GYFS
    remarks = models.TextField("附记", blank=True)
    recorded_event = models.ForeignKey(
        "register.RegisterEvent",
        verbose_name="登簿事件",
        related_name="rights_recorded",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    ended_event = models.ForeignKey(
        "register.RegisterEvent",
        verbose_name="终止事件",
        related_name="rights_ended",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = verbose_name_plural = "权利"
        ordering = ["registered_at", "id"]
        indexes = [
            models.Index(fields=["unit", "status"], name="register_right_unit_status"),
            models.Index(fields=["unit", "registered_at"], name="register_right_unit_time"),
        ]
        constraints = [
            # The last line of defence against two concurrent 登簿 both creating a title.
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(status=RightStatus.CURRENT, kind__in=sorted(TITLE_KINDS)),
                name="uniq_current_title_per_unit",
            ),
            models.CheckConstraint(
                condition=(Q(status__in=sorted(ENDED_STATUSES), ended_at__isnull=False))
                | (~Q(status__in=sorted(ENDED_STATUSES)) & Q(ended_at__isnull=True)),
                name="right_ended_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_current(self) -> bool:
        return self.status == RightStatus.CURRENT

    @property
    def detail(self) -> Any:
        """The typed detail row of this right's kind, or None (uses select_related caches)."""
        from bdcdj.register.models.details import DETAIL_RELATED_NAMES

        name = DETAIL_RELATED_NAMES.get(self.kind)
        if name is None:
            return None
        try:
            return getattr(self, name)
        except models.ObjectDoesNotExist:
            return None


class Party(RegionScoped):
    """权利人/义务人 of one right (ZTT_GY_QLR). Names, ID numbers and phones are stored only
    SM4-encrypted; `id_index` is the HMAC-SM3 blind index for exact search by ID number."""

    right = models.ForeignKey(Right, verbose_name="权利", related_name="parties", on_delete=models.PROTECT)
    role = models.CharField("当事人类别", max_length=24, choices=PartyRole.choices)
    order = models.PositiveSmallIntegerField("顺序号", default=1)
    party_type = code_field("权利人类型", max_length=2, blank=False)  # QLRLX
    name_enc = models.TextField("名称（密文）")
    name_masked = models.CharField("名称（脱敏）", max_length=200)
    id_type = code_field("证件种类", max_length=2)  # ZJZL
    id_number_enc = models.TextField("证件号（密文）", blank=True)
    id_masked = models.CharField("证件号（脱敏）", max_length=50, blank=True)
    id_index = models.CharField("证件号索引", max_length=64, blank=True, db_index=True)
    share = models.DecimalField("份额（%）", max_digits=7, decimal_places=4, null=True, blank=True)
    holds_certificate = models.BooleanField("是否持证人", default=False)
    certificate_number = models.CharField("不动产权证书号（分别持证）", max_length=100, blank=True)
    phone_enc = models.TextField("电话（密文）", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "权利人/义务人"
        ordering = ["right_id", "order", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name_masked}"
