"""Import into staging: read every source of a mapping, build standard rows, write them in
chunks (COPY on PostgreSQL, bulk insert elsewhere), each chunk committed with the batch's
progress so a page or the CLI can follow it.

A source that cannot be read (bad structure, wrong encoding) fails the batch: its staged rows
are deleted in the same step and the batch keeps only the issues that explain why. Row-level
problems (unknown codes, values that are not numbers or dates) do not fail the batch; they are
reported with their row and the value is staged as found, for the quality rules and the bulk
fixes to deal with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from django.db import connection, transaction
from django.utils import timezone

from bdcdj.accounts.models import User
from bdcdj.accounts.selectors import require_tenant
from bdcdj.accounts.services import audit_record
from bdcdj.stock.mapping import Mapping, MappingError, parse_mapping
from bdcdj.stock.models import BatchStatus, ImportIssue, IssueKind, Job, StagedRow, StockBatch
from bdcdj.stock.services.progress import Progress, delete_batch_rows
from bdcdj.stock.services.rows import RowBuilder, StagedValues
from bdcdj.stock.sources import Reader, SourceError, open_source

CHUNK_ROWS = 5000
MAX_ISSUES = 100_000
COPY_COLUMNS = (
    "region_code",
    "batch_id",
    "table_code",
    "source",
    "source_key",
    "target_no",
    "data",
    "pii_enc",
    "id_index",
    "name_index",
    "unit_code",
    "certificate",
    "business_no",
    "prev_certificate",
    "prev_business",
)


@dataclass(frozen=True)
class ImportResult:
    batch: StockBatch
    reused: bool  # the same mapping and content were imported before: nothing was staged again


def _fingerprint(mapping: Mapping, readers: list[Reader]) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(mapping.text.encode("utf-8"))
    for reader in readers:
        digest.update(f"\x00{reader.source.name}\x00{reader.digest}".encode())
    return digest.finalize().hex()


def _open_all(mapping: Mapping, base_dir: Path, urls: dict[str, str]) -> list[Reader]:
    """Open every source before anything is staged; every problem is reported at once."""
    readers, problems = [], {}
    for source in mapping.sources:
        try:
            readers.append(open_source(source, base_dir=base_dir, url_override=urls.get(source.name, "")))
        except SourceError as exc:
            problems[f"sources.{exc.source}"] = exc.message
    if problems:
        raise MappingError(problems)
    return readers


class _Writer:
    """Buffers staged rows and issues and writes them in chunks, one transaction each."""

    def __init__(self, batch: StockBatch, progress: Progress) -> None:
        self.batch = batch
        self.progress = progress
        self.rows: list[tuple[str, str, StagedValues]] = []
        self.issues: list[ImportIssue] = []
        self.issue_count = 0
        self.staged = 0
        self.postgres = connection.vendor == "postgresql"

    def add(self, source: str, key: str, values: list[StagedValues]) -> None:
        for staged in values:
            self.rows.append((source, key, staged))
            for problem in staged.problems:
                self.issue_count += 1
                if self.issue_count <= MAX_ISSUES:
                    self.issues.append(
                        ImportIssue(
                            batch=self.batch,
                            kind=problem.kind,
                            source=source,
                            row_ref=key,
                            field_code=problem.field_code,
                            value=problem.value[:200],
                            message=f"{source} 第{key}行：{problem.message}",
                        )
                    )

    def flush(self, read: int) -> None:
        with transaction.atomic():
            if self.rows:
                self._copy() if self.postgres else self._insert()
                self.staged += len(self.rows)
            if self.issues:
                ImportIssue.objects.bulk_create(self.issues)
            self.progress.set(read)
        self.rows, self.issues = [], []

    def _tuple(self, source: str, key: str, s: StagedValues) -> tuple[object, ...]:
        b = self.batch
        return (
            b.region_code,
            b.pk,
            s.table,
            source,
            key,
            s.target_no,
            s.json(),
            s.pii_enc,
            s.id_index,
            s.name_index,
            s.unit_code[:40],
            s.certificate[:100],
            s.business_no[:100],
            s.prev_certificate[:100],
            s.prev_business[:100],
        )

    def _copy(self) -> None:
        table = StagedRow._meta.db_table
        statement = f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for source, key, staged in self.rows:
                copy.write_row(self._tuple(source, key, staged))

    def _insert(self) -> None:
        StagedRow.objects.bulk_create(
            [
                StagedRow(
                    region_code=self.batch.region_code,
                    batch=self.batch,
                    table_code=s.table,
                    source=source,
                    source_key=key,
                    target_no=s.target_no,
                    data=s.data,
                    pii_enc=s.pii_enc,
                    id_index=s.id_index,
                    name_index=s.name_index,
                    unit_code=s.unit_code[:40],
                    certificate=s.certificate[:100],
                    business_no=s.business_no[:100],
                    prev_certificate=s.prev_certificate[:100],
                    prev_business=s.prev_business[:100],
                )
                for source, key, s in self.rows
            ],
            batch_size=1000,
        )


def _fail(batch: StockBatch, exc: SourceError) -> None:
    with transaction.atomic():
        delete_batch_rows(batch)
        ImportIssue.objects.filter(batch=batch).delete()  # row issues of rows no longer staged
        kind = exc.kind if exc.kind in IssueKind.values else IssueKind.STRUCTURE
        ImportIssue.objects.create(
            batch=batch,
            kind=kind,
            source=exc.source,
            row_ref=exc.row_ref,
            message=f"{exc.source}：{exc.message}",
        )
        batch.status = BatchStatus.FAILED
        batch.job = ""
        batch.error = f"{exc.source}：{exc.message}"
        batch.rows_staged = 0
        batch.finished_at = timezone.now()
        batch.save(update_fields=["status", "job", "error", "rows_staged", "finished_at"])


def stock_import(
    *,
    mapping_text: str,
    base_dir: Path,
    by: User | None,
    urls: dict[str, str] | None = None,
    on_progress: Callable[[StockBatch], None] | None = None,
) -> ImportResult:
    """Stage every source of the mapping as a new batch, or return the batch that already holds
    exactly this mapping and content. Mapping and source-opening problems raise MappingError
    (InvalidInput) before any batch exists; a source that breaks while being read leaves a
    failed batch without staged rows and with the issue that says where. `by` (when given)
    must work in the mapping's district; the import is audited."""
    mapping = parse_mapping(mapping_text)
    if by is not None:
        require_tenant(user=by, region_code=mapping.region_code)
    readers = _open_all(mapping, base_dir, urls or {})
    fingerprint = _fingerprint(mapping, readers)
    existing = StockBatch.objects.filter(
        region_code=mapping.region_code, fingerprint=fingerprint, status=BatchStatus.STAGED
    ).first()
    if existing is not None:
        return ImportResult(batch=existing, reused=True)
    for stale in StockBatch.objects.filter(region_code=mapping.region_code, fingerprint=fingerprint):
        delete_batch_rows(stale)  # a failed or interrupted run of the same content
        stale.delete()
    batch = StockBatch.objects.create(
        region_code=mapping.region_code,
        name=mapping.name,
        mapping_text=mapping.text,
        fingerprint=fingerprint,
        standard_version=mapping.version,
        status=BatchStatus.IMPORTING,
        job=Job.IMPORT,
        progress_total=sum(r.total for r in readers),
        created_by=by if by is not None and by.pk else None,
        summary={"sources": {r.source.name: r.detail for r in readers}},
    )
    progress = Progress(batch, on_progress)
    writer = _Writer(batch, progress)
    read = 0
    try:
        for reader in readers:
            builder = RowBuilder(reader.source, reader.header)
            name = reader.source.name
            for key, values in reader.rows():
                writer.add(name, key, builder.build(values))
                read += 1
                if len(writer.rows) >= CHUNK_ROWS:
                    writer.flush(read)
        writer.flush(read)
    except SourceError as exc:
        _fail(batch, exc)
        return ImportResult(batch=batch, reused=False)
    except BaseException:
        _fail(batch, SourceError(kind="structure", source="导入", message="导入中断，已清除本批次暂存数据"))
        raise
    batch.status = BatchStatus.STAGED
    batch.job = ""
    batch.rows_read = read
    batch.rows_staged = writer.staged
    batch.progress_done = batch.progress_total = read
    batch.finished_at = timezone.now()
    batch.summary = {**batch.summary, "issues": writer.issue_count}
    batch.save(
        update_fields=[
            "status",
            "job",
            "rows_read",
            "rows_staged",
            "progress_done",
            "progress_total",
            "finished_at",
            "summary",
        ]
    )
    if by is not None and by.pk:
        audit_record(
            actor=by,
            action="stock.import",
            object_type="stock_batch",
            object_id=str(batch.pk),
            region_code=batch.region_code,
            detail={"rows": read, "staged": writer.staged, "issues": writer.issue_count},
        )
    return ImportResult(batch=batch, reused=False)
