"""Work queue (业务工作台) and the time-limit dashboard (时限监控).

The queue searches by 业务号, unit code or business type through GET; a search by ID number
goes through POST so that the number never ends up in the address bar or an access log.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from bdcdj.accounts.selectors import user_can
from bdcdj.accounts.services import audit_record
from bdcdj.cases.forms.common import number
from bdcdj.cases.models import CaseStatus, Stage
from bdcdj.cases.selectors import (
    ORDERS,
    PER_PAGE_MAX,
    QUEUES,
    cases_for_queue,
    cases_near_deadline,
    cases_overdue,
    sla_summary,
)
from bdcdj.cases.views.common import (
    allowed_queues,
    business_type_names,
    case_row,
    is_htmx,
    staff_page,
)
from bdcdj.core.xlsx import xlsx_bytes, xlsx_response

PER_PAGE = 20
EXPORT_LIMIT = 5000
ORDER_LABELS = {
    "deadline": "办结期限",
    "-created": "收件时间（新→旧）",
    "created": "收件时间（旧→新）",
    "number": "业务号",
}
assert set(ORDER_LABELS) <= set(ORDERS)
EXPORT_HEADERS = [
    "业务号",
    "业务类型",
    "坐落",
    "单元数",
    "阶段",
    "状态",
    "收件时间",
    "办结期限",
    "时限",
    "指定办理人",
]
NEAR_CHOICES = (1, 2, 3, 5)


def _int(raw: str | None, default: int, *, low: int = 1, high: int = 100_000) -> int:
    value = number(raw)
    return default if value is None else max(low, min(value, high))


def _filters(request: HttpRequest) -> dict[str, Any]:
    source = request.POST if request.method == "POST" else request.GET
    queues = dict(allowed_queues(request))
    queue = source.get("queue", "")
    if queue not in QUEUES and queue != "all":
        queue = next(iter(queues), "all")
    order = source.get("order", "deadline")
    return {
        "queue": queue,
        "mine": source.get("mine") == "1",
        "q": " ".join((request.GET.get("q") or "").split())[:100],
        "id_number": (request.POST.get("id_number") or "").strip()[:50] if request.method == "POST" else "",
        "order": order if order in ORDER_LABELS else "deadline",
        "page": _int(request.GET.get("page"), 1),
    }


def _page(request: HttpRequest, filters: dict[str, Any], *, page: int, per_page: int) -> Any:
    return cases_for_queue(
        user=request.user,
        stage=None if filters["queue"] == "all" else filters["queue"],
        mine=filters["mine"],
        search=filters["id_number"] or filters["q"],
        page=page,
        per_page=per_page,
        order=filters["order"],
    )


@staff_page
@require_http_methods(["GET", "POST"])
def queue(request: HttpRequest) -> HttpResponse:
    """Tabs per queue the user may work; POST carries an ID-number search (first 100 hits)."""
    filters = _filters(request)
    by_id = bool(filters["id_number"])
    result = _page(
        request,
        filters,
        page=1 if by_id else filters["page"],
        per_page=PER_PAGE_MAX if by_id else PER_PAGE,
    )
    names = business_type_names()
    context = {
        "tabs": [*allowed_queues(request), ("all", "全部")],
        "filters": filters,
        "by_id": by_id,
        "result": result,
        "rows": [case_row(c, names) for c in result.items],
        "pages": max(1, -(-result.total // result.per_page)),
        "order_labels": ORDER_LABELS,
        "can_intake": user_can(user=request.user, page="cases.accept", write=True),
    }
    template = "cases/_queue_results.html" if is_htmx(request) else "cases/queue.html"
    return render(request, template, context)


@staff_page
@require_http_methods(["GET", "POST"])
def queue_export(request: HttpRequest) -> HttpResponse:
    """The filtered queue as XLSX (at most EXPORT_LIMIT rows); the export is audited."""
    filters = _filters(request)
    names = business_type_names()
    rows: list[list[Any]] = []
    page = 1
    while len(rows) < EXPORT_LIMIT:
        result = _page(request, filters, page=page, per_page=PER_PAGE_MAX)
        rows += [_export_row(case_row(c, names)) for c in result.items]
        if not result.has_next or filters["id_number"]:
            break
        page += 1
    content, count = xlsx_bytes(sheet_title="业务队列", headers=EXPORT_HEADERS, rows=rows[:EXPORT_LIMIT])
    audit_record(
        actor=request.user,
        action="cases.queue_export",
        detail={"rows": count, "queue": filters["queue"], "by_id_number": bool(filters["id_number"])},
    )
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    return xlsx_response(filename=f"业务队列-{stamp}.xlsx", content=content)


def _export_row(row: dict[str, Any]) -> list[Any]:
    case = row["case"]
    return [
        case.number,
        row["business_type"],
        row["location"],
        row["unit_count"],
        Stage(case.stage).label,
        CaseStatus(case.status).label,
        timezone.localtime(case.created_at).strftime("%Y-%m-%d %H:%M"),
        case.deadline.isoformat() if case.deadline else "",
        row["sla"]["text"],
        (case.assigned_to.display_name or case.assigned_to.username) if case.assigned_to else "",
    ]


def _sla_lists(request: HttpRequest) -> tuple[int, str, list[Any], list[Any]]:
    within = _int(request.GET.get("within"), 1, low=0, high=30)
    q = " ".join((request.GET.get("q") or "").split())[:100]
    names = business_type_names()
    near = [case_row(c, names) for c in cases_near_deadline(user=request.user, within_workdays=within)]
    overdue = [case_row(c, names) for c in cases_overdue(user=request.user)]
    if q:

        def hit(row: dict[str, Any]) -> bool:
            return q in row["case"].number or q in row["business_type"] or q in row["location"]

        near, overdue = [r for r in near if hit(r)], [r for r in overdue if hit(r)]
    return within, q, near, overdue


@staff_page
def sla_dashboard(request: HttpRequest) -> HttpResponse:
    """Counts of the district's cases and the lists of cases near or past their deadline."""
    summary = sla_summary(user=request.user)
    within, q, near, overdue = _sla_lists(request)
    names = business_type_names()
    on_time = round(100 * summary.completed_on_time / summary.completed) if summary.completed else None
    context = {
        "summary": summary,
        "on_time": on_time,
        "by_stage": sorted(((Stage(k).label, v) for k, v in summary.by_stage.items()), key=lambda x: -x[1]),
        "by_type": sorted(
            ((names.get(k, k), v) for k, v in summary.by_business_type.items()), key=lambda x: -x[1]
        ),
        "within": within,
        "near_choices": NEAR_CHOICES,
        "q": q,
        "near": Paginator(near, PER_PAGE).get_page(request.GET.get("near_page")),
        "overdue": Paginator(overdue, PER_PAGE).get_page(request.GET.get("overdue_page")),
    }
    return render(request, "cases/sla.html", context)


@staff_page
def sla_export(request: HttpRequest) -> HttpResponse:
    which = "near" if request.GET.get("list") == "near" else "overdue"
    within, _, near, overdue = _sla_lists(request)
    rows = [_export_row(r) for r in (near if which == "near" else overdue)]
    title = f"{within}个工作日内到期" if which == "near" else "已超期"
    content, count = xlsx_bytes(sheet_title=title, headers=EXPORT_HEADERS, rows=rows)
    audit_record(actor=request.user, action="cases.sla_export", detail={"rows": count, "list": which})
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    return xlsx_response(filename=f"时限监控-{title}-{stamp}.xlsx", content=content)
