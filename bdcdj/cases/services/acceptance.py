"""受理 and what can happen around it: 不予受理, 补正 (the clock stops), 恢复, 撤回."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils import timezone

from bdcdj.accounts.models import User
from bdcdj.cases import clock
from bdcdj.cases.models import (
    BEFORE_REGISTER,
    Case,
    CaseStatus,
    EventKind,
    Material,
    NoticeKind,
    Stage,
    StepKind,
)
from bdcdj.cases.services import common
from bdcdj.cases.services.documents import files_guard, notice_issue
from bdcdj.cases.services.fees import fee_rows
from bdcdj.core.errors import Conflict, DomainError, InvalidInput, invalid_fields
from bdcdj.core.workdays import workdays_between
from bdcdj.register.selectors import unit_get

ACCEPT_PAGE = "cases.accept"
REASON_MAX = 1000
MAX_CORRECTION_ITEMS = 30


def _reason(text: str, field: str = "reason") -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(code="reason_required", message="请填写原因", fields={field: "必填"})
    if "\x00" in text:
        raise InvalidInput(
            code="reason_invalid", message="原因包含不允许的控制字符", fields={field: "格式有误"}
        )
    if len(text) > REASON_MAX:
        raise InvalidInput(
            code="reason_too_long", message="原因过长", fields={field: f"最长{REASON_MAX}个字符"}
        )
    return text


def missing_materials(case: Case) -> list[str]:
    """Names of the required checklist materials not yet received."""
    received = set(Material.objects.filter(case=case).values_list("checklist_code", flat=True))
    return [m["name"] for m in case.workflow.materials if m.get("required") and m["code"] not in received]


def case_accept(*, case: Case, by: User, fee_waivers: Mapping[str, str] | None = None) -> Case:
    """受理: every required material present (Conflict listing the missing ones), fees computed,
    unit versions noted for 登簿, deadline set, 受理通知书 issued; the case moves to review."""
    common.authorize_step(case=case, user=by, action="cases.accept", kinds=[StepKind.ACCEPT])
    waivers = dict(fee_waivers or {})
    with files_guard(), transaction.atomic():
        case = common.lock(case)
        common.require(case, stages={Stage.INTAKE}, statuses={CaseStatus.RUNNING}, what="受理")
        missing = missing_materials(case)
        if missing:
            message = "缺少必需材料：" + "、".join(missing)
            raise Conflict(code="materials_missing", message=message, fields={"materials": message})
        for unit in case.units.all():
            try:
                unit.version_seen = unit_get(user=by, code=unit.unit_code).version
            except DomainError as exc:
                raise Conflict(
                    code="unit_gone", message=f"不动产单元 {unit.unit_code} 已不可办理：{exc.message}"
                ) from exc
            unit.save(update_fields=["version_seen"])
        for fee in fee_rows(case=case, waivers=waivers, by=by):
            fee.full_clean()
            fee.save()
        case.accepted_at = clock.now()
        case.time_limit_workdays = case.workflow.time_limit_workdays
        case.deadline = common.deadline_for(case)
        common.record_handler(case, by)
        common.enter_step(case, common.next_step_code(case))
        common.save(
            case,
            "accepted_at",
            "time_limit_workdays",
            "deadline",
            "handlers",
            "step_code",
            "stage",
            "assigned_to",
        )
        notice = notice_issue(case=case, kind=NoticeKind.ACCEPTANCE, by=by)
        common.event(case, EventKind.ACCEPTED, by=by, message=f"已受理，办结期限 {case.deadline:%Y-%m-%d}")
        common.audit(
            by=by,
            action="cases.accept",
            case=case,
            detail={"notice": notice.number, "waived": sorted(waivers)},
        )
        from bdcdj.cases.services.automation import auto_advance_schedule  # imports this module

        auto_advance_schedule(case=case)
    return case


def case_refuse(*, case: Case, by: User, reason: str) -> Case:
    """不予受理 with the reason and a 不予受理通知书; the case ends (AJZT 4)."""
    common.authorize_step(case=case, user=by, action="cases.refuse", kinds=[StepKind.ACCEPT])
    text = _reason(reason)
    with files_guard(), transaction.atomic():
        case = common.lock(case)
        common.require(case, stages={Stage.INTAKE}, statuses={CaseStatus.RUNNING}, what="不予受理")
        case.stage, case.status = Stage.REFUSED, CaseStatus.REFUSED
        case.closed_at, case.close_reason = clock.now(), text
        common.record_handler(case, by)
        common.save(case, "stage", "status", "closed_at", "close_reason", "handlers")
        notice = notice_issue(case=case, kind=NoticeKind.NON_ACCEPTANCE, by=by, text=text)
        common.event(case, EventKind.NOT_ACCEPTED, by=by, message="不予受理")
        common.audit(by=by, action="cases.refuse", case=case, detail={"notice": notice.number})
    return case


def case_request_correction(*, case: Case, by: User, items: Sequence[str], note: str = "") -> Case:
    """补正: notify the applicant of what is missing; the SLA clock stops until `case_resume`."""
    common.authorize(
        user=by, region_code=case.region_code, page=ACCEPT_PAGE, action="cases.correction", case=case
    )
    cleaned = [str(i).strip()[:200] for i in (items or []) if str(i).strip()]
    if not cleaned or len(cleaned) > MAX_CORRECTION_ITEMS or any("\x00" in i for i in [*cleaned, note]):
        raise invalid_fields({"items": f"请列出需补正的材料或事项（1–{MAX_CORRECTION_ITEMS} 项）"})
    with files_guard(), transaction.atomic():
        case = common.lock(case)
        common.require(case, stages=BEFORE_REGISTER, statuses={CaseStatus.RUNNING}, what="通知补正")
        case.status = CaseStatus.SUSPENDED
        case.suspended_since = clock.now()
        common.save(case, "status", "suspended_since")
        notice = notice_issue(
            case=case, kind=NoticeKind.CORRECTION, by=by, text=note.strip()[:500], items=cleaned
        )
        common.event(case, EventKind.CORRECTION, by=by, message=f"通知补正 {len(cleaned)} 项，暂停计时")
        common.audit(
            by=by,
            action="cases.correction",
            case=case,
            detail={"notice": notice.number, "items": len(cleaned)},
        )
    return case


def case_resume(*, case: Case, by: User) -> Case:
    """补正材料已收取: the clock runs again; the suspended working days extend the deadline."""
    common.authorize(
        user=by, region_code=case.region_code, page=ACCEPT_PAGE, action="cases.resume", case=case
    )
    with transaction.atomic():
        case = common.lock(case)
        common.require(case, stages=BEFORE_REGISTER, statuses={CaseStatus.SUSPENDED}, what="恢复办理")
        assert case.suspended_since is not None
        days = 0
        if case.accepted_at is not None:
            days = workdays_between(timezone.localdate(case.suspended_since), clock.today())
            case.suspended_workdays += days
            case.deadline = common.deadline_for(case)
        case.status, case.suspended_since = CaseStatus.RUNNING, None
        common.save(case, "status", "suspended_since", "suspended_workdays", "deadline")
        common.event(
            case, EventKind.RESUMED, by=by, message=f"补正材料已收取，恢复计时（暂停 {days} 个工作日）"
        )
        common.audit(by=by, action="cases.resume", case=case, detail={"suspended_workdays": days})
    return case


def case_withdraw(*, case: Case, by: User, reason: str) -> Case:
    """用户撤回 (AJZT 5): possible until 登簿."""
    common.authorize(
        user=by, region_code=case.region_code, page=ACCEPT_PAGE, action="cases.withdraw", case=case
    )
    text = _reason(reason)
    with transaction.atomic():
        case = common.lock(case)
        common.require(
            case, stages=BEFORE_REGISTER, statuses={CaseStatus.RUNNING, CaseStatus.SUSPENDED}, what="撤回申请"
        )
        case.stage, case.status = Stage.WITHDRAWN, CaseStatus.WITHDRAWN
        case.closed_at, case.close_reason, case.suspended_since = clock.now(), text, None
        common.save(case, "stage", "status", "closed_at", "close_reason", "suspended_since")
        common.event(case, EventKind.WITHDRAWN, by=by, message="申请人撤回申请")
        common.audit(by=by, action="cases.withdraw", case=case)
    return case
