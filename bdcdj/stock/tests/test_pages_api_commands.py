"""Pages, the job-status API and the management commands of the stock import."""

import io

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from bdcdj.accounts.models import AuditLog, PagePermission
from bdcdj.register.tests.factories import OTHER_REGION, make_user
from bdcdj.stock.models import BatchStatus, LinkFinding, StockBatch, StockFinding
from bdcdj.stock.services.checking import stock_check
from bdcdj.stock.services.importing import stock_import
from bdcdj.stock.services.linking import stock_link

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def batch(legacy):
    text = legacy.mapping_path.read_text(encoding="utf-8")
    found = stock_import(mapping_text=text, base_dir=legacy.directory, by=None).batch
    stock_link(batch=found)
    stock_check(batch=found)
    return found


def _writer(username):
    user = make_user(username, pages=("stock.import",))
    PagePermission.objects.filter(role__code=f"r{user.pk}", page="stock.import").update(
        level=PagePermission.Level.WRITE
    )
    return user


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_batch_pages_show_progress_link_and_quality_reports(batch, clerk):
    client = _client(clerk)
    listing = client.get(reverse("stock:batches"))
    assert listing.status_code == 200 and batch.name in listing.content.decode()
    page = client.get(reverse("stock:batch", args=[batch.pk])).content.decode()
    assert "关联报告" in page and "Q-DIC-001" in page and "上手权利未找到" in page
    progress = client.get(reverse("stock:progress", args=[batch.pk])).content.decode()
    assert "已暂存" in progress and "hx-trigger" not in progress  # no polling once idle
    findings = client.get(reverse("stock:findings", args=[batch.pk]), {"rule": "Q-DIC-001"}).content.decode()
    assert "FWYT1" in findings


def test_exports_are_xlsx_and_audited(batch, clerk):
    client = _client(clerk)
    for name in ("stock:links_export", "stock:quality_export", "stock:issues_export"):
        response = client.get(reverse(name, args=[batch.pk]))
        assert response.status_code == 200 and response.content[:2] == b"PK"
    assert AuditLog.objects.filter(action="stock.export").count() == 3


def test_page_needs_permission_and_district(batch, db):
    assert (
        _client(make_user("nostock", pages=("register.units",))).get(reverse("stock:batches")).status_code
        == 403
    )
    other = make_user("feidong_stock", regions=(OTHER_REGION,), pages=("stock.import",))
    assert _client(other).get(reverse("stock:batch", args=[batch.pk])).status_code == 404


def test_fix_form_applies_and_reports_errors_in_chinese(batch, db):
    writer = _writer("stock_writer")
    client = _client(writer)
    bad = client.post(
        reverse("stock:fix", args=[batch.pk]),
        {"rule_id": "Q-DIC-001", "field_code": "FWYT1", "mode": "translate", "value": "09"},
    )
    assert bad.status_code == 400 and "旧代码=新代码" in bad.content.decode()
    ok = client.post(
        reverse("stock:fix", args=[batch.pk]),
        {"rule_id": "Q-DIC-001", "field_code": "FWYT1", "mode": "translate", "value": "09=11"},
    )
    assert ok.status_code == 302
    assert not StockFinding.objects.filter(batch=batch, rule_id="Q-DIC-001").exists()


@override_settings(TASKS=IMMEDIATE)
def test_upload_through_the_page_imports_and_jobs_run(legacy, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    writer = _writer("stock_uploader")
    client = _client(writer)
    files = []
    for name in ("land.csv", "units.xlsx", "houses.csv"):
        upload = io.BytesIO((legacy.directory / name).read_bytes())
        upload.name = name
        files.append(upload)
    mapping = io.BytesIO(legacy.mapping_path.read_bytes())
    mapping.name = "mapping.yaml"
    response = client.post(reverse("stock:upload"), {"mapping": mapping, "data_files": files})
    assert response.status_code == 302
    batch = StockBatch.objects.get()
    assert batch.status == BatchStatus.STAGED and batch.rows_staged > 0
    assert client.post(reverse("stock:run", args=[batch.pk, "link"])).status_code == 302
    assert LinkFinding.objects.filter(batch=batch).exists()


def test_upload_with_a_bad_mapping_shows_where(db, legacy):
    writer = _writer("stock_uploader2")
    mapping = io.BytesIO(
        b"name: x\nregion_code: '340121'\n"
        b"sources: [{name: a, kind: csv, path: a.csv, targets: [{table: NOPE, fields: {A: b}}]}]\n"
    )
    mapping.name = "m.yaml"
    response = _client(writer).post(reverse("stock:upload"), {"mapping": mapping})
    assert response.status_code == 400 and "未知的标准表" in response.content.decode()
    assert not StockBatch.objects.exists()


def test_api_reports_job_status(batch, clerk):
    client = _client(clerk)
    body = client.get(f"/api/stock/v1/batches/{batch.pk}").json()
    assert body["status"] == "staged" and body["job"] == "" and body["percent"] == 100
    assert body["link"]["broken_chain"] == 1 and body["quality"]["block"] >= 1
    assert [b["id"] for b in client.get("/api/stock/v1/batches").json()] == [batch.pk]
    missing = client.get("/api/stock/v1/batches/999999")
    assert missing.status_code == 404 and missing.json()["code"] == "stock_batch_not_found"


def test_commands_run_the_whole_pipeline(legacy, registrar, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command("stock_import", str(legacy.mapping_path), stdout=out, stderr=err)
    batch = StockBatch.objects.get()
    assert f"批次 {batch.pk}" in out.getvalue() and "[#" in err.getvalue()
    call_command("stock_import", str(legacy.mapping_path), stdout=out, stderr=err)
    assert "未重复导入" in out.getvalue() and StockBatch.objects.count() == 1
    report = tmp_path / "links.xlsx"
    call_command("stock_link", str(batch.pk), "--xlsx", str(report), stdout=out, stderr=err)
    assert report.read_bytes()[:2] == b"PK"
    call_command("stock_check", str(batch.pk), stdout=out, stderr=err)
    assert "Q-DIC-001" in out.getvalue()
    call_command("stock_load", str(batch.pk), "--by", registrar.username, stdout=out, stderr=err)
    assert "已入库" in out.getvalue()
