"""Monthly audit-log archives: written, signed, verified; tampering found; rows pruned only
after retention and a verified archive, through the one audited path."""

import datetime as dt
import gzip
import json
from io import StringIO
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from bdcdj.accounts.models import AppendOnlyError, AuditLog
from bdcdj.accounts.services import audit_record
from bdcdj.core.errors import Conflict
from bdcdj.ops.models import LogArchive
from bdcdj.ops.services.archive import archive_month, archive_verify, audit_prune
from bdcdj.ops.services.manifests import manifest_path

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")
OLD = "2025-06"


def audit_at(when: dt.datetime, action: str, **detail) -> AuditLog:
    """An audit row written at `when` (the clock travels; the row goes through audit_record)."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        return audit_record(
            actor=None, actor_name="clerk", action=action, detail=detail, region_code="340121"
        )


@pytest.fixture
def old_month() -> list[AuditLog]:
    rows = [
        audit_at(dt.datetime(2025, 6, day, 9, tzinfo=ZONE), "cases.accept", case=f"C{day}")
        for day in (1, 15, 30)
    ]
    audit_at(dt.datetime(2025, 5, 31, 23, 59, tzinfo=ZONE), "cases.accept", case="before")
    audit_at(dt.datetime(2025, 7, 1, 0, 0, tzinfo=ZONE), "cases.accept", case="after")
    return rows


def test_archive_writes_a_gzip_json_lines_file_and_a_signed_manifest(old_month):
    archive = archive_month(month=OLD)
    path = Path(archive.path)
    assert path.name == "audit-2025-06.jsonl.gz" and archive.rows == 3
    lines = [json.loads(line) for line in gzip.decompress(path.read_bytes()).splitlines()]
    assert [line["detail"]["case"] for line in lines] == ["C1", "C15", "C30"]
    assert lines[0]["at"].startswith("2025-06-01T01:00:00") and lines[0]["action"] == "cases.accept"
    manifest = json.loads(manifest_path(path).read_text())
    assert manifest["rows"] == 3 and len(manifest["file_sm3"]) == 64 and len(manifest["signature"]) == 128
    out = StringIO()
    call_command("verify_archive", str(path), stdout=out)
    assert "归档校验通过" in out.getvalue()
    assert LogArchive.objects.get(pk=archive.pk).verified_at is not None


def test_a_tampered_archive_or_manifest_is_detected(old_month):
    path = Path(archive_month(month=OLD).path)
    lines = gzip.decompress(path.read_bytes()).replace(b'"C15"', b'"C16"')
    with gzip.GzipFile(path, "wb", mtime=0) as gz:
        gz.write(lines)
    report = archive_verify(path=path)
    assert "归档文件 SM3 与清单不符（文件被修改）" in report.problems
    assert "归档内容 SM3 与清单不符" in report.problems
    with pytest.raises(CommandError, match="归档校验失败"):
        call_command("verify_archive", str(path))
    manifest = json.loads(manifest_path(path).read_text())
    manifest["rows"] = 2
    manifest_path(path).write_text(json.dumps(manifest))
    assert "清单签名无效" in archive_verify(path=path).problems


def test_prune_is_refused_without_an_archive_and_before_the_retention_period(old_month):
    with pytest.raises(Conflict, match="没有归档"):
        audit_prune(month=OLD, by="ops")
    audit_at(dt.datetime(2026, 11, 2, tzinfo=ZONE), "cases.accept")
    archive_month(month="2026-11")
    with pytest.raises(Conflict, match="未满保存期限"):
        audit_prune(month="2026-11", by="ops")
    with pytest.raises(Conflict, match="尚未结束"):
        archive_month(month="2026-12")
    assert AuditLog.objects.count() == 6


def test_prune_is_refused_when_the_archive_no_longer_verifies(old_month):
    path = Path(archive_month(month=OLD).path)
    path.write_bytes(path.read_bytes()[:-8])
    with pytest.raises(Conflict, match="归档校验失败"):
        audit_prune(month=OLD, by="ops")
    assert AuditLog.objects.count() == 5


def test_prune_is_refused_when_rows_differ_from_the_archive(old_month):
    archive_month(month=OLD)
    audit_at(dt.datetime(2025, 6, 20, tzinfo=ZONE), "cases.accept", case="late")  # arrived after archiving
    LogArchive.objects.update(last_id=10**9)  # pretend the archive claimed to cover it
    with pytest.raises(Conflict):
        audit_prune(month=OLD, by="ops")
    assert AuditLog.objects.count() == 6


def test_a_verified_old_month_is_pruned_exactly_and_the_prune_is_audited(old_month):
    archive = archive_month(month=OLD)
    out = StringIO()
    call_command("prune_logs", "--month", OLD, "--by", "ops-admin", stdout=out)
    assert "已清理 2025-06 审计日志 3 条" in out.getvalue()
    remaining = AuditLog.objects.exclude(action="ops.audit_prune")
    assert sorted(r.detail["case"] for r in remaining) == ["after", "before"]
    entry = AuditLog.objects.get(action="ops.audit_prune")
    assert entry.actor_name == "ops-admin" and entry.detail == {
        "month": OLD,
        "rows": 3,
        "file_sm3": archive.file_sm3,
    }
    archive.refresh_from_db()
    assert archive.pruned_at is not None and archive.pruned_rows == 3
    # the archive outlives the rows and still verifies; the ORM still refuses deletes
    assert archive_verify(path=Path(archive.path)).ok
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.all().delete()
    with pytest.raises(Conflict, match="已清理"):
        archive_month(month=OLD)


def test_the_commands_report_bad_months_in_chinese(old_month):
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("archive_logs", "--month", "2025-13")
    with pytest.raises(CommandError, match="没有归档"):
        call_command("prune_logs", "--month", OLD)
