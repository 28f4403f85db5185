"""Integrity supervision (廉政风险防控): administrator settings of the rule catalogue, the
alerts the rules raise, and what supervisors did with each alert."""

from django.conf import settings
from django.db import models

from bdcdj.core.models import RegionScoped

_USER = settings.AUTH_USER_MODEL


class Severity(models.TextChoices):
    HIGH = "high", "高"
    MEDIUM = "medium", "中"
    LOW = "low", "低"


class RuleSetting(models.Model):
    """An administrator's setting of one catalogue rule (`supervision.rules.CATALOGUE`).

    Absent row = the catalogue's defaults. `params` holds only the parameters that differ
    from the defaults' types checked by `rule_setting_update`.
    """

    code = models.CharField("规则代码", max_length=40, unique=True)
    enabled = models.BooleanField("启用", default=True)
    severity = models.CharField("风险等级", max_length=8, choices=Severity.choices)
    params = models.JSONField("参数", default=dict, blank=True)
    updated_by = models.ForeignKey(
        _USER, verbose_name="修改人", null=True, related_name="+", on_delete=models.PROTECT
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "廉政风险规则设置"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class AlertStatus(models.TextChoices):
    OPEN = "open", "待处理"
    ACKNOWLEDGED = "acknowledged", "已确认（核查中）"
    CLOSED = "closed", "已关闭"


class Alert(RegionScoped):
    """One hit of a rule on one subject (a case, a fee item, a staff member's day, a
    certificate number). Unique per rule and subject: later runs that find the same subject
    refresh `last_seen_at` and never open a second alert."""

    rule_code = models.CharField("规则代码", max_length=40)
    severity = models.CharField("风险等级", max_length=8, choices=Severity.choices)
    subject_type = models.CharField("对象类型", max_length=20)
    subject_key = models.CharField("对象标识", max_length=100)
    subject_label = models.CharField("对象", max_length=200)
    case_id = models.BigIntegerField("业务ID", null=True, blank=True)
    staff_id = models.BigIntegerField("相关人员ID", null=True, blank=True)
    staff_name = models.CharField("相关人员", max_length=150, blank=True)
    message = models.CharField("说明", max_length=500)
    detail = models.JSONField("详情", default=dict, blank=True)
    status = models.CharField("状态", max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    occurred_at = models.DateTimeField("发生时间")
    first_seen_at = models.DateTimeField("发现时间")
    last_seen_at = models.DateTimeField("最近发现时间")
    handled_by = models.ForeignKey(
        _USER, verbose_name="处理人", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "廉政风险预警"
        ordering = ["-first_seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "rule_code", "subject_key"], name="supervision_alert_once"
            )
        ]
        indexes = [models.Index(fields=["region_code", "status", "-first_seen_at"], name="supervision_queue")]

    def __str__(self) -> str:
        return f"{self.rule_code} {self.subject_label}"


class AlertNote(models.Model):
    """A supervisor's acknowledgement or closing of an alert, with the comment; append-only."""

    class Action(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", "确认核查"
        CLOSE = "close", "关闭"

    alert = models.ForeignKey(Alert, verbose_name="预警", related_name="notes", on_delete=models.CASCADE)
    action = models.CharField("操作", max_length=12, choices=Action.choices)
    comment = models.TextField("处理意见")
    by = models.ForeignKey(_USER, verbose_name="处理人", related_name="+", on_delete=models.PROTECT)
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "预警处理记录"
        ordering = ["alert_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"
