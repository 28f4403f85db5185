"""The HTTP hop to a department: sign the request, verify the signed answer. Network failures,
timeouts, server errors and bad signatures all raise `DepartmentUnavailable`, which callers
turn into a pending (retried) or unavailable check."""

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from bdcdj.sharing import signing
from bdcdj.sharing.models import Interface

MAX_RESPONSE_BYTES = 1024 * 1024


class DepartmentUnavailable(Exception):
    """The department did not give a usable, authentic answer; `reason` is Chinese and safe."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Answer:
    http_status: int
    body: dict[str, Any]
    latency_ms: int


def key_for(credentials_ref: str) -> bytes:
    return signing.department_key(master_hex=settings.BDCDJ_SHARING_KEY, credentials_ref=credentials_ref)


def call(*, interface: Interface, payload: dict[str, Any]) -> Answer:
    url = interface.effective_url
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    key = key_for(interface.effective_credentials)
    path = urllib.parse.urlsplit(url).path
    headers = signing.sign_request(
        key=key, method="POST", path=path, body=body, department=interface.department.code
    )
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/json; charset=utf-8")
    for name, value in headers.items():
        request.add_header(name, value)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=interface.effective_timeout) as response:
            status, raw, answer_headers = (
                response.status,
                response.read(MAX_RESPONSE_BYTES),
                dict(response.headers),
            )
    except urllib.error.HTTPError as exc:
        status, raw, answer_headers = exc.code, exc.read(MAX_RESPONSE_BYTES), dict(exc.headers)
    except TimeoutError as exc:
        raise DepartmentUnavailable("部门接口超时") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DepartmentUnavailable("无法连接部门接口") from exc
    latency = int((time.monotonic() - started) * 1000)
    if status >= 500:
        raise DepartmentUnavailable(f"部门接口暂不可用（HTTP {status}）")
    try:
        signing.verify_response(
            key=key, status=status, request_nonce=headers[signing.H_NONCE], body=raw, headers=answer_headers
        )
    except signing.SignatureError as exc:
        raise DepartmentUnavailable(f"部门应答未通过验签：{exc}") from exc
    try:
        parsed = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DepartmentUnavailable("部门应答格式有误") from exc
    if not isinstance(parsed, dict):
        raise DepartmentUnavailable("部门应答格式有误")
    if status >= 400:
        raise DepartmentUnavailable(f"部门拒绝请求：{str(parsed.get('message', ''))[:80]}")
    return Answer(http_status=status, body=parsed, latency_ms=latency)
