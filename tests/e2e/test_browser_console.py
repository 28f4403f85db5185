import pytest

from bdcdj.demo.dataset import PASSWORD, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _login(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def test_inquirer_finds_a_unit_by_location_and_sees_masked_owners(live_server, page):
    load_demo(size="small")
    _login(page, live_server.url, "inquirer")
    page.click("nav summary:has-text('登记簿')")
    page.click("nav >> text=单元查询")
    page.fill("form:has(input[value=location]) input[name=q]", "双凤苑")
    page.click("form:has(input[value=location]) button")
    page.locator("#results table").wait_for()
    page.locator("#results tbody a").first.click()
    page.wait_for_selector("[data-testid=unit-code]")
    assert "自然状况" in page.content()
    names = page.locator("[data-testid=party-name]").all_inner_texts()
    assert names and all("*" in name or len(name) > 6 for name in names)


def test_reviewer_runs_the_chain_check(live_server, page):
    load_demo(size="small")
    _login(page, live_server.url, "reviewer")
    page.click("nav summary:has-text('登记簿')")
    page.click("nav >> text=事件链校验")
    page.click("text=开始校验")
    assert page.locator("[data-testid=chain-ok]").inner_text() == "链校验通过"


def test_user_of_another_district_is_told_the_unit_does_not_exist(live_server, page):
    load_demo(size="small")
    from bdcdj.register.models import Unit

    code = Unit.objects.filter(kind="house").values_list("code", flat=True).first()
    _login(page, live_server.url, "other")
    response = page.goto(f"{live_server.url}/units/{code}/")
    assert response is not None and response.status == 404
    assert page.locator("[role=alert]").is_visible()
