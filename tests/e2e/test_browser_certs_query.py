"""Browser: the public query by unit code and by 坐落, a 无房证明 issued at the window and
verified on /verify/, and a certificate verified through its QR link."""

import re

import pytest

from bdcdj.cases.tests import helpers as h
from bdcdj.demo.dataset import PASSWORD, load_demo
from bdcdj.register.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _certs_dir(settings, tmp_path):
    settings.BDCDJ_CERTS_DIR = tmp_path / "certs"
    settings.MEDIA_ROOT = tmp_path / "media"


def _login(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def test_public_query_by_unit_code_and_by_location(live_server, page):
    load_demo(size="small")
    unit = Unit.objects.filter(kind="house").order_by("code").first()
    assert unit is not None
    page.goto(f"{live_server.url}/query/")
    page.select_option("#by", "unit")
    page.fill("#q", unit.code)
    page.click("button:has-text('查询')")
    page.locator("#results").wait_for()
    row = page.locator("tr.unit-row")
    assert row.count() == 1 and unit.location in row.inner_text()
    page.select_option("#by", "location")
    page.fill("#q", "双凤苑")
    page.click("button:has-text('查询')")
    page.locator("#results").wait_for()
    assert page.locator("tr.unit-row").count() >= 2
    assert "共" in page.locator("#results").inner_text()


def test_no_house_proof_issued_at_the_window_then_verified(live_server, page):
    load_demo(size="small")
    _login(page, live_server.url, "clerk")
    page.click("nav summary:has-text('共享与查询')")
    page.click("nav >> text=出具查询证明")
    page.fill("input[name=name]", h.HEIR.name)
    page.fill("input[name=id_number]", h.HEIR.id_number)
    page.check("input[name=id_checked]")
    page.click("button:has-text('出具')")
    number = page.locator("#issued-number").inner_text()
    code = page.locator("#issued-code").inner_text()
    page.goto(f"{live_server.url}/verify/")
    page.fill("input[name=number]", number)
    page.fill("input[name=code]", code)
    page.click("button:has-text('核验')")
    status = page.locator("[data-status]")
    assert status.get_attribute("data-status") == "valid" and "无房证明" in page.content()
    assert h.HEIR.name not in page.content()


def test_certificate_verified_by_its_qr_link(live_server, page):
    from bdcdj.accounts.models import User
    from bdcdj.certs.tests.helpers import code_of, sale, version_of

    load_demo(size="small")
    staff = h.Staff(*(User.objects.get(username=n) for n in ("clerk", "reviewer", "registrar")))
    version = version_of(sale(staff).certificates.get())
    from bdcdj.certs.content import verify_link

    link = verify_link(version.number, code_of(version))
    assert re.match(r"^/verify/.+\?code=", link)
    page.goto(f"{live_server.url}{link}")
    assert page.locator("[data-status]").get_attribute("data-status") == "valid"
    assert version.number in page.content() and "李*" in page.content()
