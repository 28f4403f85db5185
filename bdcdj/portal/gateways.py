"""The payment block of the portal's case page: the payments app's summary joined with the
checkout link (`payments:checkout`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.urls import reverse

from bdcdj.payments.selectors import payment_summary

if TYPE_CHECKING:
    from bdcdj.cases.models import Case


@dataclass(frozen=True)
class Payment:
    total: Decimal
    paid: bool
    status_label: str
    receipt_url: str
    checkout_url: str


def payment_of(*, case: Case) -> Payment:
    summary = payment_summary(case=case)
    return Payment(
        total=summary.total,
        paid=summary.paid,
        status_label=summary.status_label,
        receipt_url=summary.receipt_url,
        checkout_url=reverse("payments:checkout", kwargs={"case_id": case.pk}),
    )
