"""Abstract bases shared by district-owned tables."""

from django.db import models


class RegionScoped(models.Model):
    """Every row that belongs to a district carries its 6-digit region code (行政区划代码).

    Selectors filter on it through `accounts.selectors.tenant_codes(user=...)`.
    """

    region_code = models.CharField("行政区划代码", max_length=6, db_index=True)

    class Meta:
        abstract = True


class Timestamped(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class CalendarOverride(models.Model):
    """An administrator's correction of the official calendar for one day.

    Needed for years the bundled `chinese-calendar` data does not cover yet (the State
    Council publishes the next year's holidays late in the year) and for local closures.
    """

    day = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    name = models.CharField("说明", max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "节假日与调休"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'工作日' if self.is_workday else '休息日'} {self.name}"


class ScheduledRun(models.Model):
    """The last moment a periodic task was enqueued for (`core.schedule`)."""

    name = models.CharField("任务", max_length=100, unique=True)
    last_due_at = models.DateTimeField("最近计划时间")
    enqueued_at = models.DateTimeField("最近入队时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "定时任务"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
