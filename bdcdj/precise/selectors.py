"""Reads of precise query, scoped to the acting user's districts.

National: tasks of the issuing district, their progress, the decrypted answers (only here, with
this node's key; each opening is audited), on-time rates per county. County: the inbox of the
user's counties and the draft listing under review.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from bdcdj.accounts import pii
from bdcdj.accounts.selectors import AnyUser, tenant_codes
from bdcdj.accounts.services import audit_record
from bdcdj.core.errors import NotFound
from bdcdj.precise import envelope
from bdcdj.precise.models import (
    Assignment,
    AssignmentStatus,
    CountyEndpoint,
    InboxStatus,
    InboxTask,
    QueryTask,
)
from bdcdj.precise.services.common import node_key

PAGE_SIZE = 20
PAGE_SIZE_MAX = 100


def _page(query: QuerySet[Any], *, page: int, page_size: int) -> Page:
    size = max(1, min(page_size, PAGE_SIZE_MAX))
    return Paginator(query, size).get_page(page)


# -- national -----------------------------------------------------------------------------------
def tasks_query(*, user: AnyUser, serial: str = "") -> QuerySet[QueryTask]:
    query = QueryTask.objects.filter(region_code__in=tenant_codes(user=user)).annotate(
        total=Count("assignments"),
        answered=Count("assignments", filter=Q(assignments__status=AssignmentStatus.ANSWERED)),
    )
    if serial.strip():
        query = query.filter(serial__startswith=serial.strip().upper())
    return query.order_by("-created_at", "-id")


def progress(task: QueryTask) -> tuple[int, int]:
    """(answered, assigned) of a task read through `tasks_query`."""
    return task.answered, task.total  # type: ignore[attr-defined]


def tasks_page(*, user: AnyUser, serial: str = "", page: int = 1, page_size: int = PAGE_SIZE) -> Page:
    return _page(tasks_query(user=user, serial=serial), page=page, page_size=page_size)


def task_get(*, user: AnyUser, task_id: int) -> QueryTask:
    task = tasks_query(user=user).filter(pk=task_id).first()
    if task is None:
        raise NotFound(code="task_not_found", message="查询任务不存在")
    return task


@dataclass(frozen=True)
class AssignmentRow:
    assignment: Assignment
    name: str
    on_time: bool | None  # None while not answered and not yet overdue
    overdue: bool


def _row(assignment: Assignment, deadline: dt.datetime, now: dt.datetime) -> AssignmentRow:
    if assignment.answered_at is not None:
        on_time: bool | None = bool(assignment.on_time)
        overdue = not on_time
    else:
        overdue = now > deadline
        on_time = False if overdue else None
    return AssignmentRow(
        assignment=assignment, name=assignment.endpoint.name, on_time=on_time, overdue=overdue
    )


def task_assignments(*, user: AnyUser, task: QueryTask) -> list[AssignmentRow]:
    task_get(user=user, task_id=task.pk)
    now = timezone.now()
    rows = Assignment.objects.filter(task=task).select_related("endpoint").defer("result_envelope")
    return [_row(a, task.deadline, now) for a in rows.order_by("region_code")]


def task_results(*, user: AnyUser, task: QueryTask) -> list[dict[str, Any]]:
    """The answers of a task decrypted with this node's key (audited: task serial only)."""
    task_get(user=user, task_id=task.pk)
    answers = []
    rows = Assignment.objects.filter(task=task, status=AssignmentStatus.ANSWERED).select_related("endpoint")
    for assignment in rows.order_by("region_code"):
        env = envelope.parse(bytes(assignment.result_envelope or b""))
        payload = envelope.open_payload(env, private_key_hex=node_key())
        answers.append({"region_code": assignment.region_code, "name": assignment.endpoint.name, **payload})
    audit_record(
        actor=user,
        action="precise.result_view",
        object_type="precise.task",
        object_id=task.serial,
        region_code=task.region_code,
        detail={"answers": len(answers)},
    )
    return answers


@dataclass(frozen=True)
class NodeRate:
    region_code: str
    name: str
    assigned: int
    answered: int
    on_time: int
    late: int
    overdue_open: int

    @property
    def due(self) -> int:
        """Assignments whose outcome is known: answered, or past the deadline unanswered."""
        return self.answered + self.overdue_open

    @property
    def rate(self) -> float | None:
        return round(100 * self.on_time / self.due, 1) if self.due else None


def node_rates(*, user: AnyUser, now: dt.datetime | None = None) -> list[NodeRate]:
    """On-time rate per county over the tasks of the user's districts."""
    now = now or timezone.now()
    tasks = QueryTask.objects.filter(region_code__in=tenant_codes(user=user))
    rows = (
        Assignment.objects.filter(task__in=tasks)
        .values("region_code")
        .annotate(
            assigned=Count("id"),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            on_time=Count("id", filter=Q(on_time=True)),
            overdue_open=Count("id", filter=Q(answered_at__isnull=True, task__deadline__lt=now)),
        )
        .order_by("region_code")
    )
    names = dict(CountyEndpoint.objects.values_list("region_code", "name"))
    return [
        NodeRate(
            region_code=row["region_code"],
            name=names.get(row["region_code"], row["region_code"]),
            assigned=row["assigned"],
            answered=row["answered"],
            on_time=row["on_time"],
            late=row["answered"] - row["on_time"],
            overdue_open=row["overdue_open"],
        )
        for row in rows
    ]


def dashboard_data(*, user: AnyUser) -> dict[str, Any]:
    """Figures for the progress page and its charts (plain lists, ready for json_script)."""
    rates = node_rates(user=user)
    recent = list(tasks_query(user=user)[:20])
    return {
        "rates": rates,
        "chart": {
            "nodes": [f"{r.region_code} {r.name}" for r in rates],
            "rate": [r.rate for r in rates],
            "on_time": [r.on_time for r in rates],
            "late": [r.late for r in rates],
            "overdue_open": [r.overdue_open for r in rates],
            "tasks": [t.serial for t in reversed(recent)],
            "answered": [progress(t)[0] for t in reversed(recent)],
            "open": [progress(t)[1] - progress(t)[0] for t in reversed(recent)],
        },
        "recent": recent,
    }


# -- county -------------------------------------------------------------------------------------
def inbox_query(*, user: AnyUser, status: str = "") -> QuerySet[InboxTask]:
    query = InboxTask.objects.filter(region_code__in=tenant_codes(user=user)).defer(
        "target_enc", "draft_enc", "result_envelope"
    )
    if status in InboxStatus.values:
        query = query.filter(status=status)
    return query.order_by("deadline", "id")


def inbox_page(*, user: AnyUser, status: str = "", page: int = 1, page_size: int = PAGE_SIZE) -> Page:
    return _page(inbox_query(user=user, status=status), page=page, page_size=page_size)


def inbox_get(*, user: AnyUser, task_id: int) -> InboxTask:
    task = InboxTask.objects.filter(region_code__in=tenant_codes(user=user), pk=task_id).first()
    if task is None:
        raise NotFound(code="task_not_found", message="查询任务不存在")
    return task


def draft_listing(*, user: AnyUser, task: InboxTask) -> list[dict[str, Any]]:
    """The prepared listing for the B post's review (empty once sent: it is no longer readable here)."""
    task = inbox_get(user=user, task_id=task.pk)
    if not task.draft_enc:
        return []
    listing: list[dict[str, Any]] = json.loads(pii.decrypt_text(task.draft_enc))
    return listing
