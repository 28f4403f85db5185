"""The checks a case's business type calls for, run by staff from the case page or the API:
identity of every party, tax status for transfers, the court order for seizures and the
marriage record of co-owning persons (共同共有)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bdcdj.accounts.models import AuditLog, User
from bdcdj.accounts.services import audit_record
from bdcdj.core.errors import Forbidden
from bdcdj.sharing.models import CourtOrder
from bdcdj.sharing.selectors import can_run_checks
from bdcdj.sharing.services.checks import CheckOutcome, check

if TYPE_CHECKING:
    from bdcdj.cases.models import Case

RESIDENT_ID, CREDIT_CODE = "1", "8"
JOINT = "1"  # 共同共有
SEIZURE_TYPES = {"seizure", "seizure_queue", "seizure_release"}
PARTY_ROLES_SKIPPED = {"agent"}  # an agent's identity is checked at the counter, not registered


def planned_checks(case: Case) -> list[tuple[str, dict[str, str]]]:
    from bdcdj.cases.services.applications import party_clear

    plans: list[tuple[str, dict[str, str]]] = []
    joint = str((case.data or {}).get("co_ownership", "")) == JOINT
    for row in case.parties.order_by("role", "order", "pk"):
        if row.role in PARTY_ROLES_SKIPPED:
            continue
        party = party_clear(row)
        if not party.id_number:
            continue
        if party.id_type == RESIDENT_ID:
            plans.append(("identity.id_card", {"name": party.name, "id_number": party.id_number}))
            if joint and row.role == "holder":
                plans.append(("info.marriage", {"id_number": party.id_number}))
        elif party.id_type == CREDIT_CODE:
            plans.append(("identity.credit_code", {"name": party.name, "credit_code": party.id_number}))
    if case.business_type.startswith("house_transfer"):
        for unit in case.units.order_by("order", "pk"):
            plans.append(("collab.tax_status", {"case_number": case.number, "unit_code": unit.unit_code}))
    if case.business_type in SEIZURE_TYPES:
        order = CourtOrder.objects.filter(case=case).first()
        if order is not None:
            plans.append(("collab.court_order", {"order_no": order.order_no}))
    return plans


def case_checks_run(*, case: Case, by: User, wait: bool = True) -> list[CheckOutcome]:
    """Run every planned check once; each is archived on the case (pending if a department is
    down, then retried by the worker)."""
    if not can_run_checks(user=by, case=case):
        raise Forbidden(code="page_forbidden", message="没有发起共享核验的权限")
    plans = planned_checks(case)
    outcomes = [
        check(kind=kind, params=params, operator=by.username, case=case, wait=wait) for kind, params in plans
    ]
    audit_record(
        actor=by,
        action="sharing.case_checks_run",
        object_type="cases.case",
        object_id=case.number,
        region_code=case.region_code,
        detail={"checks": len(outcomes)},
        outcome=AuditLog.Outcome.OK,
    )
    return outcomes
