"""Monthly archives of the audit log, and the one narrow path that may delete audit rows.

`archive_month` writes every audit row of a finished month (local time, settings.TIME_ZONE) to
`<BDCDJ_ARCHIVE_DIR>/audit/audit-YYYY-MM.jsonl.gz` — one canonical JSON object per line — and a
manifest beside it with the SM3 of the file and of the uncompressed content, the row count and
id range, signed with the node's SM2 key. `archive_verify` checks all of that again.

`audit_prune` deletes a month's rows only when the month is older than the retention period
(at least one year), the archive verifies now, and the rows still in the database are exactly
the rows in the archive (same content digest). The deletion bypasses the append-only guard of
the ORM (and, on PostgreSQL, disables the append-only trigger inside the same transaction, so no
other session ever sees it off), and is itself written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from bdcdj.accounts.models import AuditLog
from bdcdj.core.errors import Conflict, InvalidInput
from bdcdj.exchange import signing
from bdcdj.ops.errors import StorageFull, storage_full_note
from bdcdj.ops.models import LogArchive
from bdcdj.ops.services.manifests import canonical, file_sm3, manifest_path
from bdcdj.ops.storage import FULL_ERRNOS

FORMAT = "bdcdj-log-archive/1"
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
CHUNK = 2000


def month_resolve(month: str, *, now: dt.datetime | None = None) -> str:
    """ "last" → the month before the current one (local time), for monthly timers."""
    if month != "last":
        return month
    local = timezone.localtime(now or timezone.now())
    first = local.replace(day=1)
    return (first - dt.timedelta(days=1)).strftime("%Y-%m")


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a month in the node's time zone, as aware datetimes."""
    found = MONTH.match(month or "")
    if not found:
        raise InvalidInput(
            code="month_invalid", message="月份格式应为 YYYY-MM", fields={"month": "格式 YYYY-MM"}
        )
    year, mon = int(found[1]), int(found[2])
    zone = ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime(year, mon, 1, tzinfo=zone)
    end = dt.datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=zone)
    return start, end


