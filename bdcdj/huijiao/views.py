"""The 汇交 packages page (both sides: packages this node wrote and sent, packages received from
lower nodes), each package's detail with its tables and QC report, and the downloads."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from bdcdj.accounts.decorators import page_required
from bdcdj.accounts.selectors import user_can
from bdcdj.accounts.services import audit_record
from bdcdj.core.errors import NotFound
from bdcdj.core.xlsx import xlsx_bytes, xlsx_response
from bdcdj.huijiao.models import OutgoingStatus, PackageKind
from bdcdj.huijiao.selectors import (
    PAGE,
    SORTS,
    PackageFilter,
    incoming_get,
    incoming_packages,
    outgoing_get,
    outgoing_packages,
    package_findings,
)
from bdcdj.huijiao.services import findings_xlsx, incoming_path, package_path
from bdcdj.huijiao.services.qc import finding_dict, summary_rows
from bdcdj.huijiao.tables import table_label

PAGE_SIZE = 50
FINDINGS_PAGE_SIZE = 100
SIDES = {"out": "本节点上报", "in": "接收自下级"}
LIST_COLUMNS = (
    "方向",
    "行政区",
    "包序号",
    "类型",
    "登簿事件",
    "记录数",
    "状态",
    "质检阻断",
    "质检警告",
    "时间",
    "包标识",
)


def _filters(request: HttpRequest) -> PackageFilter:
    kind, status, sort = (
        request.GET.get("kind", ""),
        request.GET.get("status", ""),
        request.GET.get("sort", ""),
    )
    return PackageFilter(
        kind=kind if kind in PackageKind.values else "",
        status=status if status in OutgoingStatus.values else "",
        search=request.GET.get("q", "")[:60],
        sort=sort if sort in SORTS else "-time",
    )


def _side(request: HttpRequest) -> str:
    side = request.GET.get("side", "out")
    return side if side in SIDES else "out"


def _qc_counts(report: dict) -> tuple[int | None, int | None]:
    qc = report.get("qc") if isinstance(report, dict) else None
    return (qc.get("blocking"), qc.get("warnings")) if isinstance(qc, dict) else (None, None)


@page_required(PAGE)
def packages(request: HttpRequest) -> HttpResponse:
    side, filters = _side(request), _filters(request)
    rows: list[Any]
    page: Any
    if side == "out":
        page = Paginator(outgoing_packages(user=request.user, filters=filters), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        rows = [(p, *_qc_counts(p.qc_report)) for p in page]
    else:
        page = Paginator(incoming_packages(user=request.user, filters=filters), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        rows = list(page)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "side": side,
        "sides": SIDES,
        "page_obj": page,
        "rows": rows,
        "filters": filters,
        "kinds": PackageKind.choices,
        "statuses": OutgoingStatus.choices,
        "query": params.urlencode(),
    }
    template = "huijiao/_packages_table.html" if getattr(request, "htmx", False) else "huijiao/packages.html"
    return render(request, template, context)


@page_required(PAGE)
def packages_export(request: HttpRequest) -> HttpResponse:
    side, filters = _side(request), _filters(request)
    if side == "out":
        out_rows = (
            [
                SIDES[side],
                p.region_code,
                p.serial,
                p.get_kind_display(),
                f"{p.seq_from}–{p.seq_to}",
                p.row_count,
                p.get_status_display(),
                *(v if v is not None else "" for v in _qc_counts(p.qc_report)),
                p.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                p.package_id,
            ]
            for p in outgoing_packages(user=request.user, filters=filters).iterator()
        )
        content, count = xlsx_bytes(sheet_title="汇交包", headers=LIST_COLUMNS, rows=out_rows)
    else:
        in_rows = (
            [
                SIDES[side],
                p.region_code,
                p.serial,
                p.get_kind_display(),
                f"{p.seq_from}–{p.seq_to}",
                p.row_count,
                "已接收",
                p.qc_blocking,
                p.qc_warnings,
                p.imported_at.strftime("%Y-%m-%d %H:%M:%S"),
                p.package_id,
            ]
            for p in incoming_packages(user=request.user, filters=filters).iterator()
        )
        content, count = xlsx_bytes(sheet_title="汇交包", headers=LIST_COLUMNS, rows=in_rows)
    audit_record(actor=request.user, action="huijiao.packages_export", detail={"side": side, "rows": count})
    return xlsx_response(filename="汇交包.xlsx", content=content)


def _tables(entries: list) -> list[dict]:
    return [{**entry, "label": table_label(str(entry.get("table", "")))} for entry in entries]


@page_required(PAGE)
def outgoing_detail(request: HttpRequest, package_id: int) -> HttpResponse:
    package = outgoing_get(user=request.user, package_id=package_id)
    report = package.qc_report if isinstance(package.qc_report, dict) else {}
    qc = report.get("qc") or {}
    context = {
        "package": package,
        "tables": _tables(package.tables),
        "qc": qc,
        "summary": qc.get("summary") or [],
        "findings": qc.get("findings") or [],
        "can_download": user_can(user=request.user, page=PAGE, write=True),
    }
    return render(request, "huijiao/outgoing_detail.html", context)


@page_required(PAGE)
def incoming_detail(request: HttpRequest, package_id: int) -> HttpResponse:
    package = incoming_get(user=request.user, package_id=package_id)
    severity = request.GET.get("severity", "")
    findings = package_findings(
        user=request.user, package=package, severity=severity if severity in {"block", "warn"} else ""
    )
    page = Paginator(findings, FINDINGS_PAGE_SIZE).get_page(request.GET.get("page"))
    counts: dict[tuple[str, str, str], int] = {}
    for table, rule_id, level in package.findings.values_list("table", "rule_id", "severity").iterator():
        counts[(table, rule_id, level)] = counts.get((table, rule_id, level), 0) + 1
    context = {
        "package": package,
        "tables": _tables(package.tables),
        "summary": summary_rows(counts.items()),
        "page_obj": page,
        "severity": severity,
        "can_download": user_can(user=request.user, page=PAGE, write=True),
    }
    return render(request, "huijiao/incoming_detail.html", context)


def _file(path: Path, name: str) -> HttpResponse:
    if not path.is_file():
        raise NotFound(code="huijiao_file_missing", message="汇交包文件不存在")
    response: Any = FileResponse(
        path.open("rb"), as_attachment=True, filename=name, content_type="application/zip"
    )
    return cast(HttpResponse, response)


@page_required(PAGE, write=True)
def outgoing_download(request: HttpRequest, package_id: int) -> HttpResponse:
    """The package holds names and ID numbers in clear (the standard's rows): write access only,
    audited."""
    package = outgoing_get(user=request.user, package_id=package_id)
    audit_record(
        actor=request.user, action="huijiao.package_download", detail={"package_id": package.package_id}
    )
    return _file(package_path(package), package.file_path)


@page_required(PAGE, write=True)
def incoming_download(request: HttpRequest, package_id: int) -> HttpResponse:
    package = incoming_get(user=request.user, package_id=package_id)
    audit_record(
        actor=request.user, action="huijiao.package_download", detail={"package_id": package.package_id}
    )
    return _file(
        incoming_path(package), f"huijiao-{package.region_code}-{package.serial:06d}-{package.kind}.zip"
    )


@page_required(PAGE)
def outgoing_report(request: HttpRequest, package_id: int) -> HttpResponse:
    package = outgoing_get(user=request.user, package_id=package_id)
    qc = (package.qc_report or {}).get("qc") or {}
    content = findings_xlsx(qc.get("findings") or [])
    audit_record(
        actor=request.user, action="huijiao.report_export", detail={"package_id": package.package_id}
    )
    return xlsx_response(
        filename=f"汇交质检报告-{package.region_code}-{package.serial}.xlsx", content=content
    )


@page_required(PAGE)
def incoming_report(request: HttpRequest, package_id: int) -> HttpResponse:
    package = incoming_get(user=request.user, package_id=package_id)
    rows = (finding_dict(f) for f in package_findings(user=request.user, package=package).iterator())
    content = findings_xlsx(rows)
    audit_record(
        actor=request.user, action="huijiao.report_export", detail={"package_id": package.package_id}
    )
    return xlsx_response(
        filename=f"汇交质检报告-{package.region_code}-{package.serial}.xlsx", content=content
    )
