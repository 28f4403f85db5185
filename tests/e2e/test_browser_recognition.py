"""A reviewer opens a case whose mortgage contract states another amount than the application,
runs 智能审核 from the case page, sees the mismatch, and takes the drafted opinion into the
review form (htmx, under the page's CSP)."""

import random
import re

import pytest
from playwright.sync_api import expect

from bdcdj.accounts.services import tenant_ensure, user_create
from bdcdj.cases.services import workflow_ensure_defaults
from bdcdj.cases.tests.helpers import PASSWORD, REGION, Staff
from bdcdj.recognition.tests.test_review import _mortgage_case

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _user(name: str, role: str):
    return user_create(
        username=name,
        password=PASSWORD,
        display_name="测试人员",
        organisation=None,
        roles=[role],
        region_codes=[REGION],
    )


def test_reviewer_runs_intelligent_review_and_takes_its_opinion(live_server, browser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    tenant_ensure(region_code=REGION, name="长丰县", province_abbr="皖", parent_code="340100")
    workflow_ensure_defaults(region_code=REGION)
    staff = Staff(
        clerk=_user("r-clerk", "clerk"),
        reviewer=_user("r-reviewer", "reviewer"),
        registrar=_user("r-registrar", "registrar"),
    )
    case, _ = _mortgage_case(staff, random.Random(3), amount="95.0000")

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "r-reviewer")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_test_id("recognition-empty")).to_be_visible()
    page.get_by_test_id("recognition-run").click()
    mismatch = page.locator("[data-testid=finding][data-status=mismatch]")
    expect(mismatch).to_have_count(1)
    expect(mismatch).to_contain_text("被担保主债权数额")
    page.get_by_test_id("recognition-fill").click()
    expect(page.locator("#opinion-text")).to_have_value(re.compile("^智能审核：1 项不一致"))
    context.close()
