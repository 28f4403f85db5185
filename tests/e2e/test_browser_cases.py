"""A 转移 + 抵押 一并申请 from intake to certificate in a real browser: the clerk receives it
through the unit picker, uploads the materials and accepts both members, the reviewer
approves both, the registrar registers them together, the clerk (the workflow's role for
缮证 and 发证) certifies and issues; the certificate PDF downloads and the unit page shows the
new owner and the mortgage."""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from reportlab.pdfgen import canvas

from bdcdj.accounts import pii
from bdcdj.accounts.models import User
from bdcdj.cases.models import Case, CaseGroup
from bdcdj.cases.tests.helpers import BANK, BUYER
from bdcdj.demo.dataset import PASSWORD, load_demo
from bdcdj.register.models import Unit
from bdcdj.register.selectors import unit_state

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _scan() -> bytes:
    """A small, valid one-page PDF, like a scanned material."""
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=(200, 100))
    sheet.drawString(20, 50, "scan")
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def _free_unit():
    """A house the developer still holds (unsold), with nothing registered on it but the title."""
    registrar = User.objects.get(username="registrar")
    for unit in Unit.objects.filter(region_code="340121", kind="house").order_by("code"):
        state = unit_state(user=registrar, code=unit.code)
        title = state.title
        clean = not (state.mortgages or state.is_seized or state.has_objection or state.has_advance_notice)
        if title is not None and clean and title.detail.land_use_start is not None:
            [holder] = [p for p in title.parties.all() if p.role == "holder"]
            return unit, pii.decrypt_text(holder.name_enc), pii.decrypt_text(holder.id_number_enc)
    raise AssertionError("演示数据中没有可办理转移的单元")


def _login(browser, base_url: str, username: str) -> Page:
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # hx-confirm of 登簿 and other destructive actions
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")
    return page


def _act(page: Page, selector: str) -> None:
    """Click a button whose success reloads the case page (HX-Redirect)."""
    with page.expect_navigation():
        page.click(selector)


def _open(page: Page, base_url: str, case: Case) -> None:
    page.goto(f"{base_url}/cases/{case.pk}/")
    expect(page.get_by_test_id("case-number")).to_have_text(case.number)


def _receive_and_accept(page: Page, base_url: str, case: Case, scan: bytes) -> None:
    _open(page, base_url, case)
    for entry in case.workflow.materials:
        if not entry["required"]:
            continue
        form = page.get_by_test_id(f"upload-{entry['code']}")
        form.locator("input[type=file]").set_input_files(
            files=[{"name": f"{entry['code']}.pdf", "mimeType": "application/pdf", "buffer": scan}]
        )
        _act(page, f"[data-testid=upload-{entry['code']}] button[type=submit]")
        expect(page.get_by_test_id(f"checklist-{entry['code']}").locator(".badge.current")).to_have_text(
            "1 份"
        )
    expect(page.get_by_test_id("missing-materials")).to_have_count(0)
    _act(page, "[data-testid=action-accept]")
    expect(page.get_by_test_id("case-stage")).to_have_text("已受理")


