"""Field factories for the register's recurring value types, so every area and amount has the
same precision and the same Chinese validation message."""

from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models

AREA_MIN = Decimal("0.01")
positive_area = MinValueValidator(AREA_MIN, message="面积必须大于0")
non_negative_amount = MinValueValidator(Decimal("0"), message="金额不能为负数")


def area_field(verbose_name: str, **kwargs: Any) -> models.DecimalField:
    """m² unless the row's area unit says otherwise; Decimal(15,2), > 0 when given."""
    kwargs.setdefault("null", True)
    kwargs.setdefault("blank", True)
    return models.DecimalField(
        verbose_name, max_digits=15, decimal_places=2, validators=[positive_area], **kwargs
    )


def amount_field(verbose_name: str, **kwargs: Any) -> models.DecimalField:
    """Money in 万元 as Decimal(18,4) (ARCHITECTURE §5); never negative."""
    kwargs.setdefault("null", True)
    kwargs.setdefault("blank", True)
    return models.DecimalField(
        verbose_name, max_digits=18, decimal_places=4, validators=[non_negative_amount], **kwargs
    )


def code_field(verbose_name: str, *, max_length: int = 4, **kwargs: Any) -> models.CharField:
    """A national dictionary code (validated against `standards` by the service)."""
    kwargs.setdefault("blank", True)
    return models.CharField(verbose_name, max_length=max_length, **kwargs)
