"""楼盘表 in Chromium: the grid paints, a cell opens its unit, the 3D view draws on a WebGL canvas."""

import pytest

from bdcdj.demo.dataset import PASSWORD, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_building_table_grid_opens_units_and_the_3d_view_draws(live_server, page):
    load_demo(size="small")
    from bdcdj.register.models import Building

    building = Building.objects.get()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "clerk")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.click("nav summary:has-text('登记簿')")
    page.click("nav >> text=楼盘表")
    page.click(f"a:has-text('{building.code}')")
    page.wait_for_selector("#building-grid[data-rendered='1']")
    cells = page.locator("#building-grid a.hh")
    assert cells.count() == building.units.count()
    page.click(".legend-item[data-status='registered']")
    assert page.locator("#building-grid a.hh.match").count() >= 1

    code = cells.first.get_attribute("href").strip("/").split("/")[-1]
    cells.first.click()
    page.wait_for_selector("[data-testid=unit-code]")
    assert page.locator("[data-testid=unit-code]").inner_text() == code

    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.click("[data-testid=building-table-link]")
    page.click("text=三维视图")
    page.wait_for_selector("#building-3d[data-rendered='1']", timeout=20_000)
    assert not errors, errors
    assert page.locator("#building-3d canvas").count() >= 1
