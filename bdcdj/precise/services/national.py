"""National node: county endpoints, task creation, delivery (push with retries, pull), results."""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from bdcdj.accounts import pii
from bdcdj.accounts.models import User
from bdcdj.accounts.selectors import require_tenant
from bdcdj.accounts.services import audit_record
from bdcdj.core.errors import Conflict, Forbidden, InvalidInput, NotFound, invalid_fields
from bdcdj.core.workdays import add_workdays
from bdcdj.exchange.services.relay import backoff
from bdcdj.hub.models import LowerNode
from bdcdj.precise import envelope
from bdcdj.precise.models import (
    Assignment,
    AssignmentStatus,
    CountyEndpoint,
    LogEvent,
    QueryTask,
)
from bdcdj.precise.services.common import (
    API_PREFIX,
    answer_code,
    envelope_fresh,
    envelope_post,
    log_add,
    node_key,
    node_region,
    task_field_errors,
)
from bdcdj.standards.services import sequence_next

DEFAULT_DEADLINE_DAYS = 7
MAX_DEADLINE_DAYS = 15
DELIVERY_LEASE = dt.timedelta(minutes=2)
DELIVERY_WORKERS = 16
PULL_BATCH = 100
_PUBLIC_KEY = re.compile(r"^(04)?[0-9a-fA-F]{128}$")


def _national_only() -> None:
    if settings.BDCDJ_NODE_ROLE != "national":
        raise NotFound(code="not_national", message="本节点不是国家级节点，不办理精准查询任务的下达与汇总")


@transaction.atomic
def endpoint_register(
    *, region_code: str, name: str, base_url: str, public_key_hex: str = "", push_enabled: bool = True
) -> CountyEndpoint:
    """Register (or update) a county endpoint. Without a key, the key of the hub's node registry
    for that region is taken (the county registered for its access messages)."""
    if not public_key_hex:
        node = LowerNode.objects.filter(region_code=region_code).first()
        public_key_hex = node.public_key_hex if node else ""
    errors: dict[str, str] = {}
    if not re.fullmatch(r"\d{6}", region_code):
        errors["region_code"] = "行政区划代码应为6位数字"
    if not name.strip():
        errors["name"] = "必填"
    if not _PUBLIC_KEY.match(public_key_hex):
        errors["public_key_hex"] = (
            "SM2 公钥应为128位（或带04前缀的130位）十六进制；该区划也未在下级节点中登记"
        )
    if push_enabled and not base_url:
        errors["base_url"] = "主动推送的节点必须填写接口地址"
    if errors:
        raise invalid_fields(errors, code="endpoint_invalid")
    endpoint = CountyEndpoint.objects.filter(region_code=region_code).first() or CountyEndpoint(
        region_code=region_code
    )
    endpoint.name = name.strip()
    endpoint.base_url = base_url.rstrip("/")
    endpoint.public_key_hex = public_key_hex.lower()
    endpoint.push_enabled = push_enabled
    endpoint.is_active = True
    try:
        endpoint.full_clean()
    except ValidationError as exc:
        raise invalid_fields(
            {k: "；".join(v) for k, v in exc.message_dict.items()}, code="endpoint_invalid"
        ) from exc
    endpoint.save()
    return endpoint


def deadline_for(*, issued: dt.datetime, days: int) -> dt.datetime:
    """End (23:59:59 local) of the `days`-th working day after the day of issue."""
    last_day = add_workdays(timezone.localtime(issued).date(), days)
    return timezone.make_aware(dt.datetime.combine(last_day, dt.time(23, 59, 59)))


def _serial(region_code: str, today: dt.date) -> str:
    number = sequence_next(
        scope=f"precise:task:{region_code}:{today:%Y%m%d}",
        maximum=9999,
        exhausted_message="当日精准查询任务编号已用完",
    )
    return f"JQ{region_code}{today:%Y%m%d}{number:04d}"


