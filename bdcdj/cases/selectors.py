"""Reads of the case engine for the console pages and the API.

Every selector takes the acting user first and returns only the user's districts: another
district's case is NotFound, like one that does not exist. Party names and ID numbers are
masked unless the user's role may see personal data, and every clear read is audited.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import F, Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from bdcdj.accounts import pii
from bdcdj.accounts.selectors import AnyUser, can_view_pii, tenant_codes, user_can
from bdcdj.accounts.services import audit_record
from bdcdj.cases import clock
from bdcdj.cases.models import (
    OPEN_STAGES,
    STEP_PAGES,
    Case,
    CaseCertificate,
    CaseEvent,
    CaseParty,
    CaseStatus,
    Fee,
    Material,
    Notice,
    Opinion,
    Stage,
    StepKind,
    WorkflowDefinition,
)
from bdcdj.cases.services.applications import workflow_fields
from bdcdj.cases.services.common import has_role
from bdcdj.cases.workflows import BusinessType, business_type_get, business_types
from bdcdj.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from bdcdj.core.workdays import add_workdays, workdays_between
from bdcdj.register.selectors import UnitState, unit_state

READ_PAGES = ("cases.queue", "cases.accept", "cases.review", "cases.record", "cases.certify")
PER_PAGE_MAX = 100
ORDERS = {
    "deadline": (F("deadline").asc(nulls_last=True), "created_at", "id"),
    "-deadline": (F("deadline").desc(nulls_last=True), "-created_at", "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "number": ("number",),
}
# Work queues of the console, by the stages each one lists.
QUEUES: dict[str, tuple[str, ...]] = {
    "accept": (Stage.INTAKE,),
    "review": (Stage.ACCEPTED, Stage.REVIEW),
    "record": (Stage.REGISTER,),
    "certify": (Stage.CERTIFY,),
    "issue": (Stage.ISSUE,),
    "archive": (Stage.ARCHIVE,),
}


class Sla(NamedTuple):
    """Working days used and remaining of the time limit; remaining < 0 means overdue."""

    used: int
    remaining: int
    limit: int


@dataclass(frozen=True)
class CasePage:
    items: list[Case]
    page: int
    per_page: int
    total: int

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total


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


@dataclass(frozen=True)
class SlaSummary:
    running: int
    suspended: int
    near_deadline: int
    overdue: int
    completed: int
    completed_on_time: int
    by_stage: dict[str, int]
    by_business_type: dict[str, int]


def _require_reader(user: AnyUser) -> None:
    if not any(user_can(user=user, page=page) for page in READ_PAGES):
        raise Forbidden(code="page_forbidden", message="没有查看登记业务的权限")


def _cases(user: AnyUser) -> QuerySet[Case]:
    _require_reader(user)
    return Case.objects.filter(region_code__in=tenant_codes(user=user))


def case_get(*, user: AnyUser, case_id: int) -> Case:
    case = _cases(user).select_related("workflow", "group", "assigned_to").filter(pk=case_id).first()
    if case is None:
        raise NotFound(code="case_not_found", message=f"未找到业务：{case_id}")
    return case


def _search(qs: QuerySet[Case], text: str) -> QuerySet[Case]:
    text = " ".join(text.split())[:100]
    if not text:
        return qs
    condition = Q(number__icontains=text) | Q(units__unit_code__istartswith=text.upper())
    types = [bt.code for bt in business_types().values() if text in bt.name]
    if types:
        condition |= Q(business_type__in=types)
    index = pii.blind_index(text)
    if index and len(text) >= 6:
        condition |= Q(parties__id_index=index)
    return qs.filter(condition).distinct()


def cases_for_queue(
    *,
    user: AnyUser,
    stage: str | Sequence[str] | None = None,
    mine: bool = False,
    search: str = "",
    page: int = 1,
    per_page: int = 20,
    order: str = "deadline",
) -> CasePage:
    """A page of the district's cases. `stage` is a Stage value, several, or a queue name of
    `QUEUES` ("review" lists accepted + review); `mine` keeps cases transferred to the user."""
    if order not in ORDERS:
        raise InvalidInput(code="order_invalid", message="排序方式无效", fields={"order": "、".join(ORDERS)})
    qs = _cases(user).select_related("workflow", "assigned_to")
    if stage:
        stages = QUEUES.get(stage, (stage,)) if isinstance(stage, str) else tuple(stage)
        unknown = [s for s in stages if s not in Stage.values]
        if unknown:
            raise InvalidInput(code="stage_invalid", message="阶段无效", fields={"stage": "、".join(unknown)})
        qs = qs.filter(stage__in=stages)
    if mine:
        qs = qs.filter(assigned_to_id=user.pk)
    qs = _search(qs, search)
    per_page = max(1, min(int(per_page), PER_PAGE_MAX))
    page = max(1, int(page))
    total = qs.count()
    start = (page - 1) * per_page
    items = list(qs.order_by(*ORDERS[order])[start : start + per_page])
    return CasePage(items=items, page=page, per_page=per_page, total=total)


def case_timeline(*, user: AnyUser, case_id: int, public_only: bool = False) -> list[CaseEvent]:
    case = case_get(user=user, case_id=case_id)
    events = case.events.select_related("by").order_by("at", "id")
    if public_only:
        events = events.filter(public=True)
    return list(events)


def case_sla(case: Case) -> Sla:
    """Working days used since 受理 (受理日 not counted), without suspended ones."""
    limit = case.time_limit_workdays
    if case.accepted_at is None:
        return Sla(0, limit, limit)
    start = timezone.localdate(case.accepted_at)
    moment = case.completed_at or case.closed_at or case.suspended_since
    end = timezone.localdate(moment) if moment is not None else clock.today()
    used = max(workdays_between(start, end) - case.suspended_workdays, 0)
    return Sla(used, limit - used, limit)


def _clock_running(user: AnyUser) -> QuerySet[Case]:
    return _cases(user).filter(
        status=CaseStatus.RUNNING,
        accepted_at__isnull=False,
        completed_at__isnull=True,
        deadline__isnull=False,
    )


def cases_near_deadline(*, user: AnyUser, within_workdays: int = 1) -> list[Case]:
    """Running cases due today or within the next `within_workdays` working days."""
    today = clock.today()
    horizon = add_workdays(today, max(0, int(within_workdays)))
    return list(
        _clock_running(user).filter(deadline__gte=today, deadline__lte=horizon).order_by("deadline", "id")
    )


def cases_overdue(*, user: AnyUser) -> list[Case]:
    """Running cases past their deadline (suspended cases wait for the applicant)."""
    return list(_clock_running(user).filter(deadline__lt=clock.today()).order_by("deadline", "id"))


def sla_summary(*, user: AnyUser) -> SlaSummary:
    """Counts for the SLA dashboard of the user's districts."""
    qs = _cases(user)
    today = clock.today()
    open_cases = qs.filter(stage__in=OPEN_STAGES)
    completed = [
        (timezone.localdate(done), due)
        for done, due in qs.filter(completed_at__isnull=False, deadline__isnull=False).values_list(
            "completed_at", "deadline"
        )
        if done is not None and due is not None
    ]
    return SlaSummary(
        running=open_cases.filter(status=CaseStatus.RUNNING).count(),
        suspended=open_cases.filter(status=CaseStatus.SUSPENDED).count(),
        near_deadline=len(cases_near_deadline(user=user)),
        overdue=_clock_running(user).filter(deadline__lt=today).count(),
        completed=len(completed),
        completed_on_time=sum(1 for done, due in completed if done <= due),
        by_stage=dict(Counter(open_cases.values_list("stage", flat=True))),
        by_business_type=dict(Counter(open_cases.values_list("business_type", flat=True))),
    )


