"""`/healthz` (the process answers), `/readyz` (it can work) and `/metrics` (Prometheus).

None of them needs a login; `/metrics` is limited to a bearer token or an address list from
settings, and carries counts and ages only, never personal data.
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from bdcdj.ops.metrics import metrics_text
from bdcdj.ops.selectors import readiness


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks = readiness()
    ok = all(c.ok for c in checks.values())
    body = {
        "status": "ok" if ok else "fail",
        "checks": {name: {"ok": c.ok, "detail": c.detail} for name, c in checks.items()},
    }
    return JsonResponse(body, status=200 if ok else 503, json_dumps_params={"ensure_ascii": False})


def metrics_allowed(request: HttpRequest) -> bool:
    """A configured token must match (constant time); without one, the client address must be
    in BDCDJ_METRICS_ALLOW (addresses or networks)."""
    token = str(settings.BDCDJ_METRICS_TOKEN)
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    try:
        client = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    for entry in settings.BDCDJ_METRICS_ALLOW:
        try:
            if client in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        return JsonResponse(
            {"code": "forbidden", "message": "无权访问监控指标", "fields": {}},
            status=403,
            json_dumps_params={"ensure_ascii": False},
        )
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
