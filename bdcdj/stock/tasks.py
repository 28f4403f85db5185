"""Background jobs started from the console page (django-tasks, run by `manage.py db_worker`).
Each job records its progress on the batch; the page polls it."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from bdcdj.accounts.models import User
from bdcdj.core.errors import DomainError
from bdcdj.stock.mapping import parse_mapping
from bdcdj.stock.models import BatchStatus, ImportIssue, IssueKind, Job, StockBatch


def _user(user_id: int | None) -> User | None:
    return User.objects.filter(pk=user_id).first() if user_id else None


@task()
def stock_import_task(directory: str, user_id: int | None) -> int:
    """Import the mapping uploaded into `directory`. A mapping or source that cannot be opened
    leaves a failed batch whose issues say why, so the page can show it."""
    from bdcdj.stock.services.importing import stock_import

    base = Path(directory)
    text = (base / "mapping.yaml").read_text(encoding="utf-8")
    by = _user(user_id)
    try:
        return stock_import(mapping_text=text, base_dir=base, by=by).batch.pk
    except DomainError as exc:
        mapping = parse_mapping(text)  # checked before the upload was accepted
        with transaction.atomic():
            batch = StockBatch.objects.create(
                region_code=mapping.region_code,
                name=mapping.name,
                mapping_text=text,
                fingerprint="",
                standard_version=mapping.version,
                status=BatchStatus.FAILED,
                error=exc.message,
                created_by=by,
                finished_at=timezone.now(),
            )
            ImportIssue.objects.bulk_create(
                [
                    ImportIssue(batch=batch, kind=IssueKind.MAPPING, source=where[:100], message=what)
                    for where, what in (exc.fields or {"映射": exc.message}).items()
                ]
            )
        return batch.pk


@task()
def stock_job_task(batch_id: int, job: str, user_id: int | None) -> dict[str, int]:
    from bdcdj.stock.services.checking import stock_check
    from bdcdj.stock.services.linking import stock_link
    from bdcdj.stock.services.loading import stock_load

    batch = StockBatch.objects.get(pk=batch_id)
    if job == Job.LINK:
        return stock_link(batch=batch)
    if job == Job.CHECK:
        return stock_check(batch=batch)
    by = _user(user_id)
    if by is None:
        raise ValueError("入库须指定登簿人员")
    return stock_load(batch=batch, by=by)
