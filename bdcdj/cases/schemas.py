"""Request and response schemas of the cases API (pydantic, via ninja), and the functions that
shape domain objects into responses. Every body is validated here first, so malformed input is
a 422 with per-field messages, never a 500."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import model_validator

from bdcdj.cases import selectors
from bdcdj.cases.models import Case, CaseEvent
from bdcdj.cases.workflows import BusinessType, business_type_get

Code = Field(..., min_length=1, max_length=40)


def _no_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, dict):
        return all(_no_nul(k) and _no_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_no_nul(v) for v in value)
    return True


class In(Schema):
    """Base of every request body: NUL characters are refused anywhere (PostgreSQL cannot
    store them), before the body reaches a service."""

    @model_validator(mode="after")
    def _refuse_nul(self) -> Any:
        if not _no_nul(self.model_dump()):
            raise ValueError("包含不允许的控制字符")
        return self


class PartyIn(In):
    role: str = Field(
        ..., min_length=1, max_length=24, description="当事人类别，如 holder 权利人、obligor 义务人"
    )
    name: str = Field(..., min_length=1, max_length=200)
    party_type: str = Field("1", max_length=2, description="权利人类型 QLRLX")
    id_type: str = Field("", max_length=2, description="证件种类 ZJZL")
    id_number: str = Field("", max_length=50)
    share: Decimal | None = Field(None, ge=0, le=100, max_digits=7, decimal_places=4)
    phone: str = Field("", max_length=20)


class CaseCreateIn(In):
    business_type: str = Code
    unit_codes: list[str] = Field(..., min_length=1, max_length=200)
    parties: list[PartyIn] = Field(default_factory=list, max_length=50)
    data: dict[str, Any] = Field(default_factory=dict)
    region_code: str | None = Field(None, pattern=r"^\d{6}$", description="缺省为本人唯一的行政区")


class GroupCreateIn(In):
    name: str = Field("", max_length=100)
    region_code: str | None = Field(None, pattern=r"^\d{6}$")
    members: list[CaseCreateIn] = Field(..., min_length=2, max_length=10)


class AcceptIn(In):
    fee_waivers: dict[str, str] = Field(default_factory=dict, description="收费项目代码 → 减免原因")


class ReasonIn(In):
    reason: str = Field(..., min_length=1, max_length=1000)


class CorrectionIn(In):
    items: list[str] = Field(..., min_length=1, max_length=30)
    note: str = Field("", max_length=500)


class ReviewIn(In):
    result: Literal["1", "2", "3", "4"] = Field(..., description="1 同意、2 回退、3 退件、4 转件")
    text: str = Field("", max_length=2000)
    template: int | None = Field(None, ge=0, le=100)
    to_user_id: int | None = Field(None, ge=1, description="转件时的接收人")


class IssueIn(In):
    receiver_name: str = Field(..., min_length=1, max_length=200)
    receiver_id_type: str = Field(..., min_length=1, max_length=2)
    receiver_id_number: str = Field(..., min_length=1, max_length=50)
    id_checked: bool


class ArchiveIn(In):
    archive_number: str = Field(..., min_length=1, max_length=50)
    location: str = Field("", max_length=100)


class WorkflowPublishIn(In):
    region_code: str | None = Field(None, pattern=r"^\d{6}$")
    definition: dict[str, Any]
    note: str = Field("", max_length=200)


class SlaOut(Schema):
    used: int
    remaining: int
    limit: int


class CaseOut(Schema):
    id: int
    number: str
    region_code: str
    business_type: str
    business_type_name: str
    status: str
    status_label: str
    stage: str
    stage_label: str
    step_code: str
    step_name: str
    assigned_to_id: int | None
    group_id: int | None
    created_at: datetime
    accepted_at: datetime | None
    deadline: date | None
    completed_at: datetime | None
    registered_at: datetime | None
    closed_at: datetime | None
    sla: SlaOut
    certificate_numbers: list[str]


class QueueOut(Schema):
    items: list[CaseOut]
    page: int
    per_page: int
    total: int
    has_next: bool


class GroupOut(Schema):
    id: int
    name: str
    cases: list[CaseOut]


class EventOut(Schema):
    kind: str
    kind_label: str
    step_code: str
    by_name: str
    at: datetime
    message: str
    public: bool


class MaterialOut(Schema):
    id: int
    checklist_code: str
    name: str
    content_type: str
    size: int
    sha256: str
    sm3: str
    form: str
    pages: int
    received_at: datetime


class NoticeOut(Schema):
    id: int
    kind: str
    kind_label: str
    number: str
    issued_at: datetime
    text: str
    items: list[str]


class FeeOut(Schema):
    code: str
    name: str
    mode: str
    basis: str
    amount: Decimal
    waived: bool
    waiver_reason: str


class OpinionOut(Schema):
    step_code: str
    step_name: str
    result: str
    result_label: str
    text: str
    by_name: str
    at: datetime


class CertificateOut(Schema):
    id: int
    kind: str
    number: str
    unit_codes: list[str]
    rendered_at: datetime | None
    issued_at: datetime | None
    receiver: str


class UnitOut(Schema):
    code: str
    location: str
    kind: str
    version_seen: int | None
    changed_since_accept: bool
    is_seized: bool | None
    is_mortgaged: bool | None


class CaseDetailOut(Schema):
    case: CaseOut
    steps: list[dict[str, Any]]
    fields: list[dict[str, Any]]
    parties: list[dict[str, Any]]
    parties_masked: bool
    units: list[UnitOut]
    checklist: list[dict[str, Any]]
    missing_materials: list[str]
    materials: list[MaterialOut]
    opinions: list[OpinionOut]
    notices: list[NoticeOut]
    fees: list[FeeOut]
    fee_total: Decimal
    certificates: list[CertificateOut]
    quality_warnings: list[dict[str, Any]]
    register_warnings: list[str]
    actions: list[str]
    group_numbers: list[str]


class WorkflowOut(Schema):
    id: int
    region_code: str
    business_type: str
    version: int
    is_active: bool
    steps: list[dict[str, Any]]
    materials: list[dict[str, Any]]
    fees: list[dict[str, Any]]
    time_limit_workdays: int
    custom_fields: list[dict[str, Any]]
    opinion_templates: dict[str, list[str]]
    note: str
    created_at: datetime


class BusinessTypeOut(Schema):
    code: str
    name: str
    category: str
    registration_type: str
    operation: str
    right_kind: str
    rectype: str
    issues: str
    time_limit_workdays: int
    parties: list[dict[str, Any]]
    fields: list[dict[str, Any]]


class SlaSummaryOut(Schema):
    running: int
    suspended: int
    near_deadline: int
    overdue: int
    completed: int
    completed_on_time: int
    by_stage: dict[str, int]
    by_business_type: dict[str, int]


# ---- response shaping ----


def case_out(case: Case) -> dict[str, Any]:
    step = case.workflow.step(case.step_code)
    sla = selectors.case_sla(case)
    return {
        "id": case.pk,
        "number": case.number,
        "region_code": case.region_code,
        "business_type": case.business_type,
        "business_type_name": business_type_get(case.business_type).name,
        "status": case.status,
        "status_label": case.get_status_display(),
        "stage": case.stage,
        "stage_label": case.get_stage_display(),
        "step_code": case.step_code,
        "step_name": step["name"],
        "assigned_to_id": case.assigned_to_id,
        "group_id": case.group_id,
        "created_at": case.created_at,
        "accepted_at": case.accepted_at,
        "deadline": case.deadline,
        "completed_at": case.completed_at,
        "registered_at": case.registered_at,
        "closed_at": case.closed_at,
        "sla": sla._asdict(),
        "certificate_numbers": list(case.certificates.values_list("number", flat=True)),
    }


def event_out(event: CaseEvent) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "kind_label": event.get_kind_display(),
        "step_code": event.step_code,
        "by_name": event.by_name,
        "at": event.at,
        "message": event.message,
        "public": event.public,
    }


def detail_out(detail: selectors.CaseDetail) -> dict[str, Any]:
    return {
        "case": case_out(detail.case),
        "steps": detail.steps,
        "fields": detail.fields,
        "parties": detail.parties,
        "parties_masked": detail.parties_masked,
        "units": [
            {
                "code": u.code,
                "location": u.location,
                "kind": u.kind,
                "version_seen": u.version_seen,
                "changed_since_accept": u.changed_since_accept,
                "is_seized": u.state.is_seized if u.state else None,
                "is_mortgaged": u.state.is_mortgaged if u.state else None,
            }
            for u in detail.units
        ],
        "checklist": detail.checklist,
        "missing_materials": detail.missing_materials,
        "materials": detail.materials,
        "opinions": [
            {
                **{k: getattr(o, k) for k in ("step_code", "step_name", "result", "text", "by_name", "at")},
                "result_label": o.get_result_display(),
            }
            for o in detail.opinions
        ],
        "notices": [
            {
                "id": n.pk,
                "kind": n.kind,
                "kind_label": n.get_kind_display(),
                "number": n.number,
                "issued_at": n.issued_at,
                "text": n.text,
                "items": n.items,
            }
            for n in detail.notices
        ],
        "fees": detail.fees,
        "fee_total": detail.fee_total,
        "certificates": [
            {
                "id": c.pk,
                "kind": c.kind,
                "number": c.number,
                "unit_codes": c.unit_codes,
                "rendered_at": c.rendered_at,
                "issued_at": c.issued_at,
                "receiver": c.receiver_masked,
            }
            for c in detail.certificates
        ],
        "quality_warnings": detail.quality_warnings,
        "register_warnings": detail.register_warnings,
        "actions": detail.actions,
        "group_numbers": detail.group_numbers,
    }


def workflow_out(row: Any) -> dict[str, Any]:
    fields = ("id", "region_code", "business_type", "version", "is_active", "steps", "materials", "fees")
    more = ("time_limit_workdays", "custom_fields", "opinion_templates", "note", "created_at")
    return {name: getattr(row, name) for name in (*fields, *more)}


def business_type_out(bt: BusinessType) -> dict[str, Any]:
    return {
        "code": bt.code,
        "name": bt.name,
        "category": bt.category,
        "registration_type": bt.registration_type,
        "operation": bt.operation,
        "right_kind": bt.right_kind,
        "rectype": bt.rectype,
        "issues": bt.issues,
        "time_limit_workdays": bt.time_limit_workdays,
        "parties": [{"role": p.role, "label": p.label, "min": p.min} for p in bt.parties],
        "fields": [f.as_dict() for f in bt.fields],
    }
