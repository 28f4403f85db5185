"""流程配置 pages: the list of business types with their versions, the structured editor with
its server-drawn SVG diagram and live preview, validation messages by field, publishing a new
version (running cases keep theirs) and the history with what changed."""

import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from bdcdj.cases.models import WorkflowDefinition
from bdcdj.cases.tests import helpers as h
from bdcdj.cases.views.diagram import workflow_svg
from bdcdj.cases.views.versions import definition_changes
from bdcdj.cases.workflows import default_definition

pytestmark = pytest.mark.django_db
EDIT = f"/cases/workflows/{h.REGION}/mortgage_first/"


@pytest.fixture
def login():
    def make(user) -> Client:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        return client

    return make


def _form(**changes) -> dict[str, object]:
    """The editor's fields for the default 抵押权首次登记 definition."""
    definition = default_definition("mortgage_first")
    data: dict[str, object] = {"time_limit_workdays": str(definition["time_limit_workdays"]), "note": ""}
    for i, step in enumerate(definition["steps"]):
        for key in ("code", "name", "kind", "role"):
            data[f"step-{i}-{key}"] = step[key]
        data[f"step-{i}-actions"] = step["actions"]
        data[f"step-{i}-templates"] = "\n".join(definition["opinion_templates"].get(step["code"], []))
    for i, material in enumerate(definition["materials"]):
        for key in ("code", "name", "form", "pages"):
            data[f"material-{i}-{key}"] = str(material[key])
        if material["required"]:
            data[f"material-{i}-required"] = "on"
    for i, fee in enumerate(definition["fees"]):
        for key in ("code", "name", "mode", "amount", "free_quantity"):
            data[f"fee-{i}-{key}"] = str(fee[key])
        data[f"fee-{i}-waivable"] = "on"
    data.update(changes)
    return data


def test_list_shows_every_business_type_with_its_version_search_and_export(staff, login):
    client = login(staff.clerk)
    html = client.get("/cases/workflows/").content.decode()
    assert 'data-testid="workflow-row-mortgage_first"' in html and "第 1 版" in html
    assert "共 1 / 1 页" not in html and "下一页" not in html  # 25 types fit on one page
    searched = client.get("/cases/workflows/?q=抵押").content.decode()
    assert "mortgage_first" in searched and "house_first" not in searched
    export = client.get("/cases/workflows/export.xlsx?q=抵押")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][1] == "业务代码" and {r[1] for r in rows[1:]} == {
        "mortgage_first",
        "mortgage_change",
        "mortgage_transfer",
        "mortgage_cancel",
        "advance_notice_mortgage",
        "notice_to_mortgage",
    }
    assert "没有符合条件的业务类型" in client.get("/cases/workflows/?q=不存在的业务").content.decode()


def test_workflow_pages_need_the_workflows_page(make_user, login):
    auditor = make_user("auditor1", roles=("auditor",))
    assert login(auditor).get("/cases/workflows/").status_code == 403


def test_editor_shows_the_definition_and_its_diagram(staff, login):
    html = login(staff.clerk).get(EDIT).content.decode()
    assert (
        'name="step-1-code" value="review"' in html
        and 'name="material-4-code" value="mortgage_contract"' in html
    )
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert svg.count("<g data-step=") == 6
    for label in ("同意", "回退", "退件", "转件", "不予受理", "登簿人员"):
        assert label in svg
    assert "您只有查看权限" in html and 'data-testid="wf-publish"' not in html


def test_preview_redraws_the_diagram_and_reports_problems(staff, login):
    client = login(staff.clerk)
    renamed = client.post(f"{EDIT}preview/", _form(**{"step-1-name": "初审"}), HTTP_HX_REQUEST="true")
    html = renamed.content.decode()
    assert renamed.status_code == 200 and "初审" in html and 'data-testid="preview-ok"' in html
    broken = client.post(f"{EDIT}preview/", _form(**{"step-2-actions": ["3"]})).content.decode()
    assert "当前定义有 1 处问题" in broken and "登簿环节须允许“同意”" in broken


def test_editing_steps_adds_a_review_level_before_registration(staff, login):
    html = login(staff.clerk).post(EDIT, _form(op="add_step"), HTTP_HX_REQUEST="true").content.decode()
    assert 'name="step-2-kind" hx-post' in html and re.search(r'name="step-3-code" value="register"', html)
    removed = login(staff.clerk).post(EDIT, _form(op="remove_step:1")).content.decode()
    assert 'name="step-1-code" value="register"' in removed and 'code" value="review"' not in removed


