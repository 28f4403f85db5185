"""The "智能审核结果" panel on the case page, the drafted opinion in the review form, the API,
tenant isolation, bad uploads answered 400 in Chinese, and the workflow editor keeping `auto`."""

import io

import pytest
from django.test import Client
from PIL import Image

from bdcdj.cases.forms.workflow import WorkflowForm
from bdcdj.cases.tests import helpers as h
from bdcdj.cases.workflows import default_definition
from bdcdj.recognition.services import review_run
from bdcdj.recognition.tests.test_review import _mortgage_case

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_case_page_loads_the_panel_and_prefills_the_opinion(staff, rng):
    case, _ = _mortgage_case(staff, rng, amount="95.0000")
    reviewer = _client(staff.reviewer)
    page = reviewer.get(f"/cases/{case.pk}/")
    assert page.status_code == 200 and f"/recognition/cases/{case.pk}/" in page.content.decode()
    panel = reviewer.get(f"/recognition/cases/{case.pk}/").content.decode()
    assert "智能审核结果" in panel and "尚未进行智能审核" in panel
    ran = reviewer.post(f"/recognition/cases/{case.pk}/run", HTTP_HX_REQUEST="true")
    body = ran.content.decode()
    assert ran.status_code == 200 and 'data-status="mismatch"' in body and "被担保主债权数额" in body
    assert h.SELLER.id_number not in body and h.SELLER.name not in body
    filled = reviewer.get(f"/recognition/cases/{case.pk}/opinion", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="opinion-text"' in filled and "【不一致】" in filled
    page = reviewer.get(f"/cases/{case.pk}/").content.decode()
    assert "智能审核：1 项不一致" in page  # the review form's opinion box is pre-filled


def test_another_district_sees_neither_panel_nor_results(staff, rng, outsider):
    case, _ = _mortgage_case(staff, rng)
    review_run(case=case, by=staff.reviewer)
    other = _client(outsider)
    assert other.get(f"/recognition/cases/{case.pk}/").status_code == 404
    assert other.post(f"/recognition/cases/{case.pk}/run").status_code == 404
    assert other.get(f"/api/recognition/v1/cases/{case.pk}").status_code == 404


def test_the_api_runs_and_reads_a_case_review(staff, rng):
    case, _ = _mortgage_case(staff, rng)
    client = _client(staff.reviewer)
    assert client.get(f"/api/recognition/v1/cases/{case.pk}").status_code == 204
    ran = client.post(f"/api/recognition/v1/cases/{case.pk}/run").json()
    assert ran["consistent"] is True and ran["mismatches"] == 0 and ran["findings"]
    assert client.get(f"/api/recognition/v1/cases/{case.pk}").json()["id"] == ran["id"]


def _upload(client: Client, content: bytes, name: str = "a.pdf", **data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post("/api/recognition/v1/extract", {"file": upload, **data})


def test_extract_answers_bad_files_with_400_in_chinese(staff, rng):
    client = _client(staff.reviewer)
    big = io.BytesIO()
    Image.new("1", (9000, 6000), 1).save(big, "PNG")
    cases = [
        (b"%PDF-1.7\n1 0 obj <</Type /Catalog /Pages 9 0 R>> endobj\nxref\ngarbage", "PDF"),
        (big.getvalue(), "图片过大"),
        (b"PK\x03\x04 a zip file", "不支持的文件类型"),
    ]
    for content, message in cases:
        response = _upload(client, content)
        assert response.status_code == 400, response.content
        assert response.json()["code"] == "unreadable" and message in response.json()["message"]
    assert _upload(client, b"%PDF-1.4", kind="passport").status_code == 400
    from bdcdj.recognition.tests.conftest import pdf_of

    good = _upload(client, pdf_of("id_card", rng, name=h.BUYER.name, id_number=h.BUYER.id_number)).json()
    assert (
        good["kind"] == "id_card"
        and good["fields"]["id_number"]["value"] == "3401**********" + h.BUYER.id_number[-4:]
    )


def test_a_clerk_without_review_rights_cannot_use_extract(make_user):
    inquirer = make_user("q1", roles=("inquirer",))
    assert _upload(_client(inquirer), b"%PDF-1.4").status_code == 403


def test_the_workflow_editor_keeps_the_auto_flag_on_republish():
    definition = default_definition("mortgage_cancel")
    definition["steps"] = [{**s, "auto": True} if s["kind"] == "review" else s for s in definition["steps"]]
    again = WorkflowForm.from_definition(definition).definition()
    assert [s.get("auto", False) for s in again["steps"]] == [
        s["kind"] == "review" for s in definition["steps"]
    ]
    from django.http import QueryDict

    post = QueryDict(mutable=True)
    post.update(
        {
            "step-0-code": "accept",
            "step-0-kind": "accept",
            "step-1-code": "review",
            "step-1-kind": "review",
            "step-1-auto": "on",
            "time_limit_workdays": "1",
        }
    )
    steps = WorkflowForm.from_post(post).definition()["steps"]
    assert steps[1]["auto"] is True and "auto" not in steps[0]
