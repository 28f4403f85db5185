import pytest
from django.test import Client

from bdcdj.huijiao.models import IncomingPackage, OutgoingStatus
from bdcdj.huijiao.services import package_export, package_path, package_send
from bdcdj.huijiao.tests.helpers import REGION
from bdcdj.register.models import Unit

pytestmark = pytest.mark.django_db
URL = "/api/huijiao/v1/packages"


def _post(node, body: bytes, *, token: str | None = None, content_type: str = "application/zip"):
    return Client().post(
        URL,
        data=body,
        content_type=content_type,
        headers={"X-Bdcdj-Node": node.node.region_code, "Authorization": f"Bearer {token or node.token}"},
    )


def test_an_uploaded_package_is_answered_with_its_qc_report(node, demo):
    unit = Unit.objects.filter(region_code=REGION, code__regex=r"^.{19}F").order_by("code").first()
    Unit.objects.filter(pk=unit.pk).update(planned_use="ZZ")
    package = package_export(region_code=REGION, kind="full")
    response = _post(node, package_path(package).read_bytes())
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "accepted" and body["serial"] == 1
    assert body["rows"]["inserted"] == package.row_count
    assert any(
        s["table"] == "KTT_FW_H"
        and s["rule_id"] == "Q-DIC-001"
        and s["severity"] == "block"
        and s["count"] == 1
        for s in body["qc"]["summary"]
    )
    assert {"rule_id": "Q-DIC-001", "table": "KTT_FW_H", "row_key": unit.code}.items() <= next(
        f for f in body["qc"]["findings"] if f["rule_id"] == "Q-DIC-001"
    ).items()
    assert IncomingPackage.objects.get().via == "upload"


def test_uploads_are_refused_without_node_credentials_or_as_a_replay(node, demo):
    body = package_path(package_export(region_code=REGION, kind="full")).read_bytes()
    assert _post(node, body, token="bdn_forged").status_code == 401
    assert _post(node, body, content_type="application/json").status_code == 415
    assert _post(node, body).status_code == 200
    again = _post(node, body)
    assert again.status_code == 409 and again.json()["code"] == "huijiao_replayed"
    tampered = _post(node, body[:-200] + b"x" * 200)
    assert tampered.status_code == 400 and tampered.json()["message"].startswith("汇交包无效")


def test_send_records_a_refusal_when_nothing_answers(node, demo):
    package = package_export(region_code=REGION, kind="full")
    sent = package_send(package=package, upstream_url="http://127.0.0.1:9")
    assert sent.status == OutgoingStatus.FAILED and sent.attempts == 1
    assert sent.response_code == "network"
