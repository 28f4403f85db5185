"""What every case service does the same way: authorise, lock, check the stage, move between
steps, number documents, write the timeline and the audit trail."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.utils import timezone

from bdcdj.accounts.models import AuditLog, Role, User
from bdcdj.accounts.selectors import AnyUser, require_page, require_tenant
from bdcdj.accounts.services import audit_record
from bdcdj.cases import clock
from bdcdj.cases.models import (
    OPEN_STAGES,
    PUBLIC_EVENTS,
    STEP_PAGES,
    Case,
    CaseEvent,
    CaseStatus,
    Stage,
    StepKind,
)
from bdcdj.core.errors import Conflict, Forbidden
from bdcdj.core.workdays import add_workdays
from bdcdj.standards.services import sequence_next

CASE_SERIAL_MAX = 999_999


def display_name(user: AnyUser) -> str:
    if not isinstance(user, User):
        return ""
    return (user.display_name or user.username)[:50]


def has_role(user: AnyUser, role: str) -> bool:
    """Superusers act in every role; everyone else needs the step's role."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Role.objects.filter(user_roles__user=user, code=role).exists()


def audit(
    *, by: AnyUser, action: str, case: Case, detail: dict[str, Any] | None = None, outcome: str = "ok"
) -> None:
    audit_record(
        actor=by,
        action=action,
        object_type="cases.case",
        object_id=case.number or str(case.pk or ""),
        region_code=case.region_code,
        detail=detail or {},
        outcome=outcome,
    )


def authorize(
    *, user: AnyUser, region_code: str, page: str, action: str, case: Case | None = None, role: str = ""
) -> None:
    """Tenant, page write permission and (when given) the step's role; a refusal is audited
    outside any transaction and re-raised as Forbidden."""
    try:
        if not isinstance(user, User) or not user.is_active:
            raise Forbidden(code="login_required", message="请先登录")
        require_tenant(user=user, region_code=region_code)
        require_page(user=user, page=page, write=True)
        if role and not has_role(user, role):
            label = Role.objects.filter(code=role).values_list("name", flat=True).first() or role
            raise Forbidden(code="role_forbidden", message=f"本环节须由“{label}”办理")
    except Forbidden as exc:
        audit_record(
            actor=user,
            action=action,
            object_type="cases.case",
            object_id=case.number if case is not None else "",
            region_code=region_code,
            detail={"code": exc.code},
            outcome=AuditLog.Outcome.DENIED,
        )
        raise


def authorize_step(
    *,
    case: Case,
    user: AnyUser,
    action: str,
    kinds: Iterable[str],
    statuses: Iterable[str] = (CaseStatus.RUNNING,),
) -> dict[str, Any]:
    """Authorise `user` for the case's current step, which must be of one of `kinds`; returns it.

    A case that is not at such a step is a Conflict, checked after the permission so that an
    outsider learns nothing about the case."""
    step = case.workflow.step(case.step_code)
    kinds = tuple(kinds)
    page = STEP_PAGES[step["kind"] if step["kind"] in kinds else kinds[0]]
    role = step["role"] if step["kind"] in kinds else ""
    authorize(user=user, region_code=case.region_code, page=page, action=action, case=case, role=role)
    if step["kind"] not in kinds or case.status not in set(statuses) or case.stage not in OPEN_STAGES:
        raise wrong_stage(case, action_label(action))
    return step


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


ACTION_LABELS = {
    "cases.accept": "受理",
    "cases.refuse": "不予受理",
    "cases.correction": "通知补正",
    "cases.resume": "恢复办理",
    "cases.material_add": "收取材料",
    "cases.review": "审核",
    "cases.register": "登簿",
    "cases.refresh_units": "确认单元状态",
    "cases.certify": "缮证",
    "cases.issue": "发证",
    "cases.archive": "归档",
    "cases.withdraw": "撤回申请",
}


