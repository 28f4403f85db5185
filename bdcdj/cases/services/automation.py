"""Automatic handling (自动审核) of clean cases.

A district may mark review, register and certify steps of a workflow `auto: true`.
`case_auto_advance` then takes the case through those steps as the district's system user while
the case is clean — required materials present, fees paid or waived, no blocking quality
finding, shared checks (if any were made) ok, and at 审核 the 智能审核 verdict of
bdcdj.recognition (every finding a match for business types its rules let decide alone, no
mismatch for the others) — recording the opinion "系统自动审核通过：<理由>".
It stops at the first step that is not auto or not clean and leaves the reason on the timeline
for staff. It runs in the worker (`auto_advance_task`), scheduled after 受理 and after payment.
"""

from __future__ import annotations

import importlib
import importlib.util
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction
from django_tasks import task

from bdcdj.accounts.models import User
from bdcdj.accounts.services import audit_record, user_create
from bdcdj.cases import clock
from bdcdj.cases.models import (
    Case,
    CaseEvent,
    CaseStatus,
    EventKind,
    Opinion,
    OpinionResult,
    Stage,
    StepKind,
)
from bdcdj.cases.services import common
from bdcdj.cases.services.acceptance import missing_materials
from bdcdj.cases.services.building import build_items
from bdcdj.cases.services.issuance import case_certify
from bdcdj.cases.services.registration import case_register, quality_module
from bdcdj.cases.services.review import case_review
from bdcdj.core.errors import DomainError

AUTO_KINDS = frozenset({StepKind.REVIEW, StepKind.REGISTER, StepKind.CERTIFY})
SYSTEM_ROLES = ["clerk", "reviewer", "registrar"]
SYSTEM_NAME = "系统自动审核"
APPROVED = "系统自动审核通过："
STOPPED = "自动审核未继续，转人工办理："
MAX_STEPS = 10


@dataclass
class AutoResult:
    steps: list[str] = field(default_factory=list)  # codes of the steps done automatically
    stopped_at: str = ""  # step code where it stopped ("" when the case is no longer open)
    reason: str = ""


