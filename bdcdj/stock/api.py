"""Stock import API (`/api/stock/v1/`, session login, page stock.import): batches and the status
and progress of their jobs, for scripts and the console."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from bdcdj.accounts.decorators import ensure_page
from bdcdj.stock.models import StockBatch
from bdcdj.stock.selectors import batch_get, batches_for, link_summary, load_summary, quality_summary

router = Router(tags=["存量数据导入"])
PAGE = "stock.import"


class BatchOut(Schema):
    id: int
    name: str
    region_code: str
    status: str
    status_label: str
    job: str
    job_label: str
    progress_done: int
    progress_total: int
    percent: int
    rows_read: int
    rows_staged: int
    error: str
    created_at: dt.datetime
    linked_at: dt.datetime | None
    checked_at: dt.datetime | None
    loaded_at: dt.datetime | None


class BatchDetailOut(BatchOut):
    link: dict[str, int]
    quality: dict[str, int]
    load: dict[str, int]


def _out(batch: StockBatch) -> dict[str, object]:
    return {
        "id": batch.pk,
        "name": batch.name,
        "region_code": batch.region_code,
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "job": batch.job,
        "job_label": batch.get_job_display() if batch.job else "",
        "progress_done": batch.progress_done,
        "progress_total": batch.progress_total,
        "percent": batch.percent,
        "rows_read": batch.rows_read,
        "rows_staged": batch.rows_staged,
        "error": batch.error,
        "created_at": batch.created_at,
        "linked_at": batch.linked_at,
        "checked_at": batch.checked_at,
        "loaded_at": batch.loaded_at,
    }


@router.get("/batches", response=list[BatchOut], summary="存量导入批次列表（最近100个）")
def batches(request: HttpRequest) -> list[dict[str, object]]:
    ensure_page(request, PAGE)
    return [_out(b) for b in batches_for(user=request.user)[:100]]


@router.get("/batches/{batch_id}", response=BatchDetailOut, summary="批次状态与任务进度")
def batch(request: HttpRequest, batch_id: int) -> dict[str, object]:
    ensure_page(request, PAGE)
    found = batch_get(user=request.user, batch_id=batch_id)
    quality: dict[str, int] = {}
    for rule in quality_summary(batch=found):
        quality[rule.severity] = quality.get(rule.severity, 0) + rule.findings
    return _out(found) | {
        "link": {kind: count for kind, _label, count in link_summary(batch=found)},
        "quality": quality,
        "load": load_summary(batch=found),
    }