@transaction.atomic
def task_create(
    *,
    by: User,
    authority: str,
    legal_basis: str,
    purpose: str,
    target_kind: str,
    target_id: str,
    deadline_days: int = DEFAULT_DEADLINE_DAYS,
    regions: list[str] | None = None,
) -> QueryTask:
    """Create a task and its assignments (all active county endpoints when `regions` is None).

    Delivery happens after commit (`deliver_due`), never inside this transaction.
    """
    _national_only()
    region_code = node_region()
    require_tenant(user=by, region_code=region_code)
    target_id = pii.normalise_id_number(target_id)
    errors = task_field_errors(
        authority=authority,
        legal_basis=legal_basis,
        purpose=purpose,
        target_kind=target_kind,
        target_id=target_id,
    )
    if not 1 <= deadline_days <= MAX_DEADLINE_DAYS:
        errors["deadline_days"] = f"办理时限为 1–{MAX_DEADLINE_DAYS} 个工作日"
    endpoints = CountyEndpoint.objects.filter(is_active=True)
    if regions is not None:
        wanted = set(regions)
        endpoints = endpoints.filter(region_code__in=wanted)
        if unknown := sorted(wanted - {e.region_code for e in endpoints}):
            errors["regions"] = "未登记或已停用的县级节点：" + "、".join(unknown)
    chosen = list(endpoints)
    if not chosen and "regions" not in errors:
        errors["regions"] = "没有可下达的县级节点"
    if errors:
        raise invalid_fields(errors, code="task_invalid")
    now = timezone.now()
    task = QueryTask(
        region_code=region_code,
        serial=_serial(region_code, timezone.localdate(now)),
        authority=authority.strip(),
        legal_basis=legal_basis.strip(),
        purpose=purpose.strip(),
        target_kind=target_kind,
        target_enc=pii.encrypt_text(target_id),
        target_index=pii.blind_index(target_id),
        target_masked=pii.mask_id_number(target_id),
        deadline_days=deadline_days,
        deadline=deadline_for(issued=now, days=deadline_days),
        created_by=by,
        created_at=now,
    )
    task.full_clean()
    task.save()
    Assignment.objects.bulk_create(
        [Assignment(task=task, endpoint=e, region_code=e.region_code, next_attempt_at=now) for e in chosen]
    )
    log_add(region_code=region_code, task_serial=task.serial, event=LogEvent.ISSUED, count=len(chosen))
    audit_record(
        actor=by,
        action="precise.task_create",
        object_type="precise.task",
        object_id=task.serial,
        region_code=region_code,
        detail={"counties": len(chosen), "deadline_days": deadline_days},
    )
    transaction.on_commit(_enqueue_delivery)
    return task


def _enqueue_delivery() -> None:
    from bdcdj.precise.tasks import precise_deliver

    precise_deliver.enqueue()


def task_payload(task: QueryTask) -> dict[str, str]:
    return {
        "serial": task.serial,
        "authority": task.authority,
        "legal_basis": task.legal_basis,
        "purpose": task.purpose,
        "target_kind": task.target_kind,
        "target_id": pii.decrypt_text(task.target_enc),
        "deadline": task.deadline.isoformat(),
        "issued_at": task.created_at.isoformat(),
    }


def _seal_task(assignment: Assignment) -> bytes:
    return envelope.seal(
        kind="task",
        sender=node_region(),
        recipient=assignment.region_code,
        task=assignment.task.serial,
        payload=task_payload(assignment.task),
        recipient_public_key_hex=assignment.endpoint.public_key_hex,
        signing_key_hex=node_key(),
    )


@dataclass
class DeliveryReport:
    delivered: list[str] = field(default_factory=list)  # "serial→region"
    retried: list[str] = field(default_factory=list)


def _claim(now: dt.datetime, limit: int, task_id: int | None) -> list[Assignment]:
    with transaction.atomic():
        query = Assignment.objects.filter(
            status=AssignmentStatus.PENDING,
            next_attempt_at__lte=now,
            endpoint__is_active=True,
            endpoint__push_enabled=True,
        ).order_by("next_attempt_at", "id")
        if task_id is not None:
            query = query.filter(task_id=task_id)
        if connection.vendor == "postgresql":
            query = query.select_for_update(skip_locked=True, of=("self",))
        claimed = list(query.select_related("task", "endpoint")[:limit])
        Assignment.objects.filter(pk__in=[a.pk for a in claimed]).update(next_attempt_at=now + DELIVERY_LEASE)
    return claimed


