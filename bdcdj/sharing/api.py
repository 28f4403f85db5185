"""Sharing API: run and list a case's checks (staff session), and the court-order receiver
(authenticated by the department's signature, not a session)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from bdcdj.core.errors import Forbidden
from bdcdj.sharing.kinds import STATUS_LABELS
from bdcdj.sharing.models import SharingCheck
from bdcdj.sharing.selectors import can_run_checks, case_checks, subject_of
from bdcdj.sharing.services import case_checks_run, check, court_order_receive, outcome_of

router = Router(tags=["信息共享"])


class CheckOut(Schema):
    id: int
    kind: str
    kind_label: str
    subject: str  # masked
    status: str
    status_label: str
    message: str
    result: dict[str, Any]
    operator: str
    attempts: int
    latency_ms: int | None
    created_at: dt.datetime
    completed_at: dt.datetime | None


class RunIn(Schema):
    kind: str | None = Field(
        default=None, max_length=40, description="核验类型；不填则按业务类型运行全部相关核验"
    )
    params: dict[str, str] = Field(default_factory=dict, description="核验参数（填写 kind 时）")
    wait: bool = True


class OrderOut(Schema):
    order_no: str
    case_number: str
    created: bool
    message: str


def _out(row: SharingCheck) -> CheckOut:
    outcome = outcome_of(row)
    return CheckOut(
        id=row.pk,
        kind=row.kind,
        kind_label=row.kind_label,
        subject=subject_of(row),
        status=row.status,
        status_label=STATUS_LABELS.get(row.status, row.status),
        message=outcome.message,
        result=row.result,
        operator=row.operator,
        attempts=row.attempts,
        latency_ms=row.latency_ms,
        created_at=row.created_at,
        completed_at=row.completed_at,
    )


@router.get("/cases/{case_id}/checks", response=list[CheckOut], summary="业务的共享核验记录")
def list_checks(request: HttpRequest, case_id: int) -> list[CheckOut]:
    _, rows = case_checks(user=request.user, case_id=case_id)
    return [_out(row) for row in rows[:200]]


@router.post("/cases/{case_id}/checks", response=list[CheckOut], summary="发起共享核验")
def run_checks(request: HttpRequest, case_id: int, payload: RunIn) -> list[CheckOut]:
    case, _ = case_checks(user=request.user, case_id=case_id)
    user = request.user
    if payload.kind:
        if not can_run_checks(user=user, case=case):
            raise Forbidden(code="page_forbidden", message="没有发起共享核验的权限")
        outcomes = [
            check(
                kind=payload.kind, params=payload.params, operator=user.username, case=case, wait=payload.wait
            )
        ]
    else:
        outcomes = case_checks_run(case=case, by=user, wait=payload.wait)  # type: ignore[arg-type]
    rows = SharingCheck.objects.filter(pk__in=[o.check_id for o in outcomes]).order_by("id")
    return [_out(row) for row in rows]


@router.post(
    "/court-orders", auth=None, response={200: OrderOut, 201: OrderOut}, summary="接收法院电子送达文书"
)
def receive_court_order(request: HttpRequest) -> Status[Any]:
    receipt = court_order_receive(path=request.path, body=request.body, headers=dict(request.headers))
    order = receipt.order
    number = order.case.number if order.case else ""
    message = (
        f"已接收，生成业务 {number}" if receipt.created else f"该文书已接收过（业务 {number}），未重复立案"
    )
    out = OrderOut(order_no=order.order_no, case_number=number, created=receipt.created, message=message)
    return Status(201 if receipt.created else 200, out)
