"""地籍图 in a real browser: the demo county's parcels are drawn, a click opens a popup with a
link to the unit page, and the search box says so in Chinese when a code is unknown."""

import pytest

from bdcdj.demo.dataset import PASSWORD, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_registrar_sees_parcels_and_opens_a_unit_from_the_map(live_server, page):
    load_demo(size="small")
    page.set_default_timeout(60_000)  # a shared CI machine can be slow to serve the first pages
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "registrar")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.click("nav summary:has-text('登记簿')")
    page.click("nav >> text=地籍图")
    page.wait_for_selector("[data-testid=cadastre-map][data-state=ready][data-mode=features]")
    drawn = int(page.get_attribute("[data-testid=cadastre-map]", "data-drawn") or 0)
    assert drawn >= 4
    assert page.locator(".leaflet-overlay-pane canvas").count() == 1
    # click the middle of the first parcel polygon
    point = page.evaluate(
        """() => {
            const m = window.cadastreMap;
            let layer = null;
            m.parcels.eachLayer(l => { if (!layer) layer = l; });
            const p = m.map.latLngToContainerPoint(layer.getBounds().getCenter());
            return {x: p.x, y: p.y};
        }"""
    )
    box = page.locator("[data-testid=cadastre-map]").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    link = page.locator("[data-testid=popup-unit-link]")
    link.wait_for()
    assert "/units/" in (link.get_attribute("href") or "")
    page.fill("#map-q", "340121001001GB09999")
    page.click("#map-search button")
    alert = page.locator("#map-message")
    alert.wait_for(state="visible")
    assert "未找到宗地或不动产单元" in alert.inner_text()
    link.click()
    page.wait_for_selector("[data-testid=unit-code]")
