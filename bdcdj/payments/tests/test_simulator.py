"""The payment simulator as a real process on a free port, with real HTTP both ways: an order is
created, the payer confirms on the checkout page, the signed callback reaches our server; a
payment whose callback is lost is found by querying the provider."""

import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from bdcdj.cases.models import Case
from bdcdj.cases.tests.helpers import titled_house
from bdcdj.channel.services import mortgage_batch_submit
from bdcdj.channel.tests.conftest import mortgage_item
from bdcdj.payments.models import OrderStatus
from bdcdj.payments.selectors import payment_summary
from bdcdj.payments.services import order_create, order_reconcile

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def simulator(settings) -> Iterator[str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bdcdj.payments.simulator",
            "--port",
            str(port),
            "--secret",
            settings.BDCDJ_PAYMENT_SECRET,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("支付模拟器未能启动")
        settings.BDCDJ_PAYMENT_URL = url
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _case(world, key: str) -> Case:
    unit, _title = titled_house(world.registrar)[0]
    result = mortgage_batch_submit(institution=world.bank, items=[mortgage_item(key, unit.code)])
    return Case.objects.get(pk=result.items[0].case_id)


def _confirm(pay_url: str, *, drop: bool = False) -> str:
    page = urllib.request.urlopen(pay_url, timeout=10).read().decode("utf-8")
    assert "80.00" in page and "确认支付" in page
    data = urllib.parse.urlencode({"drop": "1"} if drop else {}).encode()
    request = urllib.request.Request(f"{pay_url}/confirm", data=data, method="POST")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # the return page is ours, not needed here
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(request, timeout=30)
    except urllib.error.HTTPError as exc:
        assert exc.code == 303
        return exc.headers["Location"]
    raise AssertionError("模拟器应重定向到返回页")


def test_payment_through_the_simulator_with_its_signed_callback(world, simulator, live_server):
    case = _case(world, "sim-1")
    order = order_create(
        case=case,
        payer="测试银行",
        notify_url=f"{live_server.url}/payments/callback/",
        return_url=f"{live_server.url}/payments/case/{case.pk}/result/",
    )
    assert order.status == OrderStatus.PAYING and order.pay_url.startswith(simulator)
    assert order_create(case=case, payer="测试银行", notify_url="x", return_url="y").pk == order.pk  # reused
    location = _confirm(order.pay_url)
    assert location.endswith(f"/payments/case/{case.pk}/result/")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.notices.filter(outcome="paid").count() == 1
    assert payment_summary(case=case).paid


def test_lost_callback_is_reconciled_by_query(world, simulator, live_server):
    case = _case(world, "sim-2")
    order = order_create(
        case=case,
        payer="测试银行",
        notify_url=f"{live_server.url}/payments/callback/",
        return_url=f"{live_server.url}/payments/case/{case.pk}/result/",
    )
    _confirm(order.pay_url, drop=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAYING and not order.notices.exists()
    order = order_reconcile(order=order)
    assert order.status == OrderStatus.PAID
    assert payment_summary(case=case).status_label == "已缴费"


def test_provider_down_is_a_conflict_not_a_crash(world, settings):
    from bdcdj.core.errors import Conflict

    settings.BDCDJ_PAYMENT_URL = f"http://127.0.0.1:{_free_port()}"
    case = _case(world, "sim-3")
    with pytest.raises(Conflict) as caught:
        order_create(case=case, payer="x", notify_url="http://127.0.0.1/cb", return_url="http://127.0.0.1/r")
    assert caught.value.code == "provider_unavailable"
