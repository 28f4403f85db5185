"""Staff console pages. Views only translate HTTP to selector/service calls and back."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from bdcdj.accounts.decorators import page_required
from bdcdj.accounts.selectors import tenant_codes
from bdcdj.console.selectors import district_counts, recent_events
from bdcdj.core.errors import DomainError
from bdcdj.core.xlsx import xlsx_bytes, xlsx_response
from bdcdj.register.selectors import (
    party_display,
    unit_history,
    unit_state,
    units_by_location,
    units_by_owner_id,
)
from bdcdj.register.services import chain_verify

SHANGHAI = ZoneInfo("Asia/Shanghai")
PER_PAGE = 20
EXPORT_LIMIT = 5000


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("console:login")
    context: dict[str, Any] = {}
    if tenant_codes(user=request.user):
        context = {"counts": district_counts(user=request.user), "events": recent_events(user=request.user)}
    return render(request, "console/home.html", context)


def _search(request: HttpRequest) -> dict[str, Any]:
    """Runs the search the form asked for; errors come back as field messages, never 500."""
    mode = request.POST.get("mode") or request.GET.get("mode") or "location"
    query = (request.POST.get("q") or request.GET.get("q") or "").strip()
    context: dict[str, Any] = {"mode": mode, "q": query if mode != "owner" else "", "searched": bool(query)}
    if not query:
        return context
    try:
        if mode == "code":
            context["redirect"] = query.upper()
        elif mode == "owner":
            context["units"] = units_by_owner_id(user=request.user, id_number=query)
        else:
            page = int(request.GET.get("page", "1") or 1) if (request.GET.get("page") or "1").isdigit() else 1
            result = units_by_location(user=request.user, text=query, limit=PER_PAGE, page=page)
            context.update(units=result.items, page=result.page, has_next=result.has_next)
    except DomainError as exc:
        context["error"] = exc.message
    return context


@page_required("register.units")
@require_http_methods(["GET", "POST"])
def unit_search(request: HttpRequest) -> HttpResponse:
    context = _search(request)
    if "redirect" in context:
        return redirect("console:unit", code=context["redirect"])
    template = "console/_unit_results.html" if getattr(request, "htmx", False) else "console/unit_search.html"
    return render(request, template, context, status=400 if "error" in context else 200)


@page_required("register.units")
def unit_search_export(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()
    try:
        result = units_by_location(user=request.user, text=query, limit=100, page=1)
        rows, page = list(result.items), 1
        while result.has_next and len(rows) < EXPORT_LIMIT:
            page += 1
            result = units_by_location(user=request.user, text=query, limit=100, page=page)
            rows.extend(result.items)
    except DomainError as exc:
        return render(request, "console/unit_search.html", {"error": exc.message, "q": query}, status=400)
    content, _ = xlsx_bytes(
        sheet_title="不动产单元",
        headers=["不动产单元号", "坐落", "房号", "单元类别"],
        rows=([u.code, u.location, u.room_label, u.get_kind_display()] for u in rows),
    )
    return xlsx_response(filename="不动产单元查询结果.xlsx", content=content)


def _as_of(raw: str) -> dt.datetime | None:
    if not raw:
        return None
    day = dt.date.fromisoformat(raw)
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=SHANGHAI)


@page_required("register.units")
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    raw_as_of = request.GET.get("as_of", "")
    try:
        as_of = _as_of(raw_as_of)
    except ValueError:
        as_of, raw_as_of = None, ""
    try:
        state = unit_state(user=request.user, code=code, as_of=as_of)
        history = unit_history(user=request.user, code=code)
    except DomainError as exc:
        return render(
            request, "console/unit_missing.html", {"code": code, "error": exc.message}, status=exc.status_code
        )
    parties = {
        right.pk: [party_display(user=request.user, party=p) for p in right.parties.all()]
        for right in state.rights
    }
    return render(
        request,
        "console/unit_detail.html",
        {"state": state, "unit": state.unit, "parties": parties, "history": history, "as_of": raw_as_of},
    )


@page_required("register.chain")
def chain_check(request: HttpRequest) -> HttpResponse:
    reports = []
    if request.method == "POST":
        reports = [chain_verify(region_code=code) for code in sorted(tenant_codes(user=request.user))]
    return render(request, "console/chain.html", {"reports": reports, "checked": request.method == "POST"})


def paginate(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
