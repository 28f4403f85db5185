"""A console progress bar for the stock commands, drawn from the batch's stored progress."""

import sys
from collections.abc import Callable

from bdcdj.stock.models import Job, StockBatch

WIDTH = 30


def console_bar(label: str, stream=None) -> Callable[[StockBatch], None]:
    out = getattr(stream, "_out", stream) or sys.stderr  # a command's OutputWrapper would add newlines

    def draw(batch: StockBatch) -> None:
        total = max(batch.progress_total, batch.progress_done, 1)
        filled = int(WIDTH * batch.progress_done / total)
        job = Job(batch.job).label if batch.job else label
        out.write(f"\r{job} [{'#' * filled}{'-' * (WIDTH - filled)}] {batch.progress_done}/{total}")
        out.flush()

    return draw


def batch_arg(value: str) -> StockBatch:
    from django.core.management.base import CommandError

    batch = StockBatch.objects.filter(pk=int(value) if value.isdigit() else -1).first()
    if batch is None:
        raise CommandError(f"批次 {value} 不存在")
    return batch