def _row(entry: dict[str, Any]) -> bytes:
    at = entry["at"]
    data = {
        "id": entry["id"],
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": entry["actor_id"],
        "actor_name": entry["actor_name"],
        "action": entry["action"],
        "object_type": entry["object_type"],
        "object_id": entry["object_id"],
        "region_code": entry["region_code"],
        "ip_address": entry["ip_address"],
        "user_agent": entry["user_agent"],
        "outcome": entry["outcome"],
        "detail": entry["detail"],
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode() + b"\n"


def _rows(start: dt.datetime, end: dt.datetime, *, last_id: int | None = None) -> Iterator[dict[str, Any]]:
    query = AuditLog.objects.filter(at__gte=start, at__lt=end)
    if last_id is not None:
        query = query.filter(id__lte=last_id)
    fields = [f.attname for f in AuditLog._meta.concrete_fields]
    yield from query.order_by("id").values(*fields).iterator(chunk_size=CHUNK)


def _sm3() -> hashes.Hash:
    return hashes.Hash(hashes.SM3())


def _write_atomic(target: Path, write: Any) -> None:
    """Write through a temporary file and rename, so a failure (disk full) leaves nothing."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        with tmp.open("wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.errno in FULL_ERRNOS:
            storage_full_note(where="archive")
            raise StorageFull() from exc
        raise


def archive_month(*, month: str, out_dir: Path | None = None, now: dt.datetime | None = None) -> LogArchive:
    """Archive the audit rows of a finished month; may run again until the month is pruned."""
    month = month_resolve(month, now=now)
    start, end = month_bounds(month)
    if end > (now or timezone.now()):
        raise Conflict(code="month_not_finished", message=f"{month} 尚未结束，不能归档")
    if LogArchive.objects.filter(kind="audit", month=month, pruned_at__isnull=False).exists():
        raise Conflict(code="month_pruned", message=f"{month} 的审计日志已清理，不能重新归档")
    target = Path(out_dir or settings.BDCDJ_ARCHIVE_DIR) / "audit" / f"audit-{month}.jsonl.gz"
    content = _sm3()
    stats: dict[str, Any] = {"rows": 0, "first": None, "last": None}

    def write(handle: Any) -> None:
        with gzip.GzipFile(fileobj=handle, mode="wb", mtime=0, compresslevel=6) as gz:
            for entry in _rows(start, end):
                line = _row(entry)
                content.update(line)
                gz.write(line)
                stats["rows"] += 1
                stats["first"] = stats["first"] or entry["id"]
                stats["last"] = entry["id"]

    _write_atomic(target, write)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "kind": "audit",
        "month": month,
        "file": target.name,
        "rows": stats["rows"],
        "first_id": stats["first"],
        "last_id": stats["last"],
        "file_sm3": file_sm3(target),
        "content_sm3": content.finalize().hex(),
        "created_at": timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
        "node_region": settings.BDCDJ_REGION_CODE,
        "public_key": signing.node_public_key_hex(),
    }
    manifest["signature"] = signing.sign(canonical(manifest))
    body = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    _write_atomic(manifest_path(target), lambda handle: handle.write(body))
    return LogArchive.objects.create(
        kind="audit",
        month=month,
        path=str(target),
        rows=stats["rows"],
        first_id=stats["first"],
        last_id=stats["last"],
        file_sm3=manifest["file_sm3"],
        content_sm3=manifest["content_sm3"],
    )


@dataclass
class ArchiveReport:
    path: Path
    manifest: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def archive_verify(*, path: Path, public_key_hex: str | None = None) -> ArchiveReport:
    """Check the manifest's signature (by this node's key unless another is given), the file's
    SM3, and — reading every line — the content SM3, row count and id range."""
    report = ArchiveReport(path=path)
    try:
        manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        report.problems.append("找不到或无法读取清单文件")
        return report
    report.manifest = manifest
    key = public_key_hex or signing.node_public_key_hex()
    if manifest.get("format") != FORMAT:
        report.problems.append("清单格式未知")
    if manifest.get("public_key") != key or not signing.verify(
        public_key_hex=key, data=canonical(manifest), signature_hex=str(manifest.get("signature", ""))
    ):
        report.problems.append("清单签名无效")
    try:
        if file_sm3(path) != manifest.get("file_sm3"):
            report.problems.append("归档文件 SM3 与清单不符（文件被修改）")
        content, rows, first, last = _sm3(), 0, None, None
        with gzip.open(path, "rb") as gz:
            for line in gz:
                content.update(line)
                rows += 1
                row_id = json.loads(line)["id"]
                first, last = first or row_id, row_id
    except (OSError, EOFError, ValueError, KeyError) as exc:
        report.problems.append(f"归档文件无法读取：{type(exc).__name__}")
        return report
    if content.finalize().hex() != manifest.get("content_sm3"):
        report.problems.append("归档内容 SM3 与清单不符")
    if (rows, first, last) != (manifest.get("rows"), manifest.get("first_id"), manifest.get("last_id")):
        report.problems.append("记录数或 ID 范围与清单不符")
    if report.ok:
        LogArchive.objects.filter(file_sm3=manifest["file_sm3"], month=manifest.get("month")).update(
            verified_at=timezone.now()
        )
    return report


def audit_prune(*, month: str, by: str, now: dt.datetime | None = None) -> int:
    """Delete one month of audit rows after the checks above; returns the rows deleted."""
    from bdcdj.accounts.services import audit_record

    now = now or timezone.now()
    start, end = month_bounds(month)
    keep_from = now - dt.timedelta(days=settings.BDCDJ_LOG_RETENTION_DAYS)
    if end > keep_from:
        raise Conflict(
            code="retention_not_reached",
            message=f"{month} 的审计日志未满保存期限（{settings.BDCDJ_LOG_RETENTION_DAYS} 天），不能清理",
        )
    archive = (
        LogArchive.objects.filter(kind="audit", month=month, pruned_at__isnull=True).order_by("-id").first()
    )
    if archive is None:
        raise Conflict(code="archive_missing", message=f"{month} 没有归档，不能清理（先运行 archive_logs）")
    report = archive_verify(path=Path(archive.path))
    if not report.ok:
        raise Conflict(
            code="archive_invalid", message=f"{month} 的归档校验失败，不能清理：{'；'.join(report.problems)}"
        )
    current = _sm3()
    count = 0
    for entry in _rows(start, end, last_id=archive.last_id or 0):
        current.update(_row(entry))
        count += 1
    if count != archive.rows or current.finalize().hex() != archive.content_sm3:
        raise Conflict(
            code="archive_stale", message=f"数据库中 {month} 的审计日志与归档不一致，请重新归档后再清理"
        )
    with transaction.atomic():
        table = AuditLog._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # ALTER TABLE needs no pending deferred checks (e.g. of an audit row written
                # earlier in this transaction): run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER accounts_auditlog_append_only')
            cursor.execute(
                f'DELETE FROM "{table}" WHERE "at" >= %s AND "at" < %s AND "id" <= %s',
                [start, end, archive.last_id or 0],
            )
            deleted = cursor.rowcount
            if connection.vendor == "postgresql":
                cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER accounts_auditlog_append_only')
        if deleted != archive.rows:
            raise Conflict(code="archive_stale", message="删除的记录数与归档不一致，已回滚")
        LogArchive.objects.filter(pk=archive.pk).update(pruned_at=timezone.now(), pruned_rows=deleted)
        audit_record(
            actor=None,
            actor_name=by[:150],
            action="ops.audit_prune",
            object_type="LogArchive",
            object_id=str(archive.pk),
            detail={"month": month, "rows": deleted, "file_sm3": archive.file_sm3},
        )
    return deleted
