"""Supervisors' pages of the channel: institutions, their keys and the port (关闭/开放接口)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bdcdj.accounts.decorators import page_required
from bdcdj.accounts.models import User
from bdcdj.accounts.selectors import user_can
from bdcdj.accounts.services import audit_record
from bdcdj.channel.models import ApiKey, ChannelItem, Scope
from bdcdj.channel.selectors import institution_get, institutions_for_user
from bdcdj.channel.services import api_key_issue, api_key_revoke, port_close, port_open
from bdcdj.core.errors import DomainError, NotFound
from bdcdj.core.xlsx import xlsx_bytes, xlsx_response

PAGE = "channel.institutions"
PER_PAGE = 20
EXPORT_COLUMNS = (
    "机构代码",
    "机构名称",
    "类型",
    "行政区划",
    "接口",
    "关闭原因",
    "有效密钥",
    "最近调用",
    "开通时间",
)


def _user(request: HttpRequest) -> User:
    """The signed-in staff user (page_required has let only those through)."""
    assert isinstance(request.user, User)
    return request.user


def _filters(request: HttpRequest) -> tuple[str, str]:
    status = request.GET.get("status", "")
    return request.GET.get("q", "")[:50], status if status in {"open", "closed"} else ""


@page_required(PAGE)
def institutions(request: HttpRequest) -> HttpResponse:
    search, status = _filters(request)
    rows = institutions_for_user(user=request.user, search=search, status=status)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page_obj": page, "q": search, "status": status, "query": query.urlencode()}
    return render(request, "channel/institutions.html", context)


@page_required(PAGE)
def institutions_export(request: HttpRequest) -> HttpResponse:
    search, status = _filters(request)
    rows = institutions_for_user(user=request.user, search=search, status=status)
    content, count = xlsx_bytes(
        sheet_title="机构通道",
        headers=EXPORT_COLUMNS,
        rows=(
            [
                i.organisation.code,
                i.organisation.name,
                i.organisation.get_kind_display(),
                i.region_code,
                "开放" if i.port_open else "关闭",
                i.closed_reason,
                i.key_count,  # type: ignore[attr-defined]
                timezone.localtime(i.last_used).strftime("%Y-%m-%d %H:%M") if i.last_used else "",  # type: ignore[attr-defined]
                timezone.localtime(i.created_at).strftime("%Y-%m-%d %H:%M"),
            ]
            for i in rows
        ),
    )
    audit_record(actor=request.user, action="channel.institutions_export", detail={"rows": count})
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    return xlsx_response(filename=f"channel-institutions-{stamp}.xlsx", content=content)


def _detail(request: HttpRequest, institution_id: int, *, status: int = 200, **extra: Any) -> HttpResponse:
    try:
        institution = institution_get(user=request.user, institution_id=institution_id)
    except NotFound as exc:
        return render(request, "channel/error.html", {"error": exc}, status=404)
    items = (
        ChannelItem.objects.filter(institution=institution)
        .select_related("case")
        .order_by("-created_at")[:20]
    )
    context = {
        "institution": institution,
        "keys": institution.keys.order_by("-created_at"),
        "items": items,
        "scopes": Scope.choices,
        "can_write": user_can(user=request.user, page=PAGE, write=True),
        "now": timezone.now(),
        **extra,
    }
    return render(request, "channel/institution.html", context, status=status)


@page_required(PAGE)
def institution(request: HttpRequest, institution_id: int) -> HttpResponse:
    return _detail(request, institution_id)


@require_POST
@page_required(PAGE, write=True)
def port(request: HttpRequest, institution_id: int) -> HttpResponse:
    """关闭 or 开放 the institution's port, with a reason (the form asks for confirmation)."""
    try:
        found = institution_get(user=request.user, institution_id=institution_id)
        reason = request.POST.get("reason", "")
        if request.POST.get("action") == "close":
            port_close(institution=found, by=_user(request), reason=reason)
            flash.success(request, f"已关闭 {found} 的机构通道接口")
        else:
            port_open(institution=found, by=_user(request), reason=reason)
            flash.success(request, f"已开放 {found} 的机构通道接口")
    except DomainError as exc:
        return _detail(request, institution_id, status=exc.status_code, port_error=exc)
    return _back(request, institution_id)


def _back(request: HttpRequest, institution_id: int) -> HttpResponse:
    """Back to the institution page: a redirect, or HX-Redirect for htmx requests."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("channel:institution", kwargs={"institution_id": institution_id})
        return response
    return redirect("channel:institution", institution_id=institution_id)


@require_POST
@page_required(PAGE, write=True)
def key_issue(request: HttpRequest, institution_id: int) -> HttpResponse:
    try:
        found = institution_get(user=request.user, institution_id=institution_id)
        days = request.POST.get("days", "365")
        issued = api_key_issue(
            institution=found,
            name=request.POST.get("name", ""),
            scopes=request.POST.getlist("scopes"),
            days=int(days) if days.isdigit() else -1,
            by=_user(request),
        )
    except DomainError as exc:
        return _detail(request, institution_id, status=exc.status_code, key_error=exc)
    return _detail(request, institution_id, issued=issued)


@require_POST
@page_required(PAGE, write=True)
def key_revoke(request: HttpRequest, institution_id: int, key_id: int) -> HttpResponse:
    try:
        found = institution_get(user=request.user, institution_id=institution_id)
        key = ApiKey.objects.filter(institution=found, pk=key_id).first()
        if key is None:
            raise NotFound(code="key_not_found", message="未找到该密钥")
        api_key_revoke(key=key, by=_user(request))
    except DomainError as exc:
        return _detail(request, institution_id, status=exc.status_code, key_error=exc)
    flash.success(request, f"密钥 {key.prefix} 已吊销")
    return _back(request, institution_id)
