"""Writes of the sharing context: run a check against a department (archived first, retried by
the worker while the department is down), the identity shortcut the portal uses, and the
idempotent setup of department/interface rows.

A check row is committed as `pending` before any network call, so an outage never loses a
check: with a case, a failed call leaves the row pending and schedules `check_retry` with
backoff; without a case the caller gets `unavailable` at once.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bdcdj.accounts.pii import encrypt_text
from bdcdj.core.errors import NotFound, invalid_fields
from bdcdj.sharing import client
from bdcdj.sharing.kinds import KINDS, OK, STATUS_LABELS, UNAVAILABLE
from bdcdj.sharing.masking import mask_mapping
from bdcdj.sharing.models import CheckStatus, Interface, SharingCheck

if TYPE_CHECKING:
    from bdcdj.cases.models import Case

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
BACKOFF_BASE_SECONDS = 10
BACKOFF_MAX_SECONDS = 600
MAX_PARAM_CHARS = 200
MAX_PHOTO_CHARS = 2_000_000
_FINAL = {CheckStatus.OK, CheckStatus.MISMATCH, CheckStatus.NOT_FOUND}
_CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


@dataclass(frozen=True)
class CheckOutcome:
    status: str  # "ok" | "mismatch" | "not_found" | "pending" | "unavailable"
    message: str  # Chinese, safe to show (no personal data)
    data: dict[str, Any] = field(default_factory=dict)  # result fields, personal values masked
    check_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.status == OK


def pending_message(attempts: int) -> str:
    return f"等待部门核验，已重试 {max(attempts - 1, 0)} 次"


def outcome_of(row: SharingCheck) -> CheckOutcome:
    message = row.message
    if row.status == CheckStatus.PENDING:
        message = pending_message(row.attempts)
    return CheckOutcome(status=row.status, message=message, data=dict(row.result), check_id=row.pk)


def _clean_params(kind: str, params: Mapping[str, str]) -> dict[str, str]:
    spec = KINDS.get(kind)
    if spec is None:
        raise invalid_fields({"kind": "不支持的核验类型"}, code="unknown_kind")
    if not isinstance(params, Mapping):
        raise invalid_fields({"params": "应为键值对"})
    clean: dict[str, str] = {}
    errors: dict[str, str] = {}
    for key, value in params.items():
        limit = MAX_PHOTO_CHARS if key == "photo" else MAX_PARAM_CHARS
        if not isinstance(value, str):
            errors[str(key)] = "应为文本"
        elif len(value) > limit:
            errors[str(key)] = "长度超出限制"
        else:
            clean[str(key)] = value.strip()
    for required in spec.params:
        if not clean.get(required) and required not in errors:
            errors[required] = "必填"
    if errors:
        raise invalid_fields(errors)
    if "id_number" in clean:
        clean["id_number"] = clean["id_number"].upper()
    return clean


def interface_for(kind: str) -> Interface | None:
    return Interface.objects.select_related("department").filter(kind=kind).first()


@transaction.atomic
def _archive_new(*, kind: str, params: dict[str, str], operator: str, case: Case | None) -> SharingCheck:
    row = SharingCheck(
        region_code=case.region_code if case is not None else settings.BDCDJ_REGION_CODE,
        case=case,
        interface=interface_for(kind),
        kind=kind,
        operator=operator[:80] or "system",
        request_enc=encrypt_text(json.dumps(params, ensure_ascii=False, sort_keys=True)),
        request_masked=mask_mapping(params),
    )
    row.full_clean()
    row.save()
    return row


def check(
    *, kind: str, params: Mapping[str, str], operator: str, case: Case | None = None, wait: bool = True
) -> CheckOutcome:
    """Run one check. With `wait=False` (or the department down and a case given) the outcome is
    `pending` and the worker completes it; without a case an outage answers `unavailable`."""
    clean = _clean_params(kind, params)
    row = _archive_new(kind=kind, params=clean, operator=operator, case=case)
    if not wait:
        _schedule(row, delay_seconds=0)
        return outcome_of(row)
    return _attempt(row, params=clean, retry=case is not None)


def identity_verify(*, name: str, id_number: str, operator: str, case: Case | None = None) -> CheckOutcome:
    """Name + resident ID number against 公安; an organisation's credit code goes to 市场监管."""
    number = (id_number or "").strip().upper()
    if _CREDIT_CODE.match(number) and not number[:17].isdigit():
        return check(
            kind="identity.credit_code",
            params={"name": name, "credit_code": number},
            operator=operator,
            case=case,
        )
    return check(
        kind="identity.id_card", params={"name": name, "id_number": number}, operator=operator, case=case
    )