def system_user(*, region_code: str) -> User:
    """The district's system user (no usable password) that automatic steps are done as."""
    username = f"system-{region_code}"
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    user = user_create(
        username=username,
        password=secrets.token_urlsafe(24) + "aA1!",
        display_name=SYSTEM_NAME,
        organisation=None,
        roles=SYSTEM_ROLES,
        region_codes=[region_code],
        is_staff=False,
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


def has_auto_steps(case: Case) -> bool:
    return any(step.get("auto") for step in case.workflow.steps)


def _fees_settled(case: Case) -> tuple[bool, str]:
    due = [f for f in case.fees.all() if not f.waived and f.amount > 0]
    if not due:
        return True, "无需缴费" if not case.fees.exists() else "费用已减免或为零"
    if importlib.util.find_spec("bdcdj.payments") is None or not apps.is_installed("bdcdj.payments"):
        return False, "登记费尚未缴纳"
    summary = importlib.import_module("bdcdj.payments.selectors").payment_summary(case=case)
    if summary.paid:
        return True, f"登记费已缴纳（{summary.total} 元）"
    return False, f"登记费尚未缴纳（{summary.status_label}）"


def _shared_checks(case: Case) -> tuple[bool, str]:
    if not apps.is_installed("bdcdj.sharing"):
        return True, ""
    model = apps.get_model("sharing", "SharingCheck")
    latest: dict[str, str] = {}
    for kind, status in (
        model.objects.filter(case=case).order_by("created_at", "id").values_list("kind", "status")
    ):
        latest[kind] = status
    if not latest:
        return True, ""
    bad = sorted(kind for kind, status in latest.items() if status != "ok")
    if bad:
        return False, "共享核验未通过或未完成：" + "、".join(bad)
    return True, f"共享核验 {len(latest)} 项通过"


def _quality(case: Case, by: User) -> tuple[bool, str]:
    quality = quality_module()
    if quality is None:
        return True, ""
    blocking = []
    for item in build_items(case, user=by):
        blocking += [f.message for f in quality.quality_check_item(item=item, stage="register").blocking]
    if blocking:
        return False, "质检有阻断问题：" + "；".join(blocking[:5])
    return True, "质检无阻断问题"


def _recognition(case: Case, by: User, evidence: dict[str, object]) -> tuple[bool, str]:
    """智能审核 (bdcdj.recognition, when installed): the materials compared with the application,
    the register and shared checks; the archived run is the evidence of the decision."""
    if not apps.is_installed("bdcdj.recognition"):
        return True, ""
    verdict = importlib.import_module("bdcdj.recognition.services").auto_verdict(case=case, by=by)
    if verdict.run is not None:
        evidence.update(
            recognition_run=verdict.run.pk,
            inputs_digest=verdict.run.inputs_digest,
            rules_version=verdict.run.rules_version,
        )
    return verdict.ok, verdict.reason


def _clean(
    case: Case, step: dict, by: User, evidence: dict[str, object] | None = None
) -> tuple[bool, list[str]]:
    """Whether the case may pass `step` without a person, and the reasons either way; what was
    relied on (rules, digests of the inputs) is added to `evidence` for the audit trail."""
    evidence = {} if evidence is None else evidence
    reasons: list[str] = []
    if case.assigned_to_id is not None:
        return False, ["已指定人工办理人"]
    missing = missing_materials(case)
    if missing:
        return False, ["缺少必需材料：" + "、".join(missing)]
    reasons.append("必需材料齐全")
    checks: list[Callable[[Case], tuple[bool, str]]] = [_fees_settled, _shared_checks]
    if step["kind"] != StepKind.CERTIFY:
        checks.append(lambda c: _quality(c, by))
    if step["kind"] == StepKind.REVIEW:
        checks.append(lambda c: _recognition(c, by, evidence))
    for check in checks:
        ok, reason = check(case)
        if not ok:
            return False, [reason]
        if reason:
            reasons.append(reason)
    return True, reasons


def _note(case: Case, reason: str, *, by: User) -> None:
    """Leave the reason for staff on the timeline, once per step and reason."""
    message = f"{STOPPED}{reason}"[:500]
    last = CaseEvent.objects.filter(case=case).order_by("-at", "-id").first()
    if last is not None and last.message == message and last.step_code == case.step_code:
        return
    with transaction.atomic():
        common.event(case, EventKind.OPINION, by=by, message=message, public=False)
        common.audit(
            by=by,
            action="cases.auto_stop",
            case=case,
            detail={"step": case.step_code, "reason": reason[:200]},
        )


def _register_opinion(case: Case, step: dict, text: str, by: User) -> None:
    opinion = Opinion(
        case=case,
        step_code=step["code"],
        step_name=step["name"],
        result=OpinionResult.APPROVE,
        text=text[:2000],
        by=by,
        by_name=common.display_name(by),
        at=clock.now(),
    )
    opinion.full_clean()
    opinion.save()


def _do(case: Case, step: dict, text: str, by: User) -> Case:
    kind = step["kind"]
    if kind == StepKind.REVIEW:
        return case_review(case=case, by=by, result=OpinionResult.APPROVE, text=text)
    if kind == StepKind.REGISTER:
        # case_register commits its quality findings on its own, so it is not wrapped here.
        registered = case_register(case=case, by=by)
        _register_opinion(registered, step, text, by)
        return registered
    return case_certify(case=case, by=by)


def case_auto_advance(*, case: Case) -> AutoResult:
    """Run the auto steps of a clean case, one service call (one transaction) per step."""
    result = AutoResult()
    by = system_user(region_code=case.region_code)
    for _ in range(MAX_STEPS):
        case = Case.objects.select_related("workflow").get(pk=case.pk)
        if case.status != CaseStatus.RUNNING or case.stage not in {
            Stage.ACCEPTED,
            Stage.REVIEW,
            Stage.REGISTER,
            Stage.CERTIFY,
        }:
            return result
        step = case.workflow.step(case.step_code)
        result.stopped_at = step["code"]
        if not step.get("auto") or step["kind"] not in AUTO_KINDS:
            if result.steps:
                result.reason = f"“{step['name']}”环节须人工办理"
                _note(case, result.reason, by=by)
            return result
        evidence: dict[str, object] = {}
        clean, reasons = _clean(case, step, by, evidence)
        if not clean:
            result.reason = reasons[0]
            _note(case, result.reason, by=by)
            return result
        text = APPROVED + "；".join(reasons)
        try:
            case = _do(case, step, text, by)
        except DomainError as exc:
            result.reason = exc.message
            _note(case, result.reason, by=by)
            return result
        audit_record(
            actor=by,
            action="cases.auto_step",
            object_type="cases.case",
            object_id=case.number,
            region_code=case.region_code,
            detail={"step": step["code"], "kind": step["kind"], "rules": reasons, **evidence},
        )
        result.steps.append(step["code"])
    return result


def auto_advance_note(*, case: Case) -> str:
    """The latest reason automatic handling stopped at the case's current step, for display."""
    message = (
        CaseEvent.objects.filter(case=case, step_code=case.step_code, message__startswith=STOPPED)
        .order_by("-at", "-id")
        .values_list("message", flat=True)
        .first()
    )
    return message.removeprefix(STOPPED) if message else ""


@task()
def auto_advance_task(case_id: int) -> dict[str, object]:
    case = Case.objects.filter(pk=case_id).select_related("workflow").first()
    if case is None:
        return {"case": case_id, "steps": [], "reason": "业务不存在"}
    result = case_auto_advance(case=case)
    return {
        "case": case.number,
        "steps": result.steps,
        "stopped_at": result.stopped_at,
        "reason": result.reason,
    }


def auto_advance_schedule(*, case: Case) -> None:
    """Queue automatic handling once the current transaction commits (only for workflows with
    auto steps)."""
    if not has_auto_steps(case):
        return
    case_id = case.pk
    transaction.on_commit(lambda: auto_advance_task.enqueue(case_id))
