import pytest
from django.test import Client

from bdcdj.accounts.models import User
from bdcdj.huijiao.services import package_export, package_import, package_path
from bdcdj.huijiao.tests.helpers import REGION

pytestmark = pytest.mark.django_db


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_both_sides_list_packages_with_counts_and_qc(node, demo):
    outgoing = package_export(region_code=REGION, kind="full")
    incoming = package_import(source=package_path(outgoing)).package
    admin = _client("admin")
    page = admin.get("/huijiao/packages/?side=out")
    assert page.status_code == 200 and "数据汇交包" in page.content.decode()
    assert f"/huijiao/packages/out/{outgoing.pk}/" in page.content.decode()
    page = admin.get("/huijiao/packages/?side=in&kind=full")
    assert f"/huijiao/packages/in/{incoming.pk}/" in page.content.decode()
    detail = admin.get(f"/huijiao/packages/in/{incoming.pk}/?severity=block").content.decode()
    assert "质检汇总" in detail and "KTT_FW_H" in detail and "Q-REQ" in detail
    assert admin.get(f"/huijiao/packages/out/{outgoing.pk}/").status_code == 200
    report = admin.get(f"/huijiao/packages/in/{incoming.pk}/report.xlsx")
    assert report.status_code == 200 and report["Content-Type"].startswith("application/vnd.openxmlformats")
    download = admin.get(f"/huijiao/packages/out/{outgoing.pk}/download")
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    listing = admin.get("/huijiao/packages/export.xlsx?side=in")
    assert listing.status_code == 200


def test_pages_need_the_permission_and_downloads_need_write(node, demo):
    outgoing = package_export(region_code=REGION, kind="full")
    assert _client("inquirer").get("/huijiao/packages/").status_code == 403
    registrar = _client("registrar")
    assert registrar.get("/huijiao/packages/").status_code == 200
    assert registrar.get(f"/huijiao/packages/out/{outgoing.pk}/download").status_code == 403
    assert _client("other").get(f"/huijiao/packages/out/{outgoing.pk}/").status_code in {403, 404}
