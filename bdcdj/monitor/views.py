"""Pages of the monitor: the dashboard (charts, monthly ranking, drill-down) and the 登簿日志 list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bdcdj.accounts.decorators import page_required
from bdcdj.accounts.selectors import tenant_codes, user_can
from bdcdj.accounts.services import audit_record
from bdcdj.core.errors import NotFound
from bdcdj.core.xlsx import xlsx_bytes, xlsx_response
from bdcdj.monitor.forms import LogFilterForm, RangeForm
from bdcdj.monitor.models import DailyMetric, DiscrepancyKind, ReceivedDailyLog
from bdcdj.monitor.selectors import (
    DIMENSION_LABELS,
    dashboard_series,
    day_messages,
    node_names,
    ranking_month,
    received_log_get,
    received_logs,
    resend_items,
    sent_logs,
)
from bdcdj.monitor.services import WEIGHTS, metrics_compute_range
from bdcdj.reconcile.selectors import run_differences, run_get, runs_of_day

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 100_000
RANK_COLUMNS = ("名次", "行政区划", "节点", "统计天数", *DIMENSION_LABELS.values(), "综合得分")
LOG_COLUMNS = (
    "日志日期",
    "行政区划",
    "节点",
    "登簿量",
    "接入量",
    "已接入",
    "登簿未接入",
    "接入未登簿",
    "接收时间",
)


def _range_form(request: HttpRequest) -> tuple[RangeForm, dt.date, dt.date, dt.date]:
    form = RangeForm(request.POST if request.method == "POST" else request.GET)
    if form.is_valid():
        data = form.cleaned_data
        return form, data["start"], data["end"], data["month_first"]
    end = timezone.localdate()
    return form, end - dt.timedelta(days=29), end, end.replace(day=1)


@page_required("monitor.dashboard")
def dashboard(request: HttpRequest) -> HttpResponse:
    form, start, end, month = _range_form(request)
    series = dashboard_series(user=request.user, date_from=start, date_to=end)
    query = request.GET.copy()
    context: dict[str, Any] = {
        "form": form,
        "series": series,
        "has_data": bool(series["nodes"]),
        "ranking": ranking_month(user=request.user, month=month),
        "month": month,
        "start": start,
        "end": end,
        "labels": DIMENSION_LABELS,
        "weights": [(DIMENSION_LABELS[k], int(v)) for k, v in WEIGHTS.items()],
        "node_count": len(node_names(user=request.user)),
        "can_write": user_can(user=request.user, page="monitor.dashboard", write=True),
        "can_logs": user_can(user=request.user, page="monitor.logs"),
        "query": query.urlencode(),
    }
    return render(request, "monitor/dashboard.html", context, status=200 if form.is_valid() else 400)


@page_required("monitor.dashboard")
def ranking_export(request: HttpRequest) -> HttpResponse:
    _form, _, _, month = _range_form(request)
    rows = ranking_month(user=request.user, month=month)
    content, count = xlsx_bytes(
        sheet_title="月度排名",
        headers=RANK_COLUMNS,
        rows=(
            [r.rank, r.region, r.name, r.days, *(r.dimensions.get(k) for k in DIMENSION_LABELS), r.score]
            for r in rows
        ),
    )
    audit_record(
        actor=request.user, action="monitor.ranking_export", detail={"rows": count, "month": f"{month:%Y-%m}"}
    )
    return xlsx_response(filename=f"monitor-ranking-{month:%Y%m}.xlsx", content=content)


@require_POST
@page_required("monitor.dashboard", write=True)
def recompute(request: HttpRequest) -> HttpResponse:
    _form, start, end, _ = _range_form(request)
    count = metrics_compute_range(day_from=start, day_to=end, region_codes=tenant_codes(user=request.user))
    audit_record(
        actor=request.user, action="monitor.metrics_recompute", detail={"from": str(start), "to": str(end)}
    )
    flash.success(request, f"已重新计算 {count} 个节点日指标")
    return redirect(f"{reverse('monitor:dashboard')}?date_from={start}&date_to={end}")


@page_required("monitor.dashboard")
def node_day(request: HttpRequest, region: str, day: str) -> HttpResponse:
    try:
        the_day = dt.date.fromisoformat(day)
        messages = day_messages(user=request.user, region=region, day=the_day)
        runs = runs_of_day(user=request.user, region=region, day=the_day)
    except (ValueError, NotFound) as exc:
        raise Http404("节点或日期不存在") from exc
    page = Paginator(messages, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "region": region,
        "name": node_names(user=request.user).get(region, region),
        "day": the_day,
        "metric": DailyMetric.objects.filter(region_code=region, day=the_day).first(),
        "log": ReceivedDailyLog.objects.filter(region_code=region, day=the_day).first(),
        "page_obj": page,
        "runs": runs[:50],
        "can_hub": user_can(user=request.user, page="hub.messages"),
    }
    return render(request, "monitor/node_day.html", context)


@page_required("monitor.dashboard")
def reconcile_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """A reconciliation run and the records that differ (drill-down of the 一致性 dimension)."""
    try:
        run = run_get(user=request.user, run_id=run_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    differences = run_differences(user=request.user, run=run)
    page = Paginator(differences, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "run": run,
        "day": timezone.localdate(run.recorded_at),
        "page_obj": page,
        "can_hub": user_can(user=request.user, page="hub.messages"),
    }
    return render(request, "monitor/reconcile_run.html", context)


def _logs_context(request: HttpRequest) -> tuple[LogFilterForm, bool, Any]:
    form = LogFilterForm(request.GET)
    valid = form.is_valid()
    rows = (
        received_logs(user=request.user, filters=form.to_filter())
        if valid
        else ReceivedDailyLog.objects.none()
    )
    return form, valid, rows


@page_required("monitor.logs")
def logs(request: HttpRequest) -> HttpResponse:
    form, valid, rows = _logs_context(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page,
        "query": query.urlencode(),
        "sent": sent_logs(user=request.user)[:30],
        "resend": resend_items(user=request.user)[:200],
    }
    template = "monitor/_log_table.html" if getattr(request, "htmx", False) else "monitor/logs.html"
    return render(request, template, context, status=200 if valid else 400)


@page_required("monitor.logs")
def logs_export(request: HttpRequest) -> HttpResponse:
    _form, valid, rows = _logs_context(request)
    if not valid:
        return logs(request)
    content, count = xlsx_bytes(
        sheet_title="登簿日志",
        headers=LOG_COLUMNS,
        rows=(
            [
                log.day.isoformat(),
                log.region_code,
                log.node.name,
                log.register_total,
                log.access_total,
                log.matched,
                log.missing_count,
                log.unregistered_count,
                timezone.localtime(log.received_at).strftime("%Y-%m-%d %H:%M:%S"),
            ]
            for log in rows[:EXPORT_MAX_ROWS]
        ),
    )
    audit_record(actor=request.user, action="monitor.logs_export", detail={"rows": count})
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    return xlsx_response(filename=f"daily-logs-{stamp}.xlsx", content=content)


@page_required("monitor.logs")
def log_detail(request: HttpRequest, log_id: int) -> HttpResponse:
    try:
        log = received_log_get(user=request.user, log_id=log_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    items = log.discrepancies.all()
    context = {
        "log": log,
        "missing": items.filter(kind=DiscrepancyKind.MISSING_ACCESS),
        "unregistered": items.filter(kind=DiscrepancyKind.UNREGISTERED),
        "can_hub": user_can(user=request.user, page="hub.messages"),
    }
    return render(request, "monitor/log_detail.html", context)
