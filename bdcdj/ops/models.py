"""Operational state: process heartbeats and the record of monthly log archives."""

from django.db import models


class Heartbeat(models.Model):
    """The last sign of life of a background process (worker, relay), one row per name."""

    name = models.CharField("进程", max_length=32, unique=True)
    host = models.CharField("主机", max_length=100, blank=True)
    pid = models.PositiveIntegerField("进程号", default=0)
    started_at = models.DateTimeField("启动时间")
    beat_at = models.DateTimeField("最近心跳")

    class Meta:
        verbose_name = verbose_name_plural = "进程心跳"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"


class LogArchive(models.Model):
    """One month of a log table written to a compressed JSON-lines file with a signed
    manifest. Rows of that month may be pruned only after the file verified again."""

    kind = models.CharField("日志", max_length=16)  # "audit"
    month = models.CharField("月份", max_length=7)  # YYYY-MM
    path = models.CharField("文件", max_length=500)
    rows = models.PositiveIntegerField("记录数")
    first_id = models.PositiveBigIntegerField("首条ID", null=True, blank=True)
    last_id = models.PositiveBigIntegerField("末条ID", null=True, blank=True)
    file_sm3 = models.CharField("文件SM3", max_length=64)
    content_sm3 = models.CharField("内容SM3", max_length=64)
    created_at = models.DateTimeField("归档时间", auto_now_add=True)
    verified_at = models.DateTimeField("最近校验时间", null=True, blank=True)
    pruned_at = models.DateTimeField("清理时间", null=True, blank=True)
    pruned_rows = models.PositiveIntegerField("清理记录数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "日志归档"
        ordering = ["-month", "kind", "-id"]
        indexes = [models.Index(fields=["kind", "month"], name="ops_archive_month")]

    def __str__(self) -> str:
        return f"{self.kind} {self.month} ({self.rows})"
