"""Writes of integrity supervision: rule settings, running the rules into deduplicated alerts,
and the supervisors' acknowledge/close with a comment. Every write is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from bdcdj.accounts.models import Tenant, User
from bdcdj.accounts.selectors import require_page, require_tenant
from bdcdj.accounts.services import audit_record
from bdcdj.core.errors import Conflict, InvalidInput, NotFound
from bdcdj.supervision.models import Alert, AlertNote, AlertStatus, RuleSetting, Severity
from bdcdj.supervision.rules import RULES, Hit, Rule

COMMENT_MAX = 1000


@dataclass(frozen=True)
class Effective:
    """A rule with the administrator's setting applied."""

    rule: Rule
    enabled: bool
    severity: str
    params: dict[str, Any]
    raw: dict[str, str]


def rule_effective(rule: Rule, setting: RuleSetting | None) -> Effective:
    raw = {p.name: p.default for p in rule.params}
    if setting is not None:
        raw.update({k: str(v) for k, v in setting.params.items() if k in raw})
    params = {p.name: p.parse(raw[p.name]) for p in rule.params}
    if setting is None:
        return Effective(rule, True, rule.severity, params, raw)
    return Effective(rule, setting.enabled, setting.severity, params, raw)


def rules_effective() -> list[Effective]:
    settings = {s.code: s for s in RuleSetting.objects.all()}
    return [rule_effective(rule, settings.get(code)) for code, rule in RULES.items()]


@transaction.atomic
def rule_setting_update(
    *, code: str, enabled: bool, severity: str, params: Mapping[str, object], by: User
) -> RuleSetting:
    """Change a rule's switch, severity or parameters; each parameter is checked against its type."""
    require_page(user=by, page="supervision.rules", write=True)
    rule = RULES.get(code)
    if rule is None:
        raise NotFound(code="rule_not_found", message="没有该规则")
    if severity not in Severity.values:
        raise InvalidInput(code="severity_invalid", message="风险等级无效", fields={"severity": "无效"})
    errors: dict[str, str] = {}
    stored: dict[str, str] = {}
    for param in rule.params:
        raw = str(params.get(param.name, param.default)).strip()
        try:
            param.parse(raw)
        except ValueError as exc:
            errors[param.name] = f"{param.label}{exc}"
            continue
        stored[param.name] = raw
    names = {p.name: p.parse(stored[p.name]) for p in rule.params if p.name in stored}
    if "work_start" in names and "work_end" in names and names["work_start"] >= names["work_end"]:
        errors["work_end"] = "下班时间应晚于上班时间"
    if errors:
        raise InvalidInput(code="rule_params_invalid", message="规则参数有误", fields=errors)
    setting, _ = RuleSetting.objects.get_or_create(code=code, defaults={"severity": severity})
    before = {"enabled": setting.enabled, "severity": setting.severity, "params": setting.params}
    setting.enabled, setting.severity, setting.params, setting.updated_by = enabled, severity, stored, by
    setting.full_clean()
    setting.save()
    audit_record(
        actor=by,
        action="supervision.rule_update",
        object_type="supervision.rule",
        object_id=code,
        detail={"before": before, "after": {"enabled": enabled, "severity": severity, "params": stored}},
    )
    return setting


def _alert_create(*, region_code: str, effective: Effective, hit: Hit, now: dt.datetime) -> Alert | None:
    """Store the alert of (rule, subject); None when a concurrent run stored it first."""
    alert = Alert(
        region_code=region_code,
        rule_code=effective.rule.code,
        subject_key=hit.subject_key,
        severity=effective.severity,
        subject_type=hit.subject_type,
        subject_label=hit.subject_label[:200],
        case_id=hit.case_id,
        staff_id=hit.staff_id,
        staff_name=hit.staff_name[:150],
        message=hit.message[:500],
        detail=hit.detail,
        occurred_at=hit.occurred_at,
        first_seen_at=now,
        last_seen_at=now,
    )
    alert.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            alert.save()
    except IntegrityError:  # stored at the same moment by a concurrent run
        return None
    audit_record(
        actor=None,
        actor_name="system",
        action="supervision.alert_raise",
        object_type="supervision.alert",
        object_id=str(alert.pk),
        region_code=region_code,
        detail={"rule": alert.rule_code, "subject": alert.subject_key},
    )
    return alert


