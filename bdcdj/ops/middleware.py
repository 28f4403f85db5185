"""Request id, request metrics and the one place where a full disk becomes a clear answer.

`OpsMiddleware` sits first in MIDDLEWARE: behind a trusted proxy it takes the client address
from X-Real-IP; it takes the caller's `X-Request-ID` (or makes one),
exposes it to every log record of the request and echoes it on the response, counts the
request by route pattern and status, and turns a storage-full `OSError` that escaped a view
into 507 with a Chinese message instead of a 500.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from bdcdj.ops import metrics
from bdcdj.ops.errors import STORAGE_FULL_MESSAGE, storage_full_note
from bdcdj.ops.logs import request_id_var

logger = logging.getLogger("bdcdj.request")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
QUIET_ROUTES = frozenset({"healthz", "readyz", "metrics"})


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unmatched>"
    return str(match.route or match.view_name or "<unknown>")[:120]


def _client_from_proxy(request: HttpRequest) -> None:
    """Behind a trusted reverse proxy (BDCDJ_TRUSTED_PROXIES), the client is the proxy's
    X-Real-IP, so audit rows and the /metrics address list see the real address."""
    trusted = settings.BDCDJ_TRUSTED_PROXIES
    if not trusted or request.META.get("REMOTE_ADDR") not in trusted:
        return
    real = request.META.get("HTTP_X_REAL_IP", "").strip()
    try:
        ipaddress.ip_address(real)
    except ValueError:
        return
    request.META["REMOTE_ADDR"] = real


class OpsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _client_from_proxy(request)
        given = request.headers.get("X-Request-ID", "")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            elapsed = time.perf_counter() - started
            route = _route(request)
            metrics.HTTP_REQUESTS.labels(route, request.method or "", str(response.status_code)).inc()
            metrics.HTTP_LATENCY.labels(route).observe(elapsed)
            response.headers["X-Request-ID"] = request_id
            if route not in QUIET_ROUTES:
                logger.info(
                    "%s %s %s %.1fms",
                    request.method,
                    route,
                    response.status_code,
                    elapsed * 1000,
                    extra={"route": route, "status": response.status_code, "ms": round(elapsed * 1000, 1)},
                )
            return response
        finally:
            request_id_var.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OSError) and exception.errno in FULL_ERRNOS:
            storage_full_note(where="request")
            logger.error("storage full while answering %s", _route(request))
            body = {"code": "storage_full", "message": STORAGE_FULL_MESSAGE, "fields": {}}
            if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
                return JsonResponse(body, status=507, json_dumps_params={"ensure_ascii": False})
            return HttpResponse(
                f"<!doctype html><meta charset=utf-8><title>存储空间不足</title><h1>存储空间不足</h1>"
                f"<p>{STORAGE_FULL_MESSAGE}</p>",
                status=507,
                content_type="text/html; charset=utf-8",
            )
        return None
