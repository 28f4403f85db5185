import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_login_page_rejects_wrong_password_and_admits_staff(live_server, page, django_user_model):
    django_user_model.objects.create_user(
        username="clerk1", password="Str0ng!Passw0rd", display_name="演示受理员"
    )
    page.goto(f"{live_server.url}/login/")
    assert "工作人员登录" in page.content()
    page.fill("input[name=username]", "clerk1")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").is_visible()

    page.fill("input[name=username]", "clerk1")
    page.fill("input[name=password]", "Str0ng!Passw0rd")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "演示受理员" in page.content()
