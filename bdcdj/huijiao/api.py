"""The upper node's upload endpoint for 汇交 packages, for authenticated lower nodes.

Requests carry the node credentials of access messages (X-Bdcdj-Node + Bearer token), not the
session. The body (`application/zip`) is streamed to a file under the packages directory and
never read into memory as a whole; the answer is the QC report (JSON) or the project's error
shape `{code, message, fields}` with the refusal's reason.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import Router

from bdcdj.core.errors import DomainError
from bdcdj.hub.services import Refusal, node_authenticate
from bdcdj.huijiao.services import package_import, report_payload
from bdcdj.huijiao.services.export import packages_dir
from bdcdj.huijiao.services.importing import max_package_bytes

router = Router(tags=["数据汇交"], auth=None)

ACCEPTED_TYPES = {"application/zip", "application/octet-stream", "application/x-zip-compressed"}
BLOCK = 1024 * 1024


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)


def _receive(request: HttpRequest, declared: int) -> Path:
    """The body written to a temporary file, refusing more bytes than declared or allowed."""
    handle = tempfile.NamedTemporaryFile(dir=packages_dir("tmp"), suffix=".zip", delete=False)  # noqa: SIM115
    path = Path(handle.name)
    received = 0
    with handle:
        while received < declared:
            block = request.read(min(BLOCK, declared - received))
            if not block:
                break
            received += len(block)
            handle.write(block)
    if received != declared:
        path.unlink(missing_ok=True)
        raise DomainError(code="huijiao_upload_incomplete", message="上传的汇交包不完整")
    return path


@router.post(
    "/packages",
    summary="接收下级节点的汇交包",
    description="请求体为汇交包（zip）；头部 X-Bdcdj-Node 为节点行政区划代码，Authorization 为 Bearer 令牌，"
    "须给出 Content-Length。校验签名、摘要、序号连续性与重放后入库并质检，应答质检报告（JSON）。",
    response={
        200: dict,
        400: dict,
        401: dict,
        403: dict,
        404: dict,
        409: dict,
        411: dict,
        413: dict,
        415: dict,
    },
    openapi_extra={
        "requestBody": {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}
    },
)
@csrf_exempt
def upload_package(request: HttpRequest) -> HttpResponse:
    try:
        node = node_authenticate(
            region_code=request.headers.get("X-Bdcdj-Node", "").strip(),
            authorization=request.headers.get("Authorization", ""),
        )
    except Refusal as refusal:
        status = refusal.receipt.http_status
        return _error(status, "node_unauthorized", refusal.receipt.response_info)
    if (request.content_type or "") not in ACCEPTED_TYPES:
        return _error(415, "huijiao_media_type", "Content-Type 应为 application/zip")
    try:
        declared = int(request.headers.get("Content-Length") or "")
    except ValueError:
        return _error(411, "huijiao_length_required", "请给出 Content-Length")
    if declared > max_package_bytes():
        return _error(413, "huijiao_too_large", "汇交包超过大小限制")
    path: Path | None = None
    try:
        path = _receive(request, declared)
        outcome = package_import(source=path, node=node, via="upload")
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status_code)
    finally:
        if path is not None:
            with contextlib.suppress(OSError):
                path.unlink()
    body: dict[str, Any] = report_payload(package=outcome.package)
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})
