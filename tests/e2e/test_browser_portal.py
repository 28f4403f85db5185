"""The citizen portal in a real browser: register with an SMS code read from the development
outbox, real-name verification answered by the department simulator, booking and cancelling
an appointment, logging in again, an online 转移 application with uploads; staff then take the
case through the case services (受理/审核/登簿/缮证/发证) and the citizen follows the progress
and downloads the certificate PDF from the portal."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bdcdj.accounts.models import User
from bdcdj.cases.models import Case
from bdcdj.demo.dataset import load_demo
from bdcdj.portal.models import SmsCode
from bdcdj.portal.services import office_ensure
from bdcdj.portal.tests.conftest import last_code
from bdcdj.portal.tests.helpers import BUYER, Staff, owned_house, scan, staff_finish
from bdcdj.sharing.services import sharing_setup
from bdcdj.sharing.simulator.population import demo_population
from bdcdj.sharing.tests.conftest import simulator  # noqa: F401  (the department simulator subprocess)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = "13955550001"
REGION = "340121"


def _code_sent(page: Page) -> str:
    with page.expect_navigation():
        page.get_by_test_id("send-code").click()
    expect(page.get_by_test_id("code-sent")).to_be_visible()
    return last_code(PHONE)


def test_citizen_registers_books_applies_and_downloads_the_certificate(live_server, browser, simulator):  # noqa: F811
    load_demo(size="small")
    sharing_setup(base_url=simulator.url, repoint=True)
    simulator.control("reset", {})
    office_ensure(region_code=REGION, name="长丰县不动产登记中心办事大厅", windows=2, per_window=1)
    staff = Staff(*(User.objects.get(username=name) for name in ("clerk", "reviewer", "registrar")))
    people = demo_population().people
    id_number = sorted(people)[30]
    name = people[id_number]
    owner = owned_house(staff.registrar, name=name, id_number=id_number)
    base = live_server.url

    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, accept_downloads=True
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())

    # 注册 with the code from the 短信发件箱, then 实名核验 (the simulated 公安 answers).
    page.goto(f"{base}/portal/d/{REGION}/")
    expect(page.get_by_test_id("district-name")).to_have_text("长丰县")
    page.goto(f"{base}/portal/register/")
    page.fill("input[name=phone]", PHONE)
    code = _code_sent(page)
    page.fill("input[name=code]", code)
    with page.expect_navigation(url=re.compile(r"/portal/me/$")):
        page.get_by_test_id("submit").click()
    page.fill("input[name=name]", name)
    page.fill("input[name=id_number]", id_number)
    with page.expect_navigation():
        page.get_by_test_id("verify-submit").click()
    expect(page.get_by_test_id("verified")).to_contain_text("已通过")

    # 预约 a slot, then cancel it.
    page.goto(f"{base}/portal/d/{REGION}/book/")
    page.locator("input[name=slot]:not([disabled])").first.check()
    with page.expect_navigation(url=re.compile(r"/portal/appointments/$")):
        page.get_by_test_id("book-submit").click()
    row = page.locator("[data-testid=appointments] tbody tr").first
    expect(row.locator(".status")).to_have_text("已预约")
    with page.expect_navigation():
        row.locator("button", has_text="取消").click()
    expect(page.locator("[data-testid=appointments] tbody tr").first.locator(".status")).to_have_text(
        "已取消"
    )

    # 退出 and 登录 again with a fresh code.
    with page.expect_navigation():
        page.locator("nav button", has_text="退出").click()
    SmsCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))  # past the per-minute limit
    page.goto(f"{base}/portal/login/")
    page.fill("input[name=phone]", PHONE)
    page.fill("input[name=code]", _code_sent(page))
    with page.expect_navigation(url=re.compile(r"/portal/cases/$")):
        page.get_by_test_id("submit").click()

    # 网上申请: 转移（买卖） of the house the register shows in the citizen's name.
    page.goto(f"{base}/portal/d/{REGION}/apply/")
    page.get_by_test_id("apply-house_transfer_sale").click()
    page.select_option("select[name=role]", "obligor")
    page.get_by_test_id(f"own-{owner.unit_code}").check()
    page.fill("input[name=data-price]", "126.5")
    page.select_option("select[name=other-0-role]", "holder")
    page.fill("input[name=other-0-name]", BUYER["name"])
    page.fill("input[name=other-0-id_number]", BUYER["id_number"])
    for code_ in ("identity", "certificate", "sale_contract", "tax"):
        page.set_input_files(
            f"input[name=file-{code_}]",
            files=[{"name": f"{code_}.pdf", "mimeType": "application/pdf", "buffer": scan(code_)}],
        )
    with page.expect_navigation(url=re.compile(r"/portal/cases/\d+/$")):
        page.get_by_test_id("apply-submit").click()
    case = Case.objects.get(portal_application__citizen__phone_masked="139****0001")
    expect(page.get_by_test_id("case-number")).to_have_text(case.number)
    expect(page.get_by_test_id("signature")).to_contain_text("已验证")
    expect(page.get_by_test_id("case-status")).to_have_text("已提交，待受理")

    # The staff take the case to the certificate through the case services.
    staff_finish(case, staff)

    page.reload()
    expect(page.get_by_test_id("case-status")).to_have_text("已办结")
    timeline = page.get_by_test_id("timeline")
    for label in ("收件", "受理", "登簿", "缮证", "发证"):
        expect(timeline).to_contain_text(label)
    expect(page.get_by_test_id("certificate-number")).to_contain_text("不动产权第")
    with page.expect_download() as download:
        page.get_by_test_id("certificate-download").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    page.goto(f"{base}/portal/cases/")
    expect(page.get_by_test_id("my-cases")).to_contain_text(case.number)
    context.close()
