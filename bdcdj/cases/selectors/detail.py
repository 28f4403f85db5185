"""The case page: everything it shows, with parties masked unless the role may see them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bdcdj.accounts import pii
from bdcdj.accounts.selectors import AnyUser, can_view_pii, user_can
from bdcdj.accounts.services import audit_record
from bdcdj.cases.models import (
    OPEN_STAGES,
    STEP_PAGES,
    Case,
    CaseCertificate,
    CaseParty,
    CaseStatus,
    Fee,
    Material,
    Notice,
    Opinion,
    Stage,
    StepKind,
)
from bdcdj.cases.selectors.queues import case_get
from bdcdj.cases.selectors.sla import Sla, case_sla
from bdcdj.cases.services.applications import workflow_fields
from bdcdj.cases.services.common import has_role
from bdcdj.cases.workflows import BusinessType, business_type_get
from bdcdj.core.errors import DomainError
from bdcdj.register.selectors import UnitState, unit_state


@dataclass(frozen=True)
class UnitView:
    code: str
    location: str
    kind: str
    version_seen: int | None
    state: UnitState | None  # None when the unit can no longer be read
    changed_since_accept: bool


@dataclass(frozen=True)
class CaseDetail:
    """Everything the case page shows."""

    case: Case
    business_type: BusinessType
    steps: list[dict[str, Any]]  # workflow steps, each with "current": bool
    fields: list[dict[str, Any]]  # {code, label, value, display}
    parties: list[dict[str, Any]]
    parties_masked: bool
    units: list[UnitView]
    checklist: list[dict[str, Any]]  # checklist entries with "received" count
    missing_materials: list[str]
    materials: list[Material]
    opinions: list[Opinion]
    notices: list[Notice]
    fees: list[Fee]
    fee_total: Any
    certificates: list[CaseCertificate]
    quality_warnings: list[dict[str, Any]]
    register_warnings: list[str]
    sla: Sla
    actions: list[str]
    group_numbers: list[str]
    group_members: list[Case] = field(default_factory=list)  # 一并申请, in registration order


def _field_display(spec: Any, value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if spec.choices:
        return dict(spec.choices).get(str(value), str(value))
    suffix = "万元" if spec.type == "amount_wan" else ("㎡" if spec.type == "area" else "")
    return f"{value}{suffix}"


def _parties(user: AnyUser, case: Case) -> tuple[list[dict[str, Any]], bool]:
    rows = list(CaseParty.objects.filter(case=case).order_by("order", "id"))
    reveal = can_view_pii(user=user) and bool(rows)
    shown = []
    for row in rows:
        entry = {
            "id": row.pk,
            "role": row.role,
            "role_label": row.get_role_display(),
            "party_type": row.party_type,
            "name": row.name_masked,
            "id_type": row.id_type,
            "id_number": row.id_masked,
            "share": row.share,
        }
        if reveal:
            entry.update(name=pii.decrypt_text(row.name_enc), id_number=pii.decrypt_text(row.id_number_enc))
        shown.append(entry)
    if reveal:
        audit_record(
            actor=user,
            action="cases.party_reveal",
            object_type="cases.case",
            object_id=case.number,
            region_code=case.region_code,
            detail={"parties": len(rows)},
        )
    return shown, not reveal


def _units(user: AnyUser, case: Case) -> list[UnitView]:
    views = []
    for unit in case.units.order_by("order", "id"):
        try:
            state: UnitState | None = unit_state(user=user, code=unit.unit_code)
        except DomainError:
            state = None
        changed = (
            state is not None and unit.version_seen is not None and state.unit.version != unit.version_seen
        )
        views.append(UnitView(unit.unit_code, unit.location, unit.kind, unit.version_seen, state, changed))
    return views


def case_actions(*, user: AnyUser, case: Case) -> list[str]:
    """The service names the user may call on the case now (buttons of the case page)."""
    if case.stage not in OPEN_STAGES:
        return []
    step = case.workflow.step(case.step_code)
    actions: list[str] = []
    can_accept = user_can(user=user, page="cases.accept", write=True)
    before_register = case.stage in {Stage.INTAKE, Stage.ACCEPTED, Stage.REVIEW, Stage.REGISTER}
    if can_accept and before_register:
        actions += ["material_add", "withdraw"]
        actions.append("resume" if case.status == CaseStatus.SUSPENDED else "request_correction")
    own_step = user_can(user=user, page=STEP_PAGES[step["kind"]], write=True) and has_role(user, step["role"])
    if own_step and case.status in {CaseStatus.RUNNING, CaseStatus.DONE}:
        actions += {
            StepKind.ACCEPT: ["accept", "refuse"],
            StepKind.REVIEW: ["review"],
            StepKind.REGISTER: ["register", "review", "refresh_units"],
            StepKind.CERTIFY: ["certify"],
            StepKind.ISSUE: ["issue"],
            StepKind.ARCHIVE: ["archive"],
        }[step["kind"]]
    return actions


def case_detail(*, user: AnyUser, case_id: int) -> CaseDetail:
    case = case_get(user=user, case_id=case_id)
    bt = business_type_get(case.business_type)
    fields = [
        {
            "code": spec.code,
            "label": spec.label,
            "value": case.data[spec.code],
            "display": _field_display(spec, case.data[spec.code]),
        }
        for spec in workflow_fields(bt, case.workflow.custom_fields)
        if spec.code in case.data
    ]
    materials = list(case.materials.select_related("received_by").order_by("received_at", "id"))
    received = Counter(m.checklist_code for m in materials)
    checklist = [{**entry, "received": received.get(entry["code"], 0)} for entry in case.workflow.materials]
    fees = list(case.fees.order_by("id"))
    parties, masked = _parties(user, case)
    members = (
        list(Case.objects.filter(group_id=case.group_id).order_by("group_order", "id"))
        if case.group_id
        else []
    )
    return CaseDetail(
        case=case,
        business_type=bt,
        steps=[{**s, "current": s["code"] == case.step_code} for s in case.workflow.steps],
        fields=fields,
        parties=parties,
        parties_masked=masked,
        units=_units(user, case),
        checklist=checklist,
        missing_materials=[e["name"] for e in checklist if e.get("required") and not e["received"]],
        materials=materials,
        opinions=list(case.opinions.order_by("at", "id")),
        notices=list(case.notices.order_by("issued_at", "id")),
        fees=fees,
        fee_total=sum((f.amount for f in fees if not f.waived), start=0),
        certificates=list(case.certificates.order_by("id")),
        quality_warnings=list(case.quality_warnings),
        register_warnings=list(case.register_warnings),
        sla=case_sla(case),
        actions=case_actions(user=user, case=case),
        group_numbers=[m.number for m in members],
        group_members=members,
    )
