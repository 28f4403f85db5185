"""登簿: from an examined case to the register, in one transaction.

Order of work (docs/cases.md §登簿): build the items (pure), run the quality rules and save
their findings in their own committed transaction (blocking findings stop here), then in ONE
transaction lock the case(s), allocate certificate/proof numbers, call `register.services.record`
for every item with the unit versions seen at 受理 (a unit changed since is a Conflict), and move
the case on. A failure anywhere rolls back numbers too, so committed numbers have no gaps. The
members of a 一并申请 group are registered in their order in the same transaction.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import replace
from datetime import datetime
from types import ModuleType
from typing import Any

from django.apps import apps
from django.db import transaction

from bdcdj.accounts.models import User
from bdcdj.cases import clock
from bdcdj.cases.models import Case, CaseCertificate, CaseParty, CaseStatus, EventKind, Stage, StepKind
from bdcdj.cases.services import common
from bdcdj.cases.services.building import build_items, certificates_needed, with_numbers
from bdcdj.cases.workflows import business_type_get
from bdcdj.core.errors import Conflict, DomainError, InvalidInput
from bdcdj.register.selectors import unit_get
from bdcdj.register.services import RecordResult, RegistrationItem, record
from bdcdj.standards.services import certificate_number_allocate, certificate_number_void

RECORD_PAGE = "cases.record"
QUALITY_STAGE = "register"
QUALITY_SUBJECT = "case"
REPLACING = frozenset({"certificate_replace", "certificate_reissue"})


def quality_module() -> ModuleType | None:
    """`bdcdj.quality.services` when the quality app is installed, else None."""
    if importlib.util.find_spec("bdcdj.quality") is None or not apps.is_installed("bdcdj.quality"):
        return None
    if importlib.util.find_spec("bdcdj.quality.services") is None:
        return None
    return importlib.import_module("bdcdj.quality.services")


def _finding(finding: Any) -> dict[str, str]:
    return {
        "rule_id": str(getattr(finding, "rule_id", "")),
        "severity": str(getattr(finding, "severity", "")),
        "message": str(getattr(finding, "message", "")),
        "field": str(getattr(finding, "field", "") or ""),
    }


def _quality(plans: list[tuple[Case, list[RegistrationItem]]]) -> dict[int, list[dict[str, str]]]:
    """Run the rules on every item; findings are saved (committed) before anything else, so a
    blocked 登簿 still leaves its findings behind. Returns the warnings per case."""
    quality = quality_module()
    warnings: dict[int, list[dict[str, str]]] = {case.pk: [] for case, _ in plans}
    if quality is None:
        return warnings
    blocking: list[dict[str, str]] = []
    for case, items in plans:
        for item in items:
            report = quality.quality_check_item(item=item, stage=QUALITY_STAGE)
            if report.blocking or report.warnings:
                quality.quality_findings_save(
                    report=report,
                    region_code=case.region_code,
                    stage=QUALITY_STAGE,
                    subject_type=QUALITY_SUBJECT,
                    subject_ref=case.number,
                )
            blocking += [_finding(f) for f in report.blocking]
            warnings[case.pk] += [_finding(f) for f in report.warnings]
    if blocking:
        listed = "；".join(f"{f['message']}（{f['rule_id']}）" for f in blocking)
        fields = {(f["field"] or f["rule_id"]): f["message"] for f in blocking}
        raise InvalidInput(code="quality_blocking", message=f"质检未通过，不能登簿：{listed}", fields=fields)
    return warnings


def _members(case: Case) -> list[Case]:
    """The case, or the members of its group still being handled (a withdrawn or refused
    member drops out; the others are registered without it)."""
    if case.group_id is None:
        return [case]
    members = Case.objects.filter(group_id=case.group_id).exclude(stage__in=[Stage.WITHDRAWN, Stage.REFUSED])
    return list(members.select_related("workflow").order_by("group_order", "pk"))


def _check_ready(case: Case, members: list[Case], by: User) -> None:
    not_ready = [m.number for m in members if m.stage != Stage.REGISTER or m.status != CaseStatus.RUNNING]
    if not_ready:
        raise Conflict(
            code="group_not_ready",
            message="一并申请的业务须全部到达登簿环节后一并登簿，尚未就绪：" + "、".join(not_ready),
        )
    for member in members:
        if member.pk != case.pk:
            common.authorize_step(case=member, user=by, action="cases.register", kinds=[StepKind.REGISTER])
        if member.assigned_to_id is not None and member.assigned_to_id != by.pk and not by.is_superuser:
            raise Conflict(code="assigned_to_other", message=f"业务 {member.number} 已转交其他人员办理")


def _allocate(case: Case, item: RegistrationItem) -> list[str]:
    bt = business_type_get(case.business_type)
    count = certificates_needed(case, item)
    return [
        certificate_number_allocate(region_code=case.region_code, kind=bt.issues).number for _ in range(count)
    ]


def _certificate_rows(case: Case, item: RegistrationItem, numbers: list[str], right_ids: list[int]) -> None:
    if not numbers:
        return
    bt = business_type_get(case.business_type)
    holders: list[CaseParty | None] = list(case.parties.filter(role="holder").order_by("order", "id"))
    if len(numbers) == 1:
        holders = [holders[0] if holders else None]
    for number, holder in zip(numbers, holders, strict=True):
        row = CaseCertificate(
            case=case,
            region_code=case.region_code,
            kind=bt.issues,
            number=number,
            unit_codes=list(item.unit_codes),
            right_ids=right_ids,
            holder=holder,
        )
        row.full_clean()
        row.save()


def _void_replaced(case: Case, item: RegistrationItem, ended: list[Any], by: User) -> None:
    """换证/补证: the old number is voided (numbers issued before this system are left alone).
    Electronic certificates of every ended right are voided, or superseded by a new version
    when a successor carries the number on (`certs.certificates_refresh`)."""
    if apps.is_installed("bdcdj.certs") and ended:
        from bdcdj.certs.services import certificates_refresh

        certificates_refresh(rights_ended=ended, by=by)
    if case.business_type not in REPLACING:
        return
    reason = "换证" if case.business_type == "certificate_replace" else "补证（原证遗失或灭失）"
    for right in ended:
        if right.certificate_number:
            try:
                certificate_number_void(
                    number=right.certificate_number, reason=f"{reason}，业务号{case.number}", by=by
                )
            except DomainError:
                continue


def _register_member(
    case: Case,
    items: list[RegistrationItem],
    running: dict[str, int],
    by: User,
    moment: datetime,
    recorded: list[RecordResult] | None = None,
) -> list[str]:
    seen = {u.unit_code: u.version_seen for u in case.units.all() if u.version_seen is not None}
    messages: list[str] = []
    for item in items:
        versions = {
            code: running.get(code, seen[code]) for code in item.unit_codes if code in seen or code in running
        }
        numbers = _allocate(case, item)
        final = replace(with_numbers(item, numbers, versions), registered_at=item.registered_at or moment)
        result = record(item=final, by=by)
        if recorded is not None:
            recorded.append(result)
        for code, version in final.expected_unit_versions.items():
            running[code] = version + 1
        _certificate_rows(case, final, numbers, [r.pk for r in result.rights_created])
        _void_replaced(case, final, list(result.rights_ended), by)
        messages += list(result.warnings)
    return messages


def _enqueue_access_message(case: Case, results: list[RecordResult], by: User) -> None:
    """Write the access message to the exchange outbox in this transaction (sent after commit
    by the relay), when the exchange app is installed."""
    if not apps.is_installed("bdcdj.exchange"):
        return
    from bdcdj.exchange.services import outbox_enqueue_registration

    outbox_enqueue_registration(case=case, results=results, by=by)


def case_register(*, case: Case, by: User) -> Case:
    """核准登簿. For a 一并申请 group every member is registered, in order, in this transaction."""
    common.authorize_step(case=case, user=by, action="cases.register", kinds=[StepKind.REGISTER])
    members = _members(case)
    _check_ready(case, members, by)
    plans = [(member, build_items(member, user=by)) for member in members]
    warnings = _quality(plans)
    running: dict[str, int] = {}
    with transaction.atomic():
        # One 登簿 moment for every item and member: the register's times, the case's and the
        # access message's (CreateDate, DJSJ, ZXSJ) are then the same instant.
        moment = clock.now()
        locked = {m.pk: common.lock(m) for m in sorted(members, key=lambda m: m.pk)}
        for member, items in plans:
            current = locked[member.pk]
            common.require(current, stages={Stage.REGISTER}, statuses={CaseStatus.RUNNING}, what="登簿")
            results: list[RecordResult] = []
            messages = _register_member(current, items, running, by, moment, results)
            current.registered_at = moment
            current.register_warnings = messages
            current.quality_warnings = warnings[member.pk]
            common.record_handler(current, by)
            common.enter_step(current, common.next_step_code(current))
            common.save(
                current,
                "registered_at",
                "register_warnings",
                "quality_warnings",
                "handlers",
                "step_code",
                "stage",
                "assigned_to",
                "completed_at",
                "status",
            )
            _enqueue_access_message(current, results, by)
            numbers = list(current.certificates.values_list("number", flat=True))
            note = f"，证号 {'、'.join(numbers)}" if numbers else ""
            common.event(current, EventKind.REGISTERED, by=by, message=f"已登簿{note}")
            common.audit(
                by=by, action="cases.register", case=current, detail={"numbers": numbers, "items": len(items)}
            )
    return locked[case.pk]


def case_units_refresh(*, case: Case, by: User) -> Case:
    """The registrar has looked at what changed on the units since 受理 and accepts the
    current state: the versions 登簿 expects are brought up to date."""
    step = case.workflow.step(case.step_code)
    common.authorize(
        user=by, region_code=case.region_code, page=RECORD_PAGE, action="cases.refresh_units", case=case
    )
    with transaction.atomic():
        case = common.lock(case)
        common.require(
            case,
            stages={Stage.ACCEPTED, Stage.REVIEW, Stage.REGISTER},
            statuses={CaseStatus.RUNNING},
            what="确认单元状态",
        )
        changed = []
        for unit in case.units.all():
            version = unit_get(user=by, code=unit.unit_code).version
            if version != unit.version_seen:
                changed.append(unit.unit_code)
                unit.version_seen = version
                unit.save(update_fields=["version_seen"])
        message = "确认单元最新登记状态：" + ("、".join(changed) if changed else "无变化")
        common.event(case, EventKind.UNITS_CONFIRMED, by=by, message=message, public=False)
        common.audit(
            by=by, action="cases.refresh_units", case=case, detail={"changed": changed, "step": step["code"]}
        )
    return case
