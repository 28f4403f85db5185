"""A bank submits a batch of mortgage applications over real HTTP with its API key; a supervisor
closes the bank's port on the console page (confirmation and reason); the API then answers 403
with the reason in Chinese."""

import base64
import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Dialog, expect

from bdcdj.accounts import pii
from bdcdj.accounts.models import AuditLog, Organisation, User
from bdcdj.accounts.services import organisation_create, user_create
from bdcdj.cases.models import Case
from bdcdj.cases.tests.helpers import BANK, MORTGAGE_DATA, PDF
from bdcdj.channel.services import api_key_issue, institution_register
from bdcdj.demo.dataset import PASSWORD, load_demo
from bdcdj.register.models import Unit
from bdcdj.register.selectors import unit_state

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _titled_units(count: int) -> list[tuple[str, list[dict[str, str]]]]:
    """Units with a title and no restriction, with their holders as mortgagors."""
    registrar = User.objects.get(username="registrar")
    found = []
    for unit in Unit.objects.filter(region_code="340121", kind="house").order_by("code"):
        state = unit_state(user=registrar, code=unit.code)
        if state.title is None or state.is_seized or state.has_objection or state.mortgages:
            continue
        holders = [
            {
                "name": pii.decrypt_text(p.name_enc),
                "id_type": p.id_type,
                "id_number": pii.decrypt_text(p.id_number_enc),
                "party_type": p.party_type,
            }
            for p in state.title.parties.all()
            if p.role == "holder"
        ]
        found.append((unit.code, holders))
        if len(found) == count:
            return found
    raise AssertionError("演示数据中没有足够的可抵押单元")


def _call(url: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url,
        data=data,
        headers={"X-Api-Key": token, "Content-Type": "application/json"},
        method="POST" if data else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_bank_batch_then_supervisor_closes_the_port(live_server, browser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BDCDJ_CERTS_DIR = tmp_path / "certs"
    load_demo(size="small")
    organisation = organisation_create(
        code="E2E-BANK", name=BANK.name, kind=Organisation.Kind.BANK, region_code="340121"
    )
    institution = institution_register(organisation=organisation, credit_code=BANK.id_number)
    token = api_key_issue(institution=institution, name="e2e").token
    user_create(
        username="supervisor",
        password=PASSWORD,
        display_name="通道监管员",
        organisation=None,
        roles=["channel_supervisor"],
        region_codes=["340121"],
    )
    pdf = base64.b64encode(PDF).decode()
    units = _titled_units(2)
    items = [
        {
            "idempotency_key": f"e2e-{n}",
            "unit_codes": [code],
            "mortgagors": holders,
            "data": dict(MORTGAGE_DATA),
            "materials": [
                {"checklist_code": c, "content_base64": pdf}
                for c in ("application", "identity", "certificate", "mortgage_contract")
            ],
        }
        for n, (code, holders) in enumerate(units)
    ]
    items.append({**items[0], "idempotency_key": "e2e-bad", "unit_codes": ["340121001001GB99999F00019999"]})
    api = f"{live_server.url}/api/channel/v1"
    status, body = _call(f"{api}/mortgages", token, {"items": items})
    assert status == 200, body
    assert (body["created"], body["invalid"]) == (2, 1)
    assert Case.objects.filter(created_by=institution.service_user).count() == 2

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    questions: list[str] = []

    def answer(dialog: Dialog, *, accept: bool) -> None:
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.on("dialog", lambda dialog: answer(dialog, accept=len(questions) > 0))  # no, then yes
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "supervisor")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("nav")).to_contain_text("机构通道")
    page.goto(f"{live_server.url}/channel/institutions/")
    page.get_by_test_id("institution-link").filter(has_text=BANK.name).click()
    expect(page.get_by_test_id("port-status")).to_have_text("开放")
    page.get_by_test_id("port-reason").fill("贷款资料抽查不合格，暂停接口")
    page.get_by_test_id("port-submit").click()  # the plain form asks first; "no" keeps the port open
    expect(page.get_by_test_id("port-status")).to_have_text("开放")
    page.get_by_test_id("port-submit").click()
    expect(page.get_by_test_id("port-status")).to_have_text("关闭")
    assert questions == ["确定关闭该机构的接口吗？关闭后该机构的所有调用都将被拒绝。"] * 2
    context.close()

    status, body = _call(f"{api}/items", token)
    assert status == 403
    assert body["code"] == "channel_closed"
    assert "机构通道接口已被关闭：贷款资料抽查不合格，暂停接口" in body["message"]
    assert AuditLog.objects.filter(action="channel.port_close", actor__username="supervisor").exists()
