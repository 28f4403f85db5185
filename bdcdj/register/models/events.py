"""The register's event log: append-only and hash-chained per region.

Each event's `hash` is SM3 over the previous event's hash and a canonical JSON of the event
(`register.services.chain.event_hash`). Changing or removing any event breaks the chain, which
`manage.py verify_register_chain` detects. The ORM refuses UPDATE/DELETE here; on PostgreSQL a
trigger (migration 0002) refuses them for raw SQL as well.
"""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from bdcdj.register.models.choices import Operation

GENESIS_HASH = "0" * 64


class ImmutableRecordError(Exception):
    """Raised on any attempt to change or delete a register event."""


def _refuse(action: str) -> NoReturn:
    raise ImmutableRecordError(f"登簿事件只能追加，不能{action}")


class RegisterEventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        _refuse("修改")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        _refuse("修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse("删除")

    def _raw_delete(self, using: Any) -> int:
        _refuse("删除")


RegisterEventManager = models.Manager.from_queryset(RegisterEventQuerySet)


class RegisterEvent(models.Model):
    """One registration item as written into the register (one per `record` call)."""

    region_code = models.CharField("行政区划代码", max_length=6)
    seq = models.PositiveBigIntegerField("序号")
    kind = models.CharField("操作", max_length=24, choices=Operation.choices)
    occurred_at = models.DateTimeField("写入时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登簿人", related_name="+", on_delete=models.PROTECT
    )
    actor_name = models.CharField("登簿人姓名", max_length=50)
    business_number = models.CharField("业务号", max_length=50, db_index=True)
    registration_type = models.CharField("登记类型", max_length=4, blank=True)  # DJLX
    unit = models.ForeignKey(
        "register.Unit",
        verbose_name="不动产单元",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    unit_code = models.CharField("不动产单元号", max_length=28, blank=True)
    right = models.ForeignKey(
        "register.Right",
        verbose_name="权利",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    payload = models.JSONField("内容摘要", default=dict)
    prev_hash = models.CharField("上一条摘要", max_length=64)
    hash = models.CharField("摘要（SM3）", max_length=64, unique=True)

    objects = RegisterEventManager()

    class Meta:
        verbose_name = verbose_name_plural = "登簿事件"
        ordering = ["region_code", "seq"]
        constraints = [models.UniqueConstraint(fields=["region_code", "seq"], name="uniq_event_region_seq")]

    def __str__(self) -> str:
        return f"{self.region_code}#{self.seq} {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse("修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        _refuse("删除")


class ChainHead(models.Model):
    """The last event of a region's chain. Locked by every append, so appends serialise and
    the chain can never fork (SELECT … FOR UPDATE on PostgreSQL, the write lock on SQLite)."""

    region_code = models.CharField("行政区划代码", max_length=6, unique=True)
    seq = models.PositiveBigIntegerField("最新序号", default=0)
    hash = models.CharField("最新摘要", max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = verbose_name_plural = "事件链头"
        ordering = ["region_code"]

    def __str__(self) -> str:
        return f"{self.region_code}#{self.seq}"
