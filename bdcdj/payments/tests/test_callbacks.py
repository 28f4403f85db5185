"""Callbacks: a signed one pays the order once; tampered, replayed, stale, amount- or
trade-mismatched callbacks are refused and change nothing; the summary and receipt follow."""

import pytest
from django.test import Client

from bdcdj.cases.models import Case
from bdcdj.cases.tests.helpers import PASSWORD, titled_house
from bdcdj.channel.services import mortgage_batch_submit
from bdcdj.channel.tests.conftest import make_user, mortgage_item
from bdcdj.payments import signing
from bdcdj.payments.models import OrderStatus, PaymentNotice, PaymentOrder
from bdcdj.payments.selectors import payment_summary
from bdcdj.payments.tests.helpers import callback_body, paying_order, post_callback

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world) -> Case:
    unit, _title = titled_house(world.registrar)[0]
    result = mortgage_batch_submit(institution=world.bank, items=[mortgage_item("p-1", unit.code)])
    return Case.objects.get(pk=result.items[0].case_id)


def test_signed_callback_pays_once_and_duplicates_are_harmless(case, client, settings):
    order = paying_order(case)
    assert payment_summary(case=case).status_label == "支付处理中"
    response = post_callback(client, callback_body(order))
    assert response.status_code == 200 and response.json()["code"] == "paid"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.receipt_number
    again = post_callback(client, callback_body(order))  # a new nonce: a genuine second notice
    assert again.status_code == 200 and again.json()["code"] == "duplicate"
    summary = payment_summary(case=case)
    assert summary.paid and summary.status_label == "已缴费" and summary.total == order.amount
    assert summary.receipt_url.endswith(f"{order.number}.pdf")


def test_tampered_callback_is_refused_and_nothing_changes(case, client, settings):
    order = paying_order(case)
    body = callback_body(order)
    headers = signing.sign(secret=settings.BDCDJ_PAYMENT_SECRET, body=body)
    tampered = body.replace(b'"status": "paid"', b'"status": "failed"')
    response = post_callback(client, tampered, headers)
    assert response.status_code == 400 and response.json()["code"] == "bad_signature"
    wrong_key = signing.sign(secret="another-secret", body=body)
    assert post_callback(client, body, wrong_key).status_code == 400
    order.refresh_from_db()
    assert order.status == OrderStatus.PAYING and not PaymentNotice.objects.exists()


def test_replayed_callback_is_refused(case, client, settings):
    order = paying_order(case)
    body = callback_body(order, status="failed")
    headers = signing.sign(secret=settings.BDCDJ_PAYMENT_SECRET, body=body)
    assert post_callback(client, body, headers).json()["code"] == "failed"
    order.status = OrderStatus.PAYING  # even if the order were open again, the replay must not count
    order.save()
    replay = post_callback(client, body, headers)
    assert replay.status_code == 409 and replay.json()["code"] == "replay"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAYING


def test_stale_callback_is_refused(case, client, settings):
    order = paying_order(case)
    body = callback_body(order)
    old = signing.sign(secret=settings.BDCDJ_PAYMENT_SECRET, body=body, timestamp=1_600_000_000)
    response = post_callback(client, body, old)
    assert response.status_code == 400 and response.json()["code"] == "stale"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAYING


def test_amount_or_order_mismatch_is_refused(case, client):
    order = paying_order(case)
    response = post_callback(client, callback_body(order, amount="0.01"))
    assert response.status_code == 400 and response.json()["code"] == "amount_mismatch"
    response = post_callback(client, callback_body(order, trade_number="TOTHER"))
    assert response.status_code == 400 and response.json()["code"] == "trade_mismatch"
    response = post_callback(client, callback_body(order, order_number="NOSUCHORDER"))
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.PAYING and order.paid_at is None
    assert not payment_summary(case=case).paid
    assert set(PaymentNotice.objects.values_list("outcome", flat=True)) == {
        "amount_mismatch",
        "trade_mismatch",
        "order_not_found",
    }


def test_receipt_pdf_and_staff_panel(case, client, world):
    order = paying_order(case)
    post_callback(client, callback_body(order))
    order.refresh_from_db()
    clerk = make_user("t-clerk", ["clerk"])
    staff = Client()
    assert staff.login(username=clerk.username, password=PASSWORD)
    pdf = staff.get(f"/payments/receipts/{order.number}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    panel = staff.get(f"/payments/case/{case.pk}/panel/")
    assert panel.status_code == 200 and "已缴费" in panel.content.decode()
    outsider = make_user("t-other", ["clerk"], regions=("340122",))
    other = Client()
    assert other.login(username=outsider.username, password=PASSWORD)
    assert other.get(f"/payments/receipts/{order.number}.pdf").status_code == 404
    assert other.get(f"/payments/case/{case.pk}/").status_code == 403
    assert Client().get(f"/payments/case/{case.pk}/").status_code == 403


def test_checkout_page_shows_the_fees_to_the_cashier(case, world):
    clerk = make_user("t-cashier", ["clerk"])
    staff = Client()
    assert staff.login(username=clerk.username, password=PASSWORD)
    page = staff.get(f"/payments/case/{case.pk}/").content.decode()
    assert "不动产登记费（住宅）" in page and "80.00" in page and "待缴费" in page
    assert not PaymentOrder.objects.exists()
