"""The outbox page: list with filter and search, detail, XLSX export, 重新发送, permissions."""

import pytest
from django.test import Client

from bdcdj.cases.tests.helpers import PASSWORD
from bdcdj.exchange.models import OutboxMessage, OutboxStatus

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_registrar_sees_the_list_detail_and_export(registered, staff):
    _, message = registered("transfer")
    client = _client(staff.registrar)
    page = client.get("/exchange/outbox/", {"status": "pending", "q": message.unit_code})
    assert page.status_code == 200 and message.biz_msg_id in page.content.decode()
    assert message.biz_msg_id not in client.get("/exchange/outbox/", {"status": "acked"}).content.decode()
    detail = client.get(f"/exchange/outbox/{message.pk}/")
    assert detail.status_code == 200 and "QLT_FW_FDCQ_YZ" in detail.content.decode()
    assert "重新发送" not in detail.content.decode()
    export = client.get("/exchange/outbox/export.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    api = client.get("/api/exchange/v1/outbox/")
    assert api.status_code == 200 and api.json()["items"][0]["biz_msg_id"] == message.biz_msg_id


def test_admin_resends_an_invalid_message_and_a_clerk_may_not_see_the_page(registered, staff, outbox_admin):
    _, message = registered("mortgage")
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.INVALID, errors=["测试错误"])
    assert _client(staff.clerk).get("/exchange/outbox/").status_code == 403
    registrar = _client(staff.registrar)
    assert registrar.post(f"/exchange/outbox/{message.pk}/resend", {"reason": "BBXZ"}).status_code == 403
    admin = _client(outbox_admin)
    detail = admin.get(f"/exchange/outbox/{message.pk}/")
    assert "测试错误" in detail.content.decode() and "重新发送" in detail.content.decode()
    answer = admin.post(f"/exchange/outbox/{message.pk}/resend", {"reason": "BBXZ"})
    assert answer.status_code == 302
    resent = OutboxMessage.objects.get(biz_msg_id=message.biz_msg_id + "BBXZ")
    assert resent.status == OutboxStatus.PENDING and resent.resend_of_id == message.pk
    again = admin.post(f"/exchange/outbox/{message.pk}/resend", {"reason": "BL"})
    assert again.status_code == 409 and "不能重新发送" in again.content.decode()
