"""Kiosk mode in a real browser, touched only through its on-screen keypad and buttons: a
registered terminal, 本人不动产查询 with ID card (keyed on the keypad, as the simulated reader
takes it) and face check answered by the department simulator, the printed 查询结果, and the
rating that ends the session."""

import pytest
from playwright.sync_api import expect

from bdcdj.accounts.services import tenant_ensure, user_create
from bdcdj.cases.services import workflow_ensure_defaults
from bdcdj.portal.models import Rating
from bdcdj.portal.services import kiosk_device_register, office_ensure
from bdcdj.portal.tests.helpers import owned_house
from bdcdj.portal.views.kiosk import DEVICE_COOKIE
from bdcdj.query.models import Proof
from bdcdj.sharing.services import sharing_setup
from bdcdj.sharing.simulator.population import demo_population
from bdcdj.sharing.tests.conftest import simulator  # noqa: F401  (the department simulator subprocess)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

REGION = "340121"


def test_kiosk_identity_query_print_and_rating_by_touch_only(live_server, browser, simulator):  # noqa: F811
    tenant_ensure(region_code=REGION, name="长丰县", province_abbr="皖", parent_code="340100")
    workflow_ensure_defaults(region_code=REGION)
    sharing_setup(base_url=simulator.url, repoint=True)
    simulator.control("reset", {})
    registrar = user_create(
        username="kiosk-e2e-registrar",
        password="Bdcdj-Test-2024!",
        display_name="登簿人员",
        organisation=None,
        roles=["registrar"],
        region_codes=[REGION],
    )
    people = demo_population().people
    id_number = sorted(people)[40]
    owner = owned_house(registrar, name=people[id_number], id_number=id_number)
    office = office_ensure(region_code=REGION, name="长丰县不动产登记中心办事大厅", windows=2)
    device, secret = kiosk_device_register(office=office, device_id="K-E2E", name="一楼自助终端")
    base = live_server.url

    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 1024}, has_touch=True)
    context.set_default_timeout(20_000)
    context.add_cookies([{"name": DEVICE_COOKIE, "value": f"{device.device_id}:{secret}", "url": base}])
    page = context.new_page()

    page.goto(f"{base}/portal/kiosk/")
    expect(page.get_by_test_id("kiosk-office")).to_contain_text("长丰县不动产登记中心办事大厅")
    page.get_by_test_id("kiosk-go-query").click()
    for key in id_number[:6] + "9":  # a typo, then corrected with 退格
        page.get_by_test_id(f"key-{key}").click()
    page.get_by_test_id("key-back").click()
    for key in id_number[6:]:
        page.get_by_test_id(f"key-{key}").click()
    expect(page.get_by_test_id("kiosk-id-input")).to_have_value(id_number)
    page.get_by_test_id("kiosk-card-submit").click()
    page.get_by_test_id("kiosk-face-submit").click()
    expect(page.get_by_test_id("kiosk-person")).to_contain_text("已核验")
    expect(page.get_by_test_id("kiosk-properties")).to_contain_text(owner.unit_code)

    page.get_by_test_id("kiosk-print-record").click()
    proof = Proof.objects.get()
    expect(page.get_by_test_id("kiosk-proof-number")).to_contain_text(proof.number)
    pdf = page.request.get(f"{base}/portal/kiosk/print/{proof.pk}/pdf/")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    page.get_by_test_id("kiosk-done").click()
    page.get_by_test_id("kiosk-score-5").click()
    expect(page.get_by_test_id("kiosk-thanks")).to_be_visible()
    rating = Rating.objects.get()
    assert rating.office == office and rating.score == 5 and rating.device == device
    # The session ended with the rating: the proof is no longer reachable from this terminal.
    assert page.request.get(f"{base}/portal/kiosk/print/{proof.pk}/pdf/").status in (302, 404)
    context.close()