def test_clerk_reviewer_and_registrar_take_a_transfer_with_mortgage_to_the_certificate(live_server, browser):
    load_demo(size="small")
    unit, developer_name, developer_id = _free_unit()
    base, scan = live_server.url, _scan()

    # 收件: the clerk picks the unit from the register and fills both members.
    clerk = _login(browser, base, "clerk")
    clerk.click("nav summary:has-text('登记业务')")
    clerk.click("nav >> text=业务办理")
    clerk.click("text=一并申请收件")
    clerk.get_by_test_id("unit-search").fill(unit.location)
    clerk.get_by_test_id(f"pick-{unit.code}").click()
    expect(clerk.locator(f".chip[data-code='{unit.code}']")).to_be_visible()
    clerk.fill("input[name=group_name]", "一手房购房并抵押")
    clerk.fill("input[name=m0-data-price]", "168.5")
    clerk.fill("input[name=m0-party-0-name]", BUYER.name)
    clerk.fill("input[name=m0-party-0-id_number]", BUYER.id_number)
    clerk.select_option("select[name=m0-party-1-party_type]", "2")
    clerk.select_option("select[name=m0-party-1-id_type]", "8")
    clerk.fill("input[name=m0-party-1-name]", developer_name)
    clerk.fill("input[name=m0-party-1-id_number]", developer_id)
    clerk.get_by_test_id("copy-holders-1").click()
    expect(clerk.locator("input[name=m1-party-1-name]")).to_have_value(BUYER.name)
    clerk.fill("input[name=m1-party-0-name]", BANK.name)
    clerk.fill("input[name=m1-party-0-id_number]", BANK.id_number)
    clerk.select_option("select[name=m1-data-method]", "1")
    clerk.fill("input[name=m1-data-secured_amount]", "100")
    clerk.fill("textarea[name=m1-data-guarantee_scope]", "主债权及利息、违约金、损害赔偿金和实现抵押权的费用")
    clerk.select_option("select[name=m1-data-transfer_restricted]", "false")
    clerk.fill("input[name=m1-data-debt_start]", "2026-01-01")
    clerk.fill("input[name=m1-data-debt_end]", "2046-01-01")
    with clerk.expect_navigation(url=re.compile(r"/cases/\d+/$")):
        clerk.get_by_test_id("intake-submit").click()
    sale, loan = CaseGroup.objects.get().cases.order_by("group_order")
    assert (sale.business_type, loan.business_type) == ("house_transfer_sale", "mortgage_first")
    expect(clerk.get_by_test_id("case-number")).to_have_text(sale.number)

    # 收取材料 and 受理, member by member.
    _receive_and_accept(clerk, base, sale, scan)
    clerk.get_by_test_id("group-member").click()
    expect(clerk.get_by_test_id("case-number")).to_have_text(loan.number)
    _receive_and_accept(clerk, base, loan, scan)

    # 审核: the reviewer approves both from the review queue.
    reviewer = _login(browser, base, "reviewer")
    reviewer.click("nav summary:has-text('登记业务')")
    reviewer.click("nav >> text=业务办理")
    for case in (sale, loan):
        reviewer.click(f"text={case.number}")
        expect(reviewer.get_by_test_id("case-number")).to_have_text(case.number)
        _act(reviewer, "[data-testid=review-1]")
        expect(reviewer.get_by_test_id("case-stage")).to_have_text("登簿")
        reviewer.click("text=返回工作台")

    # 登簿: one registration writes both members, in order.
    registrar = _login(browser, base, "registrar")
    _open(registrar, base, sale)
    _act(registrar, "[data-testid=action-register]")
    expect(registrar.get_by_test_id("case-stage")).to_have_text("缮证")
    _open(registrar, base, loan)
    expect(registrar.get_by_test_id("case-stage")).to_have_text("缮证")
    expect(registrar.get_by_test_id("no-actions")).to_be_visible()  # 缮证 is the clerk's step

    # 缮证 and 发证 (the clerk's steps in the default workflow).
    for case in (sale, loan):
        _open(clerk, base, case)
        _act(clerk, "[data-testid=action-certify]")
        expect(clerk.get_by_test_id("case-stage")).to_have_text("发证")
        clerk.fill("input[name=receiver_name]", BUYER.name)
        clerk.select_option("select[name=receiver_id_type]", "1")
        clerk.fill("input[name=receiver_id_number]", BUYER.id_number)
        clerk.check("input[name=id_checked]")
        _act(clerk, "[data-testid=action-issue]")
        expect(clerk.get_by_test_id("case-stage")).to_have_text("待归档")

    _open(clerk, base, sale)
    expect(clerk.get_by_test_id("certificate-number")).to_contain_text("不动产权第")
    with clerk.expect_download() as download:
        clerk.get_by_test_id("certificate-download").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    # The register now shows the buyer as owner and the bank's mortgage.
    registrar.goto(f"{base}/units/{unit.code}/")
    expect(registrar.get_by_test_id("unit-code")).to_have_text(unit.code)
    expect(registrar.locator(".badge.mortgaged")).to_contain_text("已抵押")
    title = registrar.locator(".card.right[data-kind='house_ownership']")
    expect(title.locator("tbody tr", has_text="权利人")).to_contain_text(BUYER.name)
    expect(title.locator("tbody tr", has_text="义务人")).to_contain_text(developer_name)
    expect(title).to_contain_text(sale.number)
    mortgage = registrar.locator(".card.right[data-kind='mortgage']")
    expect(mortgage).to_contain_text(BANK.name)
    expect(mortgage).to_contain_text(loan.number)
