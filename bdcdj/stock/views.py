"""Pages of the stock import: batches with live progress, upload of a mapping and its files,
one batch's import issues, link report, quality report by rule and severity, bulk fixes, and
the buttons that start linking, checking and loading (background jobs)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bdcdj.accounts.decorators import page_required
from bdcdj.accounts.selectors import require_tenant, user_can
from bdcdj.accounts.services import audit_record
from bdcdj.core.errors import DomainError, NotFound
from bdcdj.core.xlsx import xlsx_response
from bdcdj.quality.findings import Severity
from bdcdj.stock.forms import FixForm, UploadForm
from bdcdj.stock.mapping import parse_mapping
from bdcdj.stock.models import ImportIssue, Job, LinkFinding, LinkKind, StockBatch
from bdcdj.stock.selectors import (
    batch_get,
    batches_for,
    findings_of,
    issues_xlsx,
    link_report_xlsx,
    link_summary,
    load_summary,
    quality_report_xlsx,
    quality_summary,
    table_summary,
)
from bdcdj.stock.services.checking import stock_fix
from bdcdj.stock.services.linking import stock_link_confirm
from bdcdj.stock.tasks import stock_import_task, stock_job_task

PAGE = "stock.import"
PAGE_SIZE = 20


def _batch(request: HttpRequest, batch_id: int) -> StockBatch:
    try:
        return batch_get(user=request.user, batch_id=batch_id)
    except NotFound as exc:
        raise Http404(exc.message) from None


@page_required(PAGE)
def batches(request: HttpRequest) -> HttpResponse:
    page = Paginator(batches_for(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "stock/batches.html",
        {
            "page_obj": page,
            "form": UploadForm(),
            "can_write": user_can(user=request.user, page=PAGE, write=True),
        },
    )


def _save_upload(form: UploadForm) -> Path:
    directory = Path(settings.MEDIA_ROOT) / "stock" / uuid.uuid4().hex
    directory.mkdir(parents=True)
    (directory / "mapping.yaml").write_bytes(form.cleaned_data["mapping_bytes"])
    for upload in form.cleaned_data["data_files"]:
        with (directory / Path(upload.name).name).open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    return directory


@page_required(PAGE, write=True)
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            mapping = parse_mapping(form.cleaned_data["mapping_text"])
            require_tenant(user=request.user, region_code=mapping.region_code)
            uploaded = {Path(f.name).name for f in form.cleaned_data["data_files"]}
            missing = [
                s.path for s in mapping.sources if s.kind != "sql" and Path(s.path).name not in uploaded
            ]
            if missing:
                form.add_error("data_files", f"映射文件引用的数据文件未上传：{'、'.join(missing)}")
        except DomainError as exc:
            form.add_error("mapping", exc.message)
    if not form.is_valid():
        page = Paginator(batches_for(user=request.user), PAGE_SIZE).get_page(1)
        return render(
            request, "stock/batches.html", {"page_obj": page, "form": form, "can_write": True}, status=400
        )
    directory = _save_upload(form)
    stock_import_task.enqueue(str(directory), request.user.pk)
    flash.success(request, "已提交导入，进度见下表")
    return redirect("stock:batches")


def _detail_context(request: HttpRequest, batch: StockBatch) -> dict[str, object]:
    return {
        "batch": batch,
        "issues": ImportIssue.objects.filter(batch=batch)[:50],
        "issue_count": ImportIssue.objects.filter(batch=batch).count(),
        "links": link_summary(batch=batch),
        "heuristics": LinkFinding.objects.filter(batch=batch, kind=LinkKind.HEURISTIC).select_related(
            "row", "related"
        )[:100],
        "link_findings": LinkFinding.objects.filter(batch=batch)
        .exclude(kind=LinkKind.HEURISTIC)
        .select_related("row")[:100],
        "rules": quality_summary(batch=batch),
        "tables": table_summary(batch=batch),
        "loads": load_summary(batch=batch),
        "fix_form": FixForm(),
        "jobs": [(Job.LINK, "运行关联"), (Job.CHECK, "运行质检"), (Job.LOAD, "入库")],
        "can_write": user_can(user=request.user, page=PAGE, write=True),
    }


@page_required(PAGE)
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    return render(request, "stock/batch.html", _detail_context(request, batch))


@page_required(PAGE)
def progress(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    return render(request, "stock/_progress.html", {"batch": batch})


@page_required(PAGE, write=True)
@require_POST
def run(request: HttpRequest, batch_id: int, job: str) -> HttpResponse:
    batch = _batch(request, batch_id)
    if job not in (Job.LINK, Job.CHECK, Job.LOAD):
        flash.error(request, "未知的任务")
    elif batch.job:
        flash.error(request, f"批次正在{Job(batch.job).label}，请稍后再试")
    else:
        stock_job_task.enqueue(batch.pk, job, request.user.pk)
        flash.success(request, f"已开始{Job(job).label}")
    return redirect("stock:batch", batch_id=batch.pk)


@page_required(PAGE, write=True)
@require_POST
def fix(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    form = FixForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            count = stock_fix(
                batch=batch,
                by=request.user,  # type: ignore[arg-type]
                rule_id=data["rule_id"],
                field_code=data["field_code"],
                table_code=data["table_code"],
                set_value=data.get("set_value"),
                translate=data.get("translate"),
            )
        except DomainError as exc:
            for name, message in (exc.fields or {"__all__": exc.message}).items():
                form.add_error(name if name in form.fields else None, message)
        else:
            flash.success(request, f"已修改 {count} 行并重新质检")
            return redirect("stock:batch", batch_id=batch.pk)
    context = _detail_context(request, batch) | {"fix_form": form}
    return render(request, "stock/batch.html", context, status=400)


@page_required(PAGE, write=True)
@require_POST
def confirm(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    ids = [int(v) for v in request.POST.getlist("finding") if v.isdigit()]
    try:
        count = stock_link_confirm(batch=batch, by=request.user, finding_ids=ids)  # type: ignore[arg-type]
    except DomainError as exc:
        flash.error(request, exc.message)
    else:
        flash.success(request, f"已确认 {count} 条推断关联")
    return redirect("stock:batch", batch_id=batch.pk)


@page_required(PAGE)
def findings(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    rule_id, severity = request.GET.get("rule", "")[:20], request.GET.get("severity", "")
    if severity not in Severity.values:
        severity = ""
    page = Paginator(findings_of(batch=batch, rule_id=rule_id, severity=severity), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "stock/findings.html",
        {"batch": batch, "page_obj": page, "rule": rule_id, "severity": severity},
    )


def _export(request: HttpRequest, batch: StockBatch, what: str, content: bytes, rows: int) -> HttpResponse:
    audit_record(
        actor=request.user,
        action="stock.export",
        object_type="stock_batch",
        object_id=str(batch.pk),
        region_code=batch.region_code,
        detail={"report": what, "rows": rows},
    )
    return xlsx_response(filename=f"存量批次{batch.pk}-{what}.xlsx", content=content)


@page_required(PAGE)
def links_export(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    return _export(request, batch, "关联问题", *link_report_xlsx(batch=batch))


@page_required(PAGE)
def quality_export(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    return _export(request, batch, "质检问题", *quality_report_xlsx(batch=batch))


@page_required(PAGE)
def issues_export(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    return _export(request, batch, "导入问题", *issues_xlsx(batch=batch))
