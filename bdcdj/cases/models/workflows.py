"""Workflow definitions: per district and business type, versioned, never edited in place."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from bdcdj.core.models import RegionScoped


class WorkflowDefinition(RegionScoped):
    """One version of how a district handles a business type.

    Publishing creates a new version and deactivates the previous one; cases keep the version
    they started with (Case.workflow), so a change never rewrites work in progress. The JSON
    shapes are documented in docs/cases.md and validated by `workflow_publish`.
    """

    business_type = models.CharField("业务类型", max_length=40)
    version = models.PositiveIntegerField("版本")
    is_active = models.BooleanField("现行版本", default=True)
    steps = models.JSONField("环节", default=list)
    materials = models.JSONField("收件清单", default=list, blank=True)
    fees = models.JSONField("收费项目", default=list, blank=True)
    time_limit_workdays = models.PositiveSmallIntegerField("办理时限（工作日）")
    custom_fields = models.JSONField("自定义字段", default=list, blank=True)
    opinion_templates = models.JSONField("意见模板", default=dict, blank=True)
    note = models.CharField("版本说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "流程定义"
        ordering = ["region_code", "business_type", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "business_type", "version"], name="uniq_workflow_version"
            ),
            models.UniqueConstraint(
                fields=["region_code", "business_type"],
                condition=Q(is_active=True),
                name="uniq_active_workflow",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.business_type} v{self.version}"

    def step(self, code: str) -> dict[str, Any]:
        for step in self.steps:
            if step["code"] == code:
                return step
        raise KeyError(code)

    def step_index(self, code: str) -> int:
        return [s["code"] for s in self.steps].index(code)

    def material(self, code: str) -> dict[str, Any] | None:
        return next((m for m in self.materials if m["code"] == code), None)
