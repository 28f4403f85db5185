"""Pages of the accounts app: the lockout-aware login and the audit log viewer."""

import json
from typing import Any

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from bdcdj.accounts.decorators import page_required
from bdcdj.accounts.forms import AuditFilterForm, LoginForm
from bdcdj.accounts.models import AuditLog
from bdcdj.accounts.selectors import AuditFilter, audit_logs
from bdcdj.accounts.services import audit_record
from bdcdj.core.xlsx import xlsx_bytes, xlsx_response

AUDIT_PAGE_SIZE = 50
EXPORT_MAX_ROWS = 100_000
EXPORT_COLUMNS = (
    "时间",
    "操作人账号",
    "操作",
    "对象类型",
    "对象标识",
    "行政区划代码",
    "来源地址",
    "客户端",
    "结果",
    "详情",
)


class LockoutLoginView(LoginView):
    """Django's login view with the lockout messages of `forms.LoginForm`."""

    form_class = LoginForm
    template_name = "accounts/login.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["max_failures"] = settings.BDCDJ_LOGIN_MAX_FAILURES
        context["lock_minutes"] = settings.BDCDJ_LOGIN_LOCK_MINUTES
        return context


login_view = LockoutLoginView.as_view()


def _filter_from(request: HttpRequest) -> tuple[AuditFilterForm, AuditFilter | None]:
    form = AuditFilterForm(request.GET)
    return form, (form.to_filter() if form.is_valid() else None)


@page_required("accounts.audit")
def audit_list(request: HttpRequest) -> HttpResponse:
    """Searchable, paged audit trail of the administrator's districts."""
    form, filters = _filter_from(request)
    logs = audit_logs(user=request.user, filters=filters) if filters else AuditLog.objects.none()
    page = Paginator(logs, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query["sort"] = "at" if filters is None or filters.newest_first else "-at"
    context: dict[str, Any] = {
        "form": form,
        "page_obj": page,
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "newest_first": filters is None or filters.newest_first,
        "outcomes": dict(AuditLog.Outcome.choices),
    }
    template = "accounts/_audit_table.html" if getattr(request, "htmx", False) else "accounts/audit_list.html"
    return render(request, template, context)


@page_required("accounts.audit")
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered audit list as XLSX (at most EXPORT_MAX_ROWS rows); the export is audited."""
    form, filters = _filter_from(request)
    if filters is None:
        return render(request, "accounts/audit_list.html", _invalid_context(form), status=400)
    logs = audit_logs(user=request.user, filters=filters)
    content, count = xlsx_bytes(
        sheet_title="审计日志",
        headers=EXPORT_COLUMNS,
        rows=(_row(log) for log in logs[:EXPORT_MAX_ROWS].iterator(chunk_size=2000)),
    )
    audit_record(
        actor=request.user,
        action="accounts.audit_export",
        detail={"rows": count, "filters": {k: v for k, v in form.cleaned_data.items() if v and k != "sort"}},
    )
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    return xlsx_response(filename=f"audit-{stamp}.xlsx", content=content)


def _invalid_context(form: AuditFilterForm) -> dict[str, Any]:
    return {
        "form": form,
        "page_obj": None,
        "query": "",
        "sort_query": "",
        "newest_first": True,
        "outcomes": {},
    }


def _row(log: AuditLog) -> list[str]:
    return [
        timezone.localtime(log.at).strftime("%Y-%m-%d %H:%M:%S"),
        log.actor_name,
        log.action,
        log.object_type,
        log.object_id,
        log.region_code,
        log.ip_address or "",
        log.user_agent,
        log.get_outcome_display(),
        json.dumps(log.detail, ensure_ascii=False, sort_keys=True) if log.detail else "",
    ]
