"""Statistics pages: the dashboard (tiles and ECharts), the drill-down tables (sortable,
paged, XLSX). Every page is scoped to the user's districts and a date range."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from bdcdj.accounts.decorators import page_required
from bdcdj.accounts.selectors import tenant_codes
from bdcdj.accounts.services import audit_record
from bdcdj.core.errors import InvalidInput
from bdcdj.core.xlsx import xlsx_bytes, xlsx_response
from bdcdj.stats import selectors as s
from bdcdj.stats.forms import RangeForm
from bdcdj.stats.reports import REPORTS, report_rows

PAGE_SIZE = 20


def _scope(request: HttpRequest) -> tuple[RangeForm, s.Scope | None, str]:
    form = RangeForm(request.GET or None, regions=tenant_codes(user=request.user))
    if form.is_bound and not form.is_valid():
        return form, None, "查询条件有误，请修改后重试。"
    data = form.cleaned_data if form.is_bound else {}
    try:
        scope = s.scope_for(
            user=request.user, start=data.get("start"), end=data.get("end"), region=data.get("region", "")
        )
    except InvalidInput as exc:
        for name, message in exc.fields.items():
            form.add_error(name if name in form.fields else None, message)
        return form, None, exc.message
    if not form.is_bound:
        form.initial = {"start": scope.start, "end": scope.end}  # show the default range
    return form, scope, ""


def _range_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    for key in ("page", "sort"):
        query.pop(key, None)
    return query.urlencode()


def _chart(scope: s.Scope) -> dict[str, Any]:
    months = sorted(s.cases_by_month(scope), key=lambda r: r["month"])
    types = sorted(s.cases_by_business_type(scope), key=lambda r: -r["total"])[:10]
    completion = sorted(s.completion_vs_limit(scope), key=lambda r: -r["completed"])[:10]
    return {
        "months": [r["month"] for r in months],
        "received": [r["total"] for r in months],
        "done": [r["s2"] for r in months],
        "types": [r["name"] for r in types],
        "type_totals": [r["total"] for r in types],
        "status": [{"name": r["name"], "value": r["total"]} for r in s.cases_by_status(scope)],
        "completion_types": [f"{r['name']}（{r['time_limit_workdays']}日）" for r in completion],
        "on_time": [r["on_time"] for r in completion],
        "late": [r["late"] for r in completion],
    }


@page_required("stats.dashboard")
def dashboard(request: HttpRequest) -> HttpResponse:
    form, scope, error = _scope(request)
    context: dict[str, Any] = {
        "form": form,
        "error": error,
        "reports": REPORTS.values(),
        "query": _range_query(request),
    }
    if scope is not None:
        summary = s.summary(scope)
        context.update(scope=scope, summary=summary, chart=_chart(scope) if summary.received else None)
    return render(request, "stats/dashboard.html", context, status=400 if error else 200)


@page_required("stats.dashboard")
def report(request: HttpRequest, code: str) -> HttpResponse:
    spec = REPORTS.get(code)
    if spec is None:
        return render(request, "stats/not_found.html", status=404)
    form, scope, error = _scope(request)
    context: dict[str, Any] = {"form": form, "error": error, "report": spec, "query": _range_query(request)}
    if scope is not None:
        rows, order = report_rows(
            report=spec, scope=scope, user=request.user, sort=request.GET.get("sort", "")
        )
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        base = context["query"]
        sorts = {
            key: f"{base}{'&' if base else ''}sort={'-' if order == key else ''}{key}" for key in spec.keys
        }
        context.update(
            scope=scope,
            page_obj=page,
            order=order,
            sorts=sorts,
            cells=[[row.get(key) for key in spec.keys] for row in page],
            page_query=f"{base}{'&' if base else ''}sort={order}",
        )
    template = "stats/_report_table.html" if getattr(request, "htmx", False) else "stats/report.html"
    return render(request, template, context, status=400 if error else 200)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


@page_required("stats.dashboard")
def report_export(request: HttpRequest, code: str) -> HttpResponse:
    """The whole table (all pages) as XLSX, in the order shown; the export is audited."""
    spec = REPORTS.get(code)
    if spec is None:
        return render(request, "stats/not_found.html", status=404)
    form, scope, error = _scope(request)
    if scope is None:
        context = {"form": form, "error": error, "report": spec, "query": _range_query(request)}
        return render(request, "stats/report.html", context, status=400)
    rows, _ = report_rows(report=spec, scope=scope, user=request.user, sort=request.GET.get("sort", ""))
    content, count = xlsx_bytes(
        sheet_title=spec.title[:31],
        headers=[header for _, header in spec.columns],
        rows=([_cell(row.get(key)) for key in spec.keys] for row in rows),
    )
    audit_record(
        actor=request.user,
        action="stats.export",
        object_type="stats.report",
        object_id=code,
        detail={
            "rows": count,
            "start": scope.start.isoformat(),
            "end": scope.end.isoformat(),
            "regions": sorted(scope.regions),
        },
    )
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    return xlsx_response(filename=f"stats-{code}-{stamp}.xlsx", content=content)
