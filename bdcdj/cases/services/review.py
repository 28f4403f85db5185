"""审核意见 (CZJG): 同意 → next step, 回退 → an earlier review step, 退件 → 不予登记 with a
决定书, 转件 → another person of the step's role. Also given by the registrar at 登簿 (except
同意, which is `case_register`)."""

from __future__ import annotations

from django.db import transaction

from bdcdj.accounts.models import User
from bdcdj.accounts.selectors import tenant_codes, user_can
from bdcdj.cases import clock
from bdcdj.cases.models import (
    STEP_PAGES,
    Case,
    CaseStatus,
    EventKind,
    NoticeKind,
    Opinion,
    OpinionResult,
    Stage,
    StepKind,
)
from bdcdj.cases.services import common
from bdcdj.cases.services.documents import files_guard, notice_issue
from bdcdj.core.errors import Conflict, InvalidInput

OPINION_MAX = 2000


def _text(case: Case, step: dict, result: str, text: str, template: int | None) -> str:
    templates = case.workflow.opinion_templates.get(step["code"], [])
    if template is not None:
        if not 0 <= template < len(templates):
            raise InvalidInput(
                code="template_invalid", message="意见模板不存在", fields={"template": "意见模板不存在"}
            )
        text = templates[template]
    text = (text or "").strip()
    if not text and result == OpinionResult.APPROVE and templates:
        text = templates[0]
    if not text or "\x00" in text:
        raise InvalidInput(code="opinion_required", message="请填写审核意见", fields={"text": "必填"})
    if len(text) > OPINION_MAX:
        raise InvalidInput(
            code="opinion_too_long", message="审核意见过长", fields={"text": f"最长{OPINION_MAX}个字符"}
        )
    return text


def _check_assignee(case: Case, step: dict, to_user: User | None) -> User:
    if not isinstance(to_user, User) or not to_user.is_active:
        raise InvalidInput(code="assignee_required", message="请选择转交的办理人", fields={"to_user": "必填"})
    page = STEP_PAGES[step["kind"]]
    allowed = (
        case.region_code in tenant_codes(user=to_user)
        and user_can(user=to_user, page=page, write=True)
        and common.has_role(to_user, step["role"])
    )
    if not allowed:
        message = "转交的办理人须为本行政区具有本环节角色和权限的人员"
        raise InvalidInput(code="assignee_invalid", message=message, fields={"to_user": message})
    return to_user


def _back_target(case: Case, step: dict) -> str:
    if step.get("back_to"):
        return str(step["back_to"])
    index = case.workflow.step_index(step["code"])
    return str(case.workflow.steps[index - 1]["code"])


def case_review(
    *,
    case: Case,
    by: User,
    result: str,
    text: str = "",
    to_user: User | None = None,
    template: int | None = None,
) -> Case:
    """Give the opinion of the current review (or 登簿) step. `text` may be left empty for 同意
    when the step has opinion templates (the first is used), or `template` picks one."""
    step = common.authorize_step(
        case=case, user=by, action="cases.review", kinds=[StepKind.REVIEW, StepKind.REGISTER]
    )
    if result not in OpinionResult.values:
        raise InvalidInput(
            code="result_invalid",
            message="操作结果应为 1 同意、2 回退、3 退件、4 转件",
            fields={"result": "无效"},
        )
    label = OpinionResult(result).label
    if result not in step.get("actions", []):
        raise Conflict(code="action_not_allowed", message=f"“{step['name']}”环节不能“{label}”")
    if step["kind"] == StepKind.REGISTER and result == OpinionResult.APPROVE:
        raise Conflict(code="use_register", message="登簿环节的“同意”即核准登簿，请使用登簿操作")
    if case.assigned_to_id is not None and case.assigned_to_id != by.pk and not by.is_superuser:
        raise Conflict(code="assigned_to_other", message="该业务已转交其他人员办理")
    opinion_text = _text(case, step, result, text, template)
    assignee = _check_assignee(case, step, to_user) if result == OpinionResult.TRANSFER else None
    with files_guard(), transaction.atomic():
        case = common.lock(case)
        common.require(
            case,
            stages={Stage.ACCEPTED, Stage.REVIEW, Stage.REGISTER},
            statuses={CaseStatus.RUNNING},
            what="审核",
        )
        if case.step_code != step["code"]:
            raise common.wrong_stage(case, "审核")
        opinion = Opinion(
            case=case,
            step_code=step["code"],
            step_name=step["name"],
            result=result,
            text=opinion_text,
            by=by,
            by_name=common.display_name(by),
            to_user=assignee,
            at=clock.now(),
        )
        opinion.full_clean()
        opinion.save()
        common.record_handler(case, by)
        fields = ["handlers", "step_code", "stage", "assigned_to"]
        if result == OpinionResult.APPROVE:
            common.enter_step(case, common.next_step_code(case))
            fields += ["completed_at", "status"]
        elif result == OpinionResult.RETURN:
            common.enter_step(case, _back_target(case, step))
        elif result == OpinionResult.TRANSFER:
            case.assigned_to = assignee
        else:
            case.stage, case.status = Stage.REFUSED, CaseStatus.REFUSED
            case.closed_at, case.close_reason = clock.now(), opinion_text
            fields += ["status", "closed_at", "close_reason"]
        if result != OpinionResult.APPROVE and case.stage == Stage.ACCEPTED:
            case.stage = Stage.REVIEW
        common.save(case, *fields)
        kind = EventKind.OPINION
        if result == OpinionResult.REJECT:
            notice = notice_issue(case=case, kind=NoticeKind.REFUSAL, by=by, text=opinion_text)
            kind = EventKind.REFUSED
        elif result == OpinionResult.TRANSFER:
            kind = EventKind.ASSIGNED
        common.event(
            case, kind, by=by, message=f"{step['name']}：{label}", public=result == OpinionResult.REJECT
        )
        detail = {"step": step["code"], "result": result}
        if result == OpinionResult.REJECT:
            detail["notice"] = notice.number
        common.audit(by=by, action="cases.review", case=case, detail=detail)
    return case