def deliver_due(
    *, now: dt.datetime | None = None, limit: int = 500, task_id: int | None = None
) -> DeliveryReport:
    """Push due assignments to their counties, several at once; failures retry with backoff.

    A county that answers 409 `task_duplicate` already holds the task (an earlier answer was
    lost): that counts as delivered. Counties that cannot be reached can still pull.
    """
    now = now or timezone.now()
    report = DeliveryReport()
    claimed = _claim(now, limit, task_id)
    sealed = [(a, _seal_task(a)) for a in claimed]

    def push(item: tuple[Assignment, bytes]) -> tuple[Assignment, int, str]:
        assignment, body = item
        answer = envelope_post(f"{assignment.endpoint.base_url}{API_PREFIX}/tasks", body)
        return assignment, answer.status, answer_code(answer) or answer.error

    with ThreadPoolExecutor(max_workers=DELIVERY_WORKERS) as pool:
        outcomes = list(pool.map(push, sealed))
    for assignment, status, code in outcomes:
        label = f"{assignment.task.serial}→{assignment.region_code}"
        assignment.attempts += 1
        if status == 200 or (status == 409 and code == "task_duplicate"):
            _mark_delivered(assignment, via="push")
            report.delivered.append(label)
            continue
        assignment.last_error = f"HTTP {status} {code}".strip()[:300] if status else code[:300]
        assignment.next_attempt_at = timezone.now() + backoff(assignment.attempts)
        assignment.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        report.retried.append(label)
    return report


def _mark_delivered(assignment: Assignment, *, via: str) -> None:
    with transaction.atomic():
        updated = Assignment.objects.filter(pk=assignment.pk, status=AssignmentStatus.PENDING).update(
            status=AssignmentStatus.DELIVERED,
            delivered_at=timezone.now(),
            delivered_via=via,
            attempts=assignment.attempts,
            last_error="",
        )
        if updated:
            log_add(
                region_code=assignment.region_code,
                task_serial=assignment.task.serial,
                event=LogEvent.DELIVERED,
            )


def _sender_endpoint(env: envelope.Envelope, *, kind: str) -> CountyEndpoint:
    if env.kind != kind:
        raise InvalidInput(code="envelope_kind", message=f"报文信封类型应为 {kind}")
    if env.recipient != node_region():
        raise Forbidden(code="wrong_recipient", message="报文信封不是发给本节点的")
    endpoint = CountyEndpoint.objects.filter(region_code=env.sender, is_active=True).first()
    if endpoint is None:
        raise Forbidden(code="node_unknown", message="节点未授权：发送方不是已登记的县级节点")
    envelope.verify(env, public_key_hex=endpoint.public_key_hex)
    envelope_fresh(env)
    return endpoint


def pull_answer(*, raw: bytes) -> list[str]:
    """The tasks not yet answered by the pulling county, each sealed for it (a county that
    cannot be reached by push fetches its tasks here; duplicates are refused on its side)."""
    _national_only()
    endpoint = _sender_endpoint(envelope.parse(raw), kind="pull")
    open_ones = (
        Assignment.objects.filter(region_code=endpoint.region_code)
        .exclude(status=AssignmentStatus.ANSWERED)
        .select_related("task", "endpoint")
        .order_by("id")[:PULL_BATCH]
    )
    sealed = []
    for assignment in open_ones:
        sealed.append(_seal_task(assignment).decode("ascii"))
        _mark_delivered(assignment, via="pull")
    return sealed


@transaction.atomic
def result_receive(*, raw: bytes) -> Assignment:
    """Store a county's signed, encrypted answer as received, once; decrypted only to check it."""
    _national_only()
    env = envelope.parse(raw)
    endpoint = _sender_endpoint(env, kind="result")
    payload = envelope.open_payload(env, private_key_hex=node_key())
    if payload.get("serial") != env.task or payload.get("region") != endpoint.region_code:
        raise InvalidInput(code="result_mismatch", message="反馈内容与信封的任务编号或节点不符")
    units = payload.get("units")
    if not isinstance(units, list):
        raise InvalidInput(code="result_malformed", message="反馈内容缺少单元列表")
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("task")
        .filter(task__serial=env.task, region_code=endpoint.region_code)
        .first()
    )
    if assignment is None:
        raise NotFound(code="assignment_not_found", message="没有下达给该节点的此项查询任务")
    if assignment.status == AssignmentStatus.ANSWERED:
        raise Conflict(code="result_duplicate", message="该任务的反馈已接收，拒绝重复提交")
    now = timezone.now()
    assignment.status = AssignmentStatus.ANSWERED
    assignment.answered_at = now
    assignment.delivered_at = assignment.delivered_at or now
    assignment.unit_count = len(units)
    assignment.on_time = now <= assignment.task.deadline
    assignment.result_envelope = raw
    assignment.save(
        update_fields=["status", "answered_at", "delivered_at", "unit_count", "on_time", "result_envelope"]
    )
    log_add(
        region_code=endpoint.region_code,
        task_serial=env.task,
        event=LogEvent.RESULT_RECEIVED,
        count=len(units),
    )
    return assignment
