"""Browser: the public transparency-log page shows the signed head and proves a register
event's inclusion with its proof path, without login."""

import pytest
from django.db import transaction
from django.utils import timezone

from bdcdj.ledger.services import tree_head_publish
from bdcdj.register.services.chain import event_append
from bdcdj.register.tests.factories import REGION, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_event_inclusion_is_shown_with_its_proof_path(live_server, page):
    registrar = make_user("ledger_browser")
    for n in range(5):
        with transaction.atomic():
            event_append(
                region_code=REGION,
                kind="create",
                actor=registrar,
                occurred_at=timezone.now(),
                business_number=f"BROWSER-{n}",
                registration_type="100",
                unit=None,
                right=None,
                payload={"n": n},
            )
    tree_head_publish()
    page.goto(f"{live_server.url}/ledger/", timeout=90_000)  # the first request warms the process up
    assert page.locator("[data-testid=tree-size]").inner_text() == "5"
    assert page.locator("[data-head=valid]").count() == 1
    page.fill("input[name=event]", f"{REGION}:3")
    page.click("button:has-text('核验') >> nth=2")
    page.locator("[data-inclusion=verified]").wait_for()
    assert page.locator("table tbody tr").count() == 3  # ⌈log2 5⌉ hashes for index 2 of 5
    page.fill("input[name=event]", "长丰:3")
    page.click("button:has-text('核验') >> nth=2")
    assert "行政区划代码:序号" in page.locator("[role=alert]").inner_text()
