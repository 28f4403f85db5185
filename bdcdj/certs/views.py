"""Public verify pages (no login): by number + code (typed, or from the QR code) and by PDF upload."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from bdcdj.certs import ratelimit
from bdcdj.certs.selectors import PDF_MAX_BYTES, document_verify, pdf_verify
from bdcdj.core.errors import DomainError

TEMPLATE = "certs/verify.html"


def _page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    base: dict[str, Any] = {
        "number": "",
        "code": "",
        "fields": {},
        "result": None,
        "pdf_result": None,
        "error": "",
    }
    response = render(request, TEMPLATE, {**base, **context}, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the QR URL carries the code
    return response


def _error(request: HttpRequest, exc: DomainError, context: dict[str, Any]) -> HttpResponse:
    response = _page(request, {**context, "error": exc.message, "fields": exc.fields}, status=exc.status_code)
    if isinstance(exc, ratelimit.RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@require_GET
def verify(request: HttpRequest, number: str = "") -> HttpResponse:
    """/verify/ (form, or ?number=&code=) and /verify/<number>?code= (the QR code's link)."""
    number = number or request.GET.get("number", "")
    code = request.GET.get("code", "")
    context = {"number": number, "code": code}
    if not number and not code:
        return _page(request, context)
    if number and not code:
        return _page(request, {**context, "error": "请输入证书（证明）上的核验码"})
    try:
        ratelimit.limit_request(request, scope="verify")
        return _page(request, {**context, "result": document_verify(number=number, code=code)})
    except DomainError as exc:
        return _error(request, exc, context)


@require_POST
def verify_upload(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    try:
        ratelimit.limit_request(request, scope="verify")
        content = b""
        if upload is not None:
            content = upload.read(PDF_MAX_BYTES + 1)
        return _page(request, {"pdf_result": pdf_verify(content=content)})
    except DomainError as exc:
        return _error(request, exc, {})
