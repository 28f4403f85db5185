"""What every portal page shares: the citizen of the session, the district being browsed, and
the error boundary (a typed error becomes its status with the Chinese message, never a 500)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from bdcdj.accounts.models import Tenant
from bdcdj.core.errors import DomainError, NotFound
from bdcdj.portal.models import Citizen
from bdcdj.portal.selectors import current_citizen

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
REGION_COOKIE = "portal_region"


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HttpResponse:
    ctx = {
        "citizen": current_citizen(request=request),
        "district": current_district(request),
        **(context or {}),
    }
    return render(request, template, ctx, status=status)


def current_district(request: HttpRequest) -> Tenant | None:
    """The district of the page, else the last one visited (a plain cookie, so that browsing
    district pages writes no session row)."""
    region = getattr(request, "portal_region", "") or request.COOKIES.get(REGION_COOKIE, "")
    if not (len(region) == 6 and region.isdigit()):
        return None
    return Tenant.objects.filter(region_code=region).first()


def portal_page(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        region = kwargs.get("region")
        if region is not None:
            if not Tenant.objects.filter(region_code=region).exists():
                return error_page(
                    request, NotFound(code="district_not_found", message="没有这个行政区的网上登记服务")
                )
            request.portal_region = region  # type: ignore[attr-defined]
        try:
            response = view(request, *args, **kwargs)
        except DomainError as exc:
            response = error_page(request, exc)
        if region is not None and request.COOKIES.get(REGION_COOKIE) != region:
            response.set_cookie(REGION_COOKIE, region, max_age=365 * 86400, samesite="Lax", httponly=True)
        return response

    return wrapped  # type: ignore[return-value]


def citizen_page(view: View) -> View:
    """Signed-in citizens only; others go to the portal login and come back."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if current_citizen(request=request) is None:
            return redirect(f"{reverse('portal:login')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return portal_page(wrapped)  # type: ignore[return-value]


def error_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    template = "portal/_error.html" if getattr(request, "htmx", False) else "portal/error.html"
    return render_page(request, template, {"error": exc}, status=exc.status_code)


def the_citizen(request: HttpRequest) -> Citizen:
    citizen = current_citizen(request=request)
    assert citizen is not None  # citizen_page let no one else through
    return citizen


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
        and target.startswith("/portal/")
    ):
        return target
    return default


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100000 else 1
