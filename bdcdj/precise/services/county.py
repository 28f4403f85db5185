"""County node: receive tasks (push or pull), the A post prepares, the B post reviews and sends.

The two posts are enforced here, not in views: whoever prepared a result can never return or
send it. The result goes upward sealed for the national node; this node keeps nothing it could
read back once it is sent.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from bdcdj.accounts import pii
from bdcdj.accounts.models import Tenant, User
from bdcdj.accounts.selectors import require_tenant
from bdcdj.accounts.services import audit_record
from bdcdj.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, invalid_fields
from bdcdj.exchange.services.relay import backoff
from bdcdj.precise import envelope
from bdcdj.precise.models import InboxStatus, InboxTask, LogEvent
from bdcdj.precise.services.common import (
    API_PREFIX,
    answer_code,
    envelope_fresh,
    envelope_post,
    log_add,
    national_public_key,
    national_region,
    national_url,
    node_key,
    task_field_errors,
)
from bdcdj.precise.services.listing import units_listing

SEND_LEASE = dt.timedelta(minutes=2)


def _text(payload: dict[str, Any], name: str) -> str:
    value = payload.get(name, "")
    return value if isinstance(value, str) else ""


@transaction.atomic
def task_receive(*, raw: bytes, via: str = "push") -> InboxTask:
    """Accept a task envelope from the national node into the inbox of the county it names.

    Order: form → sender and recipient → signature → clock and nonce → decryption → content
    (legal basis first) → duplicate. Each refusal is a 4xx with a Chinese reason.
    """
    env = envelope.parse(raw)
    if env.kind != "task":
        raise InvalidInput(code="envelope_kind", message="报文信封类型应为 task")
    if env.sender != national_region():
        raise Forbidden(code="node_unknown", message="节点未授权：只接受国家级节点下达的查询任务")
    if not Tenant.objects.filter(region_code=env.recipient).exists():
        raise NotFound(code="recipient_unknown", message="本节点不承办该行政区的查询任务")
    envelope.verify(env, public_key_hex=national_public_key())
    envelope_fresh(env)
    payload = envelope.open_payload(env, private_key_hex=node_key())
    if not _text(payload, "legal_basis").strip():
        raise InvalidInput(
            code="legal_basis_required",
            message="查询任务缺少法律依据，拒绝受理",
            fields={"legal_basis": "必填"},
        )
    target_id = pii.normalise_id_number(_text(payload, "target_id"))
    errors = task_field_errors(
        authority=_text(payload, "authority"),
        legal_basis=_text(payload, "legal_basis"),
        purpose=_text(payload, "purpose"),
        target_kind=_text(payload, "target_kind"),
        target_id=target_id,
    )
    try:
        deadline = dt.datetime.fromisoformat(_text(payload, "deadline"))
    except ValueError:
        errors["deadline"] = "截止时间格式有误"
    else:
        if timezone.is_naive(deadline):
            errors["deadline"] = "截止时间须带时区"
    if _text(payload, "serial") != env.task:
        errors["serial"] = "任务编号与信封不符"
    if errors:
        raise invalid_fields(errors, code="task_invalid")
    if InboxTask.objects.filter(region_code=env.recipient, serial=env.task).exists():
        raise Conflict(code="task_duplicate", message="该查询任务已接收，拒绝重复投递")
    task = InboxTask(
        region_code=env.recipient,
        serial=env.task,
        issuer_region=env.sender,
        authority=_text(payload, "authority").strip(),
        legal_basis=_text(payload, "legal_basis").strip(),
        purpose=_text(payload, "purpose").strip(),
        target_kind=_text(payload, "target_kind"),
        target_enc=pii.encrypt_text(target_id),
        target_index=pii.blind_index(target_id),
        target_masked=pii.mask_id_number(target_id),
        deadline=deadline,
        received_via=via,
    )
    task.full_clean()
    task.save()
    log_add(region_code=task.region_code, task_serial=task.serial, event=LogEvent.RECEIVED)
    return task


def _locked(task: InboxTask, by: User) -> InboxTask:
    require_tenant(user=by, region_code=task.region_code)
    return InboxTask.objects.select_for_update().get(pk=task.pk)


@transaction.atomic
def result_prepare(*, task: InboxTask, by: User) -> InboxTask:
    """A post: search the local register by the target's blind index and keep the listing as an
    encrypted draft for review."""
    task = _locked(task, by)
    if task.status != InboxStatus.NEW:
        raise Conflict(code="task_not_new", message="该任务不在待办理状态")
    target_id = pii.decrypt_text(task.target_enc)
    units = units_listing(user=by, id_number=target_id, region_code=task.region_code)
    task.draft_enc = pii.encrypt_text(json.dumps(units, ensure_ascii=False))
    task.unit_count = len(units)
    task.status = InboxStatus.PREPARED
    task.prepared_by = by
    task.prepared_at = timezone.now()
    task.return_reason = ""
    task.save(
        update_fields=["draft_enc", "unit_count", "status", "prepared_by", "prepared_at", "return_reason"]
    )
    audit_record(
        actor=by,
        action="precise.result_prepare",
        object_type="precise.inbox",
        object_id=task.serial,
        region_code=task.region_code,
        detail={"units": len(units)},
    )
    return task


def _reviewer_check(task: InboxTask, by: User) -> None:
    if task.status != InboxStatus.PREPARED:
        raise Conflict(code="task_not_prepared", message="该任务尚未经办（A岗）或已反馈")
    if task.prepared_by_id == by.pk:
        raise Forbidden(code="same_person", message="经办（A岗）与复核（B岗）不能为同一人")


@transaction.atomic
def result_return(*, task: InboxTask, by: User, reason: str) -> InboxTask:
    """B post: send the draft back to the A post with a reason; the draft is discarded."""
    task = _locked(task, by)
    _reviewer_check(task, by)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(code="reason_required", message="请填写退回原因", fields={"reason": "必填"})
    task.status = InboxStatus.NEW
    task.return_reason = reason[:300]
    task.draft_enc = ""
    task.unit_count = None
    task.save(update_fields=["status", "return_reason", "draft_enc", "unit_count"])
    audit_record(
        actor=by,
        action="precise.result_return",
        object_type="precise.inbox",
        object_id=task.serial,
        region_code=task.region_code,
    )
    return task


@transaction.atomic
def result_send(*, task: InboxTask, by: User) -> InboxTask:
    """B post: seal the reviewed listing for the national node, sign it, queue it for delivery,
    and erase everything readable about the target and the result from this node."""
    task = _locked(task, by)
    _reviewer_check(task, by)
    now = timezone.now()
    payload = {
        "serial": task.serial,
        "region": task.region_code,
        "answered_at": now.isoformat(),
        "units": json.loads(pii.decrypt_text(task.draft_enc)),
    }
    task.result_envelope = envelope.seal(
        kind="result",
        sender=task.region_code,
        recipient=task.issuer_region,
        task=task.serial,
        payload=payload,
        recipient_public_key_hex=national_public_key(),
        signing_key_hex=node_key(),
    )
    task.status = InboxStatus.SENT
    task.reviewed_by = by
    task.reviewed_at = now
    task.next_attempt_at = now
    task.draft_enc = task.target_enc = task.target_index = task.target_masked = ""
    task.save()
    log_add(
        region_code=task.region_code,
        task_serial=task.serial,
        event=LogEvent.ANSWERED,
        count=task.unit_count or 0,
    )
    audit_record(
        actor=by,
        action="precise.result_send",
        object_type="precise.inbox",
        object_id=task.serial,
        region_code=task.region_code,
        detail={"units": task.unit_count or 0},
    )
    transaction.on_commit(_enqueue_send)
    return task


def _enqueue_send() -> None:
    from bdcdj.precise.tasks import precise_results_send

    precise_results_send.enqueue()


@dataclass
class SendReport:
    acknowledged: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)


def results_deliver(*, now: dt.datetime | None = None, limit: int = 100) -> SendReport:
    """Post sent results not yet acknowledged to the national node (fresh nonce and signature
    each attempt, the sealed content unchanged); 409 `result_duplicate` means it already has it."""
    now = now or timezone.now()
    report = SendReport()
    base = national_url()
    if not base:
        return report
    with transaction.atomic():
        due = list(
            InboxTask.objects.select_for_update()
            .filter(status=InboxStatus.SENT, acknowledged_at__isnull=True, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")[:limit]
        )
        InboxTask.objects.filter(pk__in=[t.pk for t in due]).update(next_attempt_at=now + SEND_LEASE)
    for task in due:
        body = envelope.reseal(bytes(task.result_envelope or b""), signing_key_hex=node_key())
        answer = envelope_post(f"{base}{API_PREFIX}/results", body)
        code = answer_code(answer)
        task.send_attempts += 1
        if answer.status == 200 or (answer.status == 409 and code == "result_duplicate"):
            task.acknowledged_at = timezone.now()
            task.last_error = ""
            report.acknowledged.append(task.serial)
        else:
            task.last_error = (f"HTTP {answer.status} {code}" if answer.status else answer.error)[:300]
            task.next_attempt_at = timezone.now() + backoff(task.send_attempts)
            report.retried.append(task.serial)
        task.save(update_fields=["send_attempts", "acknowledged_at", "last_error", "next_attempt_at"])
    return report


def tasks_pull(*, region_code: str) -> list[InboxTask]:
    """Fetch this county's open tasks from the national node (when push cannot reach it)."""
    base = national_url()
    if not base:
        raise InvalidInput(
            code="national_url_missing", message="未配置国家级节点地址（BDCDJ_PRECISE_NATIONAL_URL）"
        )
    request = envelope.seal(
        kind="pull",
        sender=region_code,
        recipient=national_region(),
        task="",
        payload=None,
        recipient_public_key_hex=national_public_key(),
        signing_key_hex=node_key(),
    )
    answer = envelope_post(f"{base}{API_PREFIX}/pull", request)
    if answer.status != 200:
        raise DomainError(
            code="pull_failed",
            message=f"从国家级节点拉取任务失败：{answer.error or answer_code(answer) or answer.status}",
        )
    received = []
    for item in json.loads(answer.body).get("envelopes", []):
        try:
            received.append(task_receive(raw=item.encode("ascii"), via="pull"))
        except Conflict:
            continue  # already in the inbox
    return received
