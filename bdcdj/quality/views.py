"""Pages of the quality app: statistics of findings (per rule or district, per month) and
the rule catalogue, each searchable, paged and exportable to XLSX."""

from __future__ import annotations

import io
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet

from bdcdj.accounts.decorators import page_required
from bdcdj.accounts.services import audit_record
from bdcdj.quality.findings import Stage
from bdcdj.quality.forms import StatsFilterForm
from bdcdj.quality.rules import TABLES, Rule
from bdcdj.quality.selectors import StatRow, finding_stats, rules_catalogue

PAGE = "quality.stats"
PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATS_COLUMNS = ("月份", "编号/代码", "名称", "发现数", "阻断", "警告", "涉及对象数")
RULE_COLUMNS = ("规则编号", "规则名称", "严重程度", "例外", "检查类型", "适用环节", "适用数据表", "说明")


@page_required(PAGE)
def stats(request: HttpRequest) -> HttpResponse:
    """Findings per rule (or district) and month; an invalid filter shows its errors."""
    form = StatsFilterForm(request.GET)
    rows: list[StatRow] = []
    group = "rule"
    if form.is_valid():
        filters = form.to_filter()
        group = filters.group
        rows = finding_stats(user=request.user, filters=filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sort = query.get("sort") or "-month"
    sort_links = {}
    for column, first in (("month", "-month"), ("key", "key"), ("total", "-total")):
        other = first[1:] if first.startswith("-") else f"-{first}"
        link = query.copy()
        link["sort"] = other if sort == first else first  # a click on the sorted column reverses it
        sort_links[column] = link.urlencode()
    context: dict[str, Any] = {
        "form": form,
        "page_obj": page,
        "group": group,
        "query": query.urlencode(),
        "sort": sort,
        "sort_links": sort_links,
        "totals": _totals(rows),
    }
    template = "quality/_stats_table.html" if getattr(request, "htmx", False) else "quality/stats.html"
    return render(request, template, context, status=200 if form.is_valid() else 400)


@page_required(PAGE)
def stats_export(request: HttpRequest) -> HttpResponse:
    form = StatsFilterForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "page_obj": None, "group": "rule", "query": "", "sort": "-month"}
        return render(
            request, "quality/stats.html", {**context, "sort_links": {}, "totals": None}, status=400
        )
    filters = form.to_filter()
    rows = finding_stats(user=request.user, filters=filters)
    sheet_rows = [[r.month_text, r.key, r.label, r.total, r.blocking, r.warnings, r.subjects] for r in rows]
    audit_record(
        actor=request.user, action="quality.stats_export", detail={"rows": len(rows), "group": filters.group}
    )
    return _xlsx("数据质量统计", STATS_COLUMNS, sheet_rows, "quality-stats")


@page_required(PAGE)
def rules(request: HttpRequest) -> HttpResponse:
    """The rule catalogue: every rule with its severity, exceptions, kind and tables."""
    search = request.GET.get("q", "").strip()
    page = Paginator(rules_catalogue(search=search), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page_obj": page, "q": search, "rows": [_rule_view(rule) for rule in page]}
    template = "quality/_rules_table.html" if getattr(request, "htmx", False) else "quality/rules.html"
    return render(request, template, context)


@page_required(PAGE)
def rules_export(request: HttpRequest) -> HttpResponse:
    rows = [list(_rule_view(rule).values()) for rule in rules_catalogue(search=request.GET.get("q", ""))]
    return _xlsx("数据质量规则", RULE_COLUMNS, rows, "quality-rules")


def _rule_view(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "title": rule.title,
        "severity": rule.severity_label,
        "overrides": rule.overrides_text,
        "kind": rule.kind,
        "stages": "、".join(Stage(s).label for s in Stage.values if s in rule.stages),
        "tables": "、".join(TABLES[t].label for t in rule.tables),
        "description": rule.description,
    }


def _totals(rows: list[StatRow]) -> dict[str, int]:
    return {
        "total": sum(r.total for r in rows),
        "blocking": sum(r.blocking for r in rows),
        "warnings": sum(r.warnings for r in rows),
    }


def _xlsx(title: str, columns: tuple[str, ...], rows: list[list[Any]], name: str) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(list(columns))
    for values in rows:
        _append_row(sheet, values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
    return response


def _append_row(sheet: Worksheet, values: list[Any]) -> None:
    """Numbers stay numbers; text is written as text so a value starting with '=' never
    becomes a formula."""
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    sheet.append(cells)