def workflow_current(*, region_code: str, business_type: str) -> WorkflowDefinition:
    """The current version; NotFound when the district has none (see workflow_ensure_defaults)."""
    found = WorkflowDefinition.objects.filter(
        region_code=region_code, business_type=business_type, is_active=True
    ).first()
    if found is None:
        raise NotFound(
            code="workflow_not_found", message=f"行政区 {region_code} 没有业务“{business_type}”的流程定义"
        )
    return found


def workflows(
    *, user: AnyUser, business_type: str = "", include_history: bool = False
) -> list[WorkflowDefinition]:
    """Workflow definitions of the user's districts: current versions, or every version."""
    if not (
        user_can(user=user, page="cases.workflows") or any(user_can(user=user, page=p) for p in READ_PAGES)
    ):
        raise Forbidden(code="page_forbidden", message="没有查看业务流程配置的权限")
    qs = WorkflowDefinition.objects.filter(region_code__in=tenant_codes(user=user))
    if business_type:
        qs = qs.filter(business_type=business_type)
    if not include_history:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("region_code", "business_type", "-version"))


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
    group_numbers = (
        list(
            Case.objects.filter(group_id=case.group_id)
            .order_by("group_order")
            .values_list("number", flat=True)
        )
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
        group_numbers=group_numbers,
    )


def case_file(*, user: AnyUser, case_id: int, kind: str, file_id: int) -> tuple[FieldFile, str, str]:
    """A stored file of the case (notice, certificate or material) as (file, name, type);
    the download is audited."""
    case = case_get(user=user, case_id=case_id)
    model: Any = {"notice": Notice, "certificate": CaseCertificate, "material": Material}.get(kind)
    if model is None:
        raise NotFound(code="file_not_found", message="未找到文件")
    row = model.objects.filter(case=case, pk=file_id).first()
    if row is None or not row.file:
        raise NotFound(code="file_not_found", message="未找到文件")
    content_type = getattr(row, "content_type", "application/pdf")
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[content_type]
    name = f"{case.number}-{kind}-{row.pk}.{extension}"
    audit_record(
        actor=user,
        action="cases.file_download",
        object_type=f"cases.{kind}",
        object_id=str(row.pk),
        region_code=case.region_code,
        detail={"case": case.number},
    )
    return row.file, name, content_type


def business_type_list() -> list[BusinessType]:
    return list(business_types().values())