def test_validation_errors_are_shown_next_to_the_field(staff, admin_user, login):
    client = login(admin_user)
    response = client.post(EDIT, _form(op="publish", **{"step-1-role": "ghost", "fee-0-amount": "-1"}))
    html = response.content.decode()
    assert (
        response.status_code == 400
        and WorkflowDefinition.objects.filter(business_type="mortgage_first").count() == 1
    )
    step = html[html.index('data-testid="wf-step-1"') : html.index('data-testid="wf-step-2"')]
    assert "角色不存在：ghost" in step
    assert "收费金额应为不小于 0 的数字" in html
    checked = client.post(EDIT, _form(op="validate")).content.decode()
    assert 'data-testid="validate-ok"' in checked


def test_publishing_needs_write_access(staff, login):
    response = login(staff.reviewer).post(EDIT, _form(op="publish"))
    assert response.status_code == 403 and "没有发布业务流程配置的权限" in response.content.decode()


def test_publishing_creates_a_version_and_running_cases_keep_theirs(staff, admin_user, login):
    [(unit, _)] = h.titled_house(staff.registrar)
    parties = [h.BANK.party("mortgagee"), h.SELLER.party("mortgagor")]
    running = h.new_case(staff, "mortgage_first", [unit.code], parties, h.MORTGAGE_DATA)
    client = login(admin_user)
    form = _form(
        op="publish",
        note="时限改为3日，增加自定义字段",
        time_limit_workdays="3",
        **{"field-0-code": "loan_bank", "field-0-label": "贷款银行", "field-0-type": "string"},
    )
    html = client.get(EDIT).content.decode()
    assert re.search(r'data-testid="wf-publish"[^>]*hx-confirm="发布后', html)
    response = client.post(EDIT, form, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"].endswith("/history/")
    current = WorkflowDefinition.objects.get(business_type="mortgage_first", is_active=True)
    assert (
        current.version == 2
        and current.time_limit_workdays == 3
        and current.custom_fields[0]["code"] == "loan_bank"
    )
    history = client.get(f"{EDIT}history/").content.decode()
    latest = history[history.index('data-testid="version-2"') : history.index('data-testid="version-1"')]
    assert "办理时限" in latest and "5 → 3 个工作日" in latest and "新增 loan_bank（贷款银行）" in latest
    assert "时限改为3日" in latest and "初始版本" in history
    page = client.get(f"/cases/{running.pk}/").content.decode()
    assert "第 1 版" in page and "已有新版本" in page
    older = client.get(f"{EDIT}?from=1").content.decode()
    assert 'name="time_limit_workdays" value="5"' in older


def test_diagram_draws_skips_returns_and_is_safe_with_any_input():
    steps = [
        {"code": "accept", "name": "受理", "kind": "accept", "role": "clerk", "next": "register"},
        {
            "code": "review",
            "name": "<b>审核</b>",
            "kind": "review",
            "role": "reviewer",
            "actions": ["1", "2"],
        },
        {
            "code": "register",
            "name": "登簿",
            "kind": "register",
            "role": "registrar",
            "actions": ["1", "2"],
            "back_to": "review",
        },
    ]
    svg = str(workflow_svg(steps, roles={"clerk": "受理人员"}, current="review"))
    assert "受理（跳过）" in svg and svg.count("回退") == 2 and "&lt;b&gt;审核&lt;/b&gt;" in svg
    assert 'data-current="1"' in svg and "受理人员" in svg
    assert "尚无环节" in str(workflow_svg("not a list"))
    assert "<svg" in str(workflow_svg([{"code": 1}, None, "x", {"kind": "review", "actions": "2"}]))


def test_changes_between_versions_are_described():
    old = default_definition("mortgage_first")
    new = {**old, "fees": [], "opinion_templates": {}}
    changes = {c["part"]: c["notes"] for c in definition_changes(old, new)}
    assert changes["fees"] == ["删除 registration（不动产登记费（住宅））"]
    assert set(changes) == {"fees", "opinion_templates"}


@pytest.mark.parametrize(
    "op", ["remove_step:²", "up_step:0", "down_step:99", "add_nothing", "remove_fee:" + "9" * 50]
)
def test_odd_editor_steps_change_nothing(staff, login, op):
    response = login(staff.clerk).post(EDIT, _form(op=op))
    assert response.status_code == 200 and 'name="step-5-code" value="archive"' in response.content.decode()