def check_retry(*, check_id: int) -> CheckOutcome:
    """One more attempt at a pending check (called by the worker task); finished checks are
    returned unchanged, so a duplicate task is harmless."""
    row = SharingCheck.objects.select_related("interface__department").filter(pk=check_id).first()
    if row is None:
        raise NotFound(code="check_not_found", message="未找到核验记录")
    if row.status != CheckStatus.PENDING:
        return outcome_of(row)
    from bdcdj.accounts.pii import decrypt_text

    params = json.loads(decrypt_text(row.request_enc) or "{}")
    return _attempt(row, params=params, retry=True)


def _attempt(row: SharingCheck, *, params: dict[str, str], retry: bool) -> CheckOutcome:
    interface = row.interface or interface_for(row.kind)
    if interface is None or not interface.active:
        return _finish(
            row, status=UNAVAILABLE, message="该核验接口未配置或未启用", response=None, latency=None
        )
    row.interface = interface
    row.attempts += 1
    SharingCheck.objects.filter(pk=row.pk).update(attempts=row.attempts, interface=interface)
    try:
        answer = client.call(interface=interface, payload={"kind": row.kind, "params": params})
    except client.DepartmentUnavailable as exc:
        if retry and row.attempts < MAX_ATTEMPTS:
            row.last_error = exc.reason[:200]
            SharingCheck.objects.filter(pk=row.pk).update(last_error=row.last_error)
            _schedule(row, delay_seconds=backoff_seconds(row.attempts))
            return outcome_of(row)
        return _finish(row, status=UNAVAILABLE, message=exc.reason, response=None, latency=None)
    status = str(answer.body.get("status", ""))
    if status not in {s.value for s in _FINAL}:
        return _finish(
            row,
            status=UNAVAILABLE,
            message="部门应答状态无法识别",
            response=answer.body,
            latency=answer.latency_ms,
        )
    message = str(answer.body.get("message", ""))[:200] or STATUS_LABELS[status]
    return _finish(row, status=status, message=message, response=answer.body, latency=answer.latency_ms)


def backoff_seconds(attempts: int) -> int:
    return int(min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


@transaction.atomic
def _finish(
    row: SharingCheck, *, status: str, message: str, response: dict[str, Any] | None, latency: int | None
) -> CheckOutcome:
    data = response.get("data", {}) if response else {}
    row.status = status
    row.message = message[:200]
    row.result = mask_mapping(data if isinstance(data, dict) else {})
    if response is not None:
        row.response_enc = encrypt_text(json.dumps(response, ensure_ascii=False, sort_keys=True))
        row.response_masked = mask_mapping(response)
    row.latency_ms = latency
    row.completed_at = timezone.now()
    row.full_clean()
    row.save()
    return outcome_of(row)


def _schedule(row: SharingCheck, *, delay_seconds: int) -> None:
    from bdcdj.sharing.tasks import sharing_check_retry

    run_after = timezone.now() + dt.timedelta(seconds=delay_seconds)
    enqueue: Callable[[], Any] = lambda: sharing_check_retry.using(run_after=run_after).enqueue(row.pk)  # noqa: E731
    transaction.on_commit(enqueue)
