"""The statistics dashboard draws its ECharts charts in a real browser (CSP: scripts from self)."""

import pytest

from bdcdj.supervision.tests.conftest import _fast_passwords, clerk, districts, make_case, make_user  # noqa: F401
from bdcdj.supervision.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_leader_sees_the_dashboard_charts(live_server, page, make_user, make_case):  # noqa: F811
    make_user("leader1", "leader")
    make_case()
    make_case(business_type="mortgage_cancel")
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and "favicon" not in r.url else 0)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "leader1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.click("nav summary:has-text('统计与监督')")
    page.click("nav >> text=统计分析")
    page.locator("#stats-type-chart canvas").wait_for()
    assert page.locator("[data-testid=tile-received]").inner_text() == "2"
    assert page.locator("#stats-status-chart canvas").count() == 1
    assert not failed
