"""Disk full on uploads and archives: the operating system refuses the write (a real file-size
limit, RLIMIT_FSIZE, as `ulimit -f` sets it), the request gets 507 with a Chinese message,
no partial file and no database row remain, and readiness reports the condition."""

import datetime as dt
import errno
import os
import resource
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bdcdj.accounts.services import audit_record
from bdcdj.cases.models import Material
from bdcdj.cases.tests import helpers as h
from bdcdj.ops.errors import StorageFull
from bdcdj.ops.models import LogArchive
from bdcdj.ops.services.archive import archive_month
from bdcdj.ops.services.heartbeat import heartbeat_beat

pytestmark = pytest.mark.django_db
LIMIT = 64 * 1024
BIG_PDF = h.PDF + b"%" + b"0" * (LIMIT * 4) + b"\n%%EOF\n"


@contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """`ulimit -f` for this process: writes past `limit` bytes fail with EFBIG (SIGXFSZ ignored)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_upload_on_a_full_disk_answers_507_and_leaves_nothing_behind(staff, settings):
    [(unit, _)] = h.titled_house(staff.registrar)
    case = h.new_case(
        staff,
        "house_transfer_sale",
        [unit.code],
        [h.BUYER.party("holder"), h.SELLER.party("obligor")],
        {"price": "120"},
    )
    client = Client(raise_request_exception=False)
    client.force_login(staff.clerk)
    heartbeat_beat(name="worker")
    assert client.get("/readyz").status_code == 200

    def upload():
        return client.post(
            f"/api/cases/v1/cases/{case.pk}/materials",
            {
                "file": SimpleUploadedFile("scan.pdf", BIG_PDF, content_type="application/pdf"),
                "checklist_code": "identity",
            },
        )

    with file_size_limit(LIMIT):
        response = upload()
    assert response.status_code == 507, response.content
    assert response.json() == {
        "code": "storage_full",
        "message": "服务器存储空间不足，文件未保存，请稍后重试或联系系统管理员",
        "fields": {"file": "未保存"},
    }
    assert files_under(Path(settings.MEDIA_ROOT)) == []
    assert not Material.objects.filter(case=case).exists()
    ready = client.get("/readyz")
    assert ready.status_code == 503 and "存储空间不足" in ready.json()["checks"]["var_dir"]["detail"]
    # with room again the same upload is stored whole
    assert upload().status_code == 201
    [stored] = files_under(Path(settings.MEDIA_ROOT))
    assert stored.read_bytes() == BIG_PDF


def test_the_storage_backend_turns_enospc_into_storage_full_and_removes_the_partial_file(settings):
    class FullDisk(ContentFile):
        """Content whose second chunk meets a full disk, as a write() on a full device does."""

        def chunks(self, chunk_size=None):
            yield b"x" * 1024
            raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(StorageFull) as caught:
        default_storage.save("cases/340121/1/material-x.pdf", FullDisk(b"ignored"))
    assert caught.value.status_code == 507
    assert files_under(Path(settings.MEDIA_ROOT)) == []


def test_archive_on_a_full_disk_fails_cleanly_and_records_nothing(settings):
    zone = ZoneInfo("Asia/Shanghai")
    for day in range(1, 29):
        with mock.patch("django.utils.timezone.now", return_value=dt.datetime(2025, 3, day, tzinfo=zone)):
            audit_record(
                actor=None, actor_name="clerk", action="cases.accept", detail={"n": os.urandom(1000).hex()}
            )
    with file_size_limit(2048), pytest.raises(StorageFull):
        archive_month(month="2025-03")
    assert files_under(Path(settings.BDCDJ_ARCHIVE_DIR)) == []
    assert not LogArchive.objects.exists()
    assert archive_month(month="2025-03").rows == 28


def test_a_storage_full_oserror_escaping_a_view_becomes_507_not_500(rf):
    from bdcdj.ops.middleware import OpsMiddleware

    middleware = OpsMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    full = OSError(errno.ENOSPC, "No space left on device")
    api = middleware.process_exception(rf.post("/api/stock/v1/batches"), full)
    assert api is not None and api.status_code == 507
    assert "存储空间不足" in api.content.decode()
    page = middleware.process_exception(rf.post("/stock/upload/"), full)
    assert page is not None and page.status_code == 507 and "<h1>存储空间不足</h1>" in page.content.decode()
    assert middleware.process_exception(rf.get("/"), OSError(errno.EACCES, "denied")) is None
