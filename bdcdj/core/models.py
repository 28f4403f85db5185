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
