"""Node-to-node API of precise query: tasks pushed to counties, results and pulls to the national node.

Requests are authenticated by the envelope itself (the sender's SM2 signature checked against the
key registered for it, a fresh nonce, a recent time), not by a session: the router is mounted
with auth=None and CSRF-exempt. Every refusal is 4xx JSON `{code, message, fields}` in Chinese.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.views.decorators.csrf import csrf_exempt
from ninja import Router, Schema

from bdcdj.core.errors import DomainError
from bdcdj.precise.envelope import MAX_ENVELOPE_BYTES
from bdcdj.precise.services import pull_answer, result_receive, task_receive

router = Router(tags=["精准查询（节点间）"], auth=None)
ENVELOPE_BODY = {"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}}
REFUSALS = {400: dict, 403: dict, 404: dict, 409: dict, 413: dict}


class TooLarge(DomainError):
    status_code = 413


class Received(Schema):
    status: str
    serial: str


class Pulled(Schema):
    envelopes: list[str]


def _body(request: HttpRequest) -> bytes:
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_ENVELOPE_BYTES:
        raise TooLarge(code="envelope_too_large", message="报文信封过大")
    return bytes(request.body)


@router.post(
    "/tasks",
    response={200: Received, **REFUSALS},
    summary="县级节点接收国家级节点下达的查询任务",
    openapi_extra=ENVELOPE_BODY,
)
@csrf_exempt
def receive_task(request: HttpRequest) -> Received:
    task = task_receive(raw=_body(request))
    return Received(status="received", serial=task.serial)


@router.post(
    "/results",
    response={200: Received, **REFUSALS},
    summary="国家级节点接收县级节点的查询结果反馈",
    openapi_extra=ENVELOPE_BODY,
)
@csrf_exempt
def receive_result(request: HttpRequest) -> Received:
    assignment = result_receive(raw=_body(request))
    return Received(status="received", serial=assignment.task.serial)


@router.post(
    "/pull",
    response={200: Pulled, **REFUSALS},
    summary="县级节点拉取未办结的查询任务（推送不可达时）",
    openapi_extra=ENVELOPE_BODY,
)
@csrf_exempt
def pull_tasks(request: HttpRequest) -> Pulled:
    return Pulled(envelopes=pull_answer(raw=_body(request)))