def wrong_stage(case: Case, what: str) -> Conflict:
    stage = Stage(case.stage).label
    status = CaseStatus(case.status).label
    return Conflict(
        code="wrong_stage",
        message=f"业务 {case.number} 当前为“{stage}”（{status}），不能{what}",
        fields={"stage": case.stage},
    )


def lock(case: Case) -> Case:
    """Re-read the case under a row lock (PostgreSQL) inside the caller's transaction; on
    SQLite the IMMEDIATE transaction already serialises writers."""
    return Case.objects.select_for_update(of=("self",)).select_related("workflow", "group").get(pk=case.pk)


def require(case: Case, *, stages: Iterable[str], statuses: Iterable[str], what: str) -> None:
    if case.stage not in set(stages) or case.status not in set(statuses):
        raise wrong_stage(case, what)


def stage_for(case: Case, step: dict[str, Any], *, from_step: dict[str, Any] | None) -> str:
    kind = step["kind"]
    if kind == StepKind.REVIEW:
        first = from_step is not None and from_step["kind"] == StepKind.ACCEPT
        return Stage.ACCEPTED if first else Stage.REVIEW
    return {
        StepKind.ACCEPT: Stage.INTAKE,
        StepKind.REGISTER: Stage.REGISTER,
        StepKind.CERTIFY: Stage.CERTIFY,
        StepKind.ISSUE: Stage.ISSUE,
        StepKind.ARCHIVE: Stage.ARCHIVE,
    }[kind]


def enter_step(case: Case, code: str) -> None:
    """Move to a step; the clock stops (办结) on reaching 发证, or 归档 when nothing is issued."""
    current = case.workflow.step(case.step_code) if case.step_code else None
    step = case.workflow.step(code)
    case.step_code = code
    case.stage = stage_for(case, step, from_step=current)
    case.assigned_to = None
    if step["kind"] in {StepKind.ISSUE, StepKind.ARCHIVE} and case.completed_at is None:
        case.completed_at = clock.now()
        case.status = CaseStatus.DONE


def next_step_code(case: Case) -> str:
    step = case.workflow.step(case.step_code)
    if step.get("next"):
        return str(step["next"])
    index = case.workflow.step_index(case.step_code)
    return str(case.workflow.steps[index + 1]["code"])


def record_handler(case: Case, by: User) -> None:
    case.handlers = {
        **case.handlers,
        case.step_code: {"user_id": by.pk, "name": display_name(by), "at": clock.now().isoformat()},
    }


def save(case: Case, *fields: str) -> None:
    case.full_clean()
    case.save(update_fields=[*fields, "updated_at"])


def event(
    case: Case, kind: str, *, by: AnyUser | None, message: str, public: bool | None = None
) -> CaseEvent:
    row = CaseEvent(
        case=case,
        region_code=case.region_code,
        kind=kind,
        step_code=case.step_code,
        by=by if isinstance(by, User) else None,
        by_name=display_name(by) if by is not None else "",
        at=clock.now(),
        message=message[:500],
        public=(kind in PUBLIC_EVENTS) if public is None else public,
    )
    row.full_clean()
    row.save()
    return row


def case_number(*, region_code: str) -> str:
    """业务号 `340121-2026-000123`: gap-free per district and year (taken in the caller's
    transaction, so a rolled-back 收件 gives its number back)."""
    year = clock.today().year
    serial = sequence_next(
        scope=f"case:{region_code}:{year}",
        maximum=CASE_SERIAL_MAX,
        exhausted_message=f"{region_code} {year}年的业务号已用完",
    )
    return f"{region_code}-{year}-{serial:06d}"


def notice_serial(*, region_code: str, kind: str, year: int) -> int:
    return sequence_next(scope=f"notice:{region_code}:{kind}:{year}", maximum=CASE_SERIAL_MAX)


def deadline_for(case: Case) -> date:
    """受理日 + time limit + working days spent suspended (受理日 itself not counted)."""
    assert case.accepted_at is not None
    start = timezone.localdate(case.accepted_at)
    return add_workdays(start, case.time_limit_workdays + case.suspended_workdays)