def _alerts_store(*, region_code: str, effective: Effective, hits: list[Hit], now: dt.datetime) -> int:
    """Deduplicate by (rule, subject): subjects already alerted only get `last_seen_at`
    refreshed (one UPDATE per chunk), the others become new alerts. Returns how many are new."""
    by_key = {hit.subject_key: hit for hit in hits}
    existing = Alert.objects.filter(region_code=region_code, rule_code=effective.rule.code)
    keys = list(by_key)
    seen: set[str] = set()
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        found = existing.filter(subject_key__in=chunk)
        seen.update(found.values_list("subject_key", flat=True))
        found.update(last_seen_at=now)
    created = 0
    for key, hit in by_key.items():
        if key not in seen:
            created += (
                _alert_create(region_code=region_code, effective=effective, hit=hit, now=now) is not None
            )
    return created


def _regions(region_codes: Iterable[str] | None) -> list[str]:
    if region_codes is not None:
        return sorted(set(region_codes))
    return list(Tenant.objects.order_by("region_code").values_list("region_code", flat=True))


@dataclass(frozen=True)
class RunResult:
    evaluated: int  # rule × district evaluations
    hits: int
    created: int


def rules_run(
    *,
    region_codes: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
    now: dt.datetime | None = None,
    case_id: int | None = None,
) -> RunResult:
    """Evaluate the enabled rules (all, or `codes`) for the districts (all tenants by default)
    and store their hits as alerts. With `case_id`, only the event-time rules for that case."""
    moment = now or timezone.now()
    wanted = set(codes) if codes is not None else None
    evaluated = hits = created = 0
    for effective in rules_effective():
        rule = effective.rule
        if not effective.enabled or (wanted is not None and rule.code not in wanted):
            continue
        if case_id is not None and not rule.at_event:
            continue
        for region_code in _regions(region_codes):
            found = rule.evaluate(region_code=region_code, now=moment, p=effective.params, case_id=case_id)
            evaluated += 1
            hits += len(found)
            with transaction.atomic():
                created += _alerts_store(region_code=region_code, effective=effective, hits=found, now=moment)
    return RunResult(evaluated, hits, created)


def _handle(*, alert_id: int, by: User, comment: str, action: str) -> Alert:
    require_page(user=by, page="supervision.alerts", write=True)
    comment = " ".join((comment or "").split())
    if not comment:
        raise InvalidInput(code="comment_required", message="请填写处理意见", fields={"comment": "必填"})
    comment = comment[:COMMENT_MAX]
    with transaction.atomic():
        alert = Alert.objects.select_for_update().filter(pk=alert_id).first()
        if alert is None:
            raise NotFound(code="alert_not_found", message="没有该预警")
        require_tenant(user=by, region_code=alert.region_code)
        allowed: set[str] = {
            AlertNote.Action.ACKNOWLEDGE.value: {AlertStatus.OPEN.value},
            AlertNote.Action.CLOSE.value: {AlertStatus.OPEN.value, AlertStatus.ACKNOWLEDGED.value},
        }[action]
        if alert.status not in allowed:
            raise Conflict(code="alert_state", message=f"该预警{alert.get_status_display()}，不能再次处理")
        now = timezone.now()
        alert.status = (
            AlertStatus.ACKNOWLEDGED if action == AlertNote.Action.ACKNOWLEDGE else AlertStatus.CLOSED
        )
        alert.handled_by, alert.handled_at = by, now
        alert.save(update_fields=["status", "handled_by", "handled_at"])
        note = AlertNote(alert=alert, action=action, comment=comment, by=by, at=now)
        note.full_clean()
        note.save()
        audit_record(
            actor=by,
            action=f"supervision.alert_{action}",
            object_type="supervision.alert",
            object_id=str(alert.pk),
            region_code=alert.region_code,
            detail={"rule": alert.rule_code, "status": alert.status, "comment_chars": len(comment)},
        )
    return alert


def alert_acknowledge(*, alert_id: int, by: User, comment: str) -> Alert:
    """确认核查: the supervisor takes the alert on; the comment says what will be checked."""
    return _handle(alert_id=alert_id, by=by, comment=comment, action=AlertNote.Action.ACKNOWLEDGE)


def alert_close(*, alert_id: int, by: User, comment: str) -> Alert:
    """关闭 with the finding (e.g. 经核实为节假日值班登簿). A closed alert stays closed: a later run
    that finds the same subject only refreshes its last-seen time."""
    return _handle(alert_id=alert_id, by=by, comment=comment, action=AlertNote.Action.CLOSE)
