"""The portal's calls into apps it does not own (sharing, payments, query), in one place.

Each call degrades instead of failing when the other app is not installed in this deployment
(e.g. a portal-only node): the page then says the service is unavailable (服务暂不可用).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.urls import NoReverseMatch, reverse

if TYPE_CHECKING:
    from bdcdj.cases.models import Case

UNAVAILABLE = "服务暂不可用"


@dataclass(frozen=True)
class CheckResult:
    status: str  # ok | mismatch | not_found | pending | unavailable
    message: str

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _unavailable(what: str) -> CheckResult:
    return CheckResult(status="unavailable", message=f"{what}{UNAVAILABLE}，请稍后再试")


def identity_check(*, name: str, id_number: str, operator: str) -> CheckResult:
    """公安 name + ID number check through `sharing.services.identity_verify`."""
    try:
        from bdcdj.sharing.services import identity_verify
    except ImportError:
        return _unavailable("实名核验")
    outcome = identity_verify(name=name, id_number=id_number, operator=operator)
    return CheckResult(status=outcome.status, message=outcome.message)


def sharing_check(*, kind: str, params: Mapping[str, str], operator: str) -> CheckResult:
    try:
        from bdcdj.sharing.services import check
    except ImportError:
        return _unavailable("核验")
    outcome = check(kind=kind, params=params, operator=operator)
    return CheckResult(status=outcome.status, message=outcome.message)


@dataclass(frozen=True)
class Payment:
    available: bool
    total: Decimal = Decimal("0")
    paid: bool = False
    status_label: str = ""
    receipt_url: str = ""
    checkout_url: str = ""


def payment_of(*, case: Case) -> Payment:
    try:
        from bdcdj.payments.selectors import payment_summary
    except ImportError:
        return Payment(available=False)
    summary = payment_summary(case=case)
    try:
        checkout = reverse("payments:checkout", kwargs={"case_id": case.pk})
    except NoReverseMatch:
        checkout = ""
    return Payment(
        available=True,
        total=summary.total,
        paid=summary.paid,
        status_label=summary.status_label,
        receipt_url=summary.receipt_url,
        checkout_url=checkout,
    )


@dataclass(frozen=True)
class Properties:
    available: bool
    items: tuple[Any, ...] = ()  # query.selectors.PropertySummary


def properties_for(*, id_number: str) -> Properties:
    """The person's current rights (every district of this node) from `query.properties_of`."""
    try:
        from bdcdj.query.selectors import properties_of
    except ImportError:
        return Properties(available=False)
    return Properties(available=True, items=tuple(properties_of(id_number=id_number)))


def url_or_empty(name: str) -> str:
    """A link to another app's page, or "" when that app is not mounted here."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""
