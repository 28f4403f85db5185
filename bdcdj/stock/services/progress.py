"""Progress of long stock jobs: stored on the batch (the page polls it, the API reports it)
and passed to an optional callback (the CLI draws a bar)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from bdcdj.core.errors import Conflict
from bdcdj.stock.models import BatchStatus, Job, LinkFinding, StagedRow, StockBatch, StockFinding


class Progress:
    def __init__(self, batch: StockBatch, callback: Callable[[StockBatch], None] | None = None) -> None:
        self.batch = batch
        self.callback = callback

    def set(self, done: int, total: int | None = None) -> None:
        self.batch.progress_done = done
        fields = ["progress_done"]
        if total is not None:
            self.batch.progress_total = total
            fields.append("progress_total")
        StockBatch.objects.filter(pk=self.batch.pk).update(**{f: getattr(self.batch, f) for f in fields})
        if self.callback is not None:
            self.callback(self.batch)


def job_start(*, batch: StockBatch, job: str, total: int, force: bool = False) -> StockBatch:
    """Claim the batch for one job; Conflict if another job runs (unless `force`: a job left
    behind by a killed process) or the batch is not staged."""
    with transaction.atomic():
        fresh = StockBatch.objects.select_for_update().get(pk=batch.pk)
        if fresh.status != BatchStatus.STAGED:
            raise Conflict(
                code="stock_batch_not_staged", message=f"批次{batch.pk}未完成导入暂存，不能{Job(job).label}"
            )
        if fresh.job and not force:
            raise Conflict(
                code="stock_job_running", message=f"批次{batch.pk}正在{Job(fresh.job).label}，请稍后再试"
            )
        fresh.job = job
        fresh.progress_done = 0
        fresh.progress_total = total
        fresh.error = ""
        fresh.save(update_fields=["job", "progress_done", "progress_total", "error"])
    return fresh


def job_finish(*, batch: StockBatch, stamp: str = "", error: str = "", **summary: object) -> None:
    batch.job = ""
    batch.error = error
    batch.progress_done = batch.progress_total
    fields = ["job", "error", "progress_done", "summary"]
    if stamp:
        setattr(batch, stamp, timezone.now())
        fields.append(stamp)
    batch.summary = {**batch.summary, **summary}
    batch.save(update_fields=fields)


def delete_batch_rows(batch: StockBatch) -> None:
    """Remove everything staged for a batch with plain DELETEs (a million rows must not be
    loaded into memory to be deleted one by one)."""
    with connection.cursor() as cursor:
        for model in (StockFinding, LinkFinding):
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE batch_id = %s", [batch.pk])
        cursor.execute(f"DELETE FROM {StagedRow._meta.db_table} WHERE batch_id = %s", [batch.pk])
