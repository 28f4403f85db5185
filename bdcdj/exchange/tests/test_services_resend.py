"""补报: the upper node's itemised 登簿未接入 list comes back to the county, whose outbox re-sends
exactly those businesses; the upper node's list clears when they arrive."""

import pytest
from django.test import Client
from django.utils import timezone

from bdcdj.exchange.models import OutboxMessage, OutboxStatus, ResendRequest, ResendStatus
from bdcdj.exchange.services import ResendNeed, relay_once, resend_requests_apply
from bdcdj.hub.models import MessageStatus, ReceivedMessage
from bdcdj.monitor.models import LogDiscrepancy
from bdcdj.monitor.services import daily_log_send, daily_log_store
from bdcdj.monitor.services.resend import resend_list_pull

pytestmark = pytest.mark.django_db
COUNTY = "340121"


def test_the_list_comes_back_with_the_log_answer_and_only_those_are_resent(
    registered, upstream, outbox_admin
):
    transfer_case, lost = registered("transfer")  # its title came from the survey: no message
    mortgage_case, delivered = registered("mortgage")
    OutboxMessage.objects.filter(pk=lost.pk).update(status=OutboxStatus.ACKED, acked_at=timezone.now())
    assert relay_once(upstream_url="http://upper").acked == [delivered.biz_msg_id]

    log = daily_log_send(
        log=daily_log_store(region_code=COUNTY, day=timezone.localdate()), upstream_url="http://upper"
    )

    assert log.status == "acked", log.response
    open_items = set(
        LogDiscrepancy.objects.filter(needs_resend=True, resolved_at=None).values_list(
            "business_number", flat=True
        )
    )
    assert transfer_case.number in open_items and mortgage_case.number not in open_items
    requests = {r.business_number: r for r in ResendRequest.objects.all()}
    assert set(requests) == open_items
    resent = requests[transfer_case.number]
    assert resent.status == ResendStatus.QUEUED and resent.message.biz_msg_id == lost.biz_msg_id[:18] + "BBXZ"
    assert resent.message.status == OutboxStatus.PENDING and resent.message.resend_of_id == lost.pk
    others = [r for n, r in requests.items() if n != transfer_case.number]
    assert others and all(r.status == ResendStatus.IMPOSSIBLE and r.message is None for r in others)
    assert OutboxMessage.objects.filter(biz_msg_id__endswith="BBXZ").count() == 1  # exactly those
    lost.refresh_from_db()
    assert lost.superseded

    assert relay_once(upstream_url="http://upper").acked == [resent.message.biz_msg_id]
    cleared = LogDiscrepancy.objects.get(business_number=transfer_case.number)
    assert cleared.resolved_by == resent.message.biz_msg_id and cleared.resolved_at is not None
    arrived = ReceivedMessage.objects.get(biz_msg_id=resent.message.biz_msg_id)
    assert arrived.status == MessageStatus.ACCEPTED

    pulled = resend_list_pull(upstream_url="http://upper", region_code=COUNTY)
    assert pulled.ok and pulled.listed == len(others) and pulled.cleared == 1
    resent.refresh_from_db()
    assert resent.status == ResendStatus.CLEARED

    client = Client()
    client.force_login(outbox_admin)
    page = client.get("/exchange/outbox/").content.decode()
    assert "上级要求补报" in page and others[0].business_number in page and "无法自动补报" in page


def test_the_pull_endpoint_lists_open_items_and_refuses_strangers(registered, upstream):
    transfer_case, lost = registered("transfer")
    daily_log_send(log=daily_log_store(region_code=COUNTY, day=timezone.localdate()), upstream_url="http://x")
    body, error = upstream.get_json("http://x/api/monitor/v1/resend-items", region_code=COUNTY)
    assert error == "" and body["region"] == COUNTY
    listed = {i["business_number"]: i for i in body["items"]}
    assert listed[transfer_case.number]["biz_msg_id"] == lost.biz_msg_id
    assert listed[transfer_case.number]["day"] == timezone.localdate().isoformat()
    refused = Client().get(
        "/api/monitor/v1/resend-items", headers={"X-Bdcdj-Node": COUNTY, "Authorization": "Bearer wrong"}
    )
    assert refused.status_code == 401 and refused.json()["code"] == "node_unauthorized"


def test_a_message_not_yet_delivered_is_the_resend_itself(registered):
    case, pending = registered("transfer")
    [request] = resend_requests_apply(
        region_code=COUNTY, needs=[ResendNeed(business_number=case.number, biz_msg_id=pending.biz_msg_id)]
    )
    assert request.status == ResendStatus.QUEUED and request.message_id == pending.pk
    assert OutboxMessage.objects.filter(case_number=case.number).count() == 1


def test_a_rejected_message_is_resent_as_cbxz_and_a_second_request_adds_nothing(registered):
    case, message = registered("mortgage")
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.REJECTED, success_flag="2")
    need = ResendNeed(
        business_number=case.number, biz_msg_id=message.biz_msg_id, reason="报文接入失败，尚未销账"
    )
    [first] = resend_requests_apply(region_code=COUNTY, needs=[need])
    assert first.message.biz_msg_id == message.biz_msg_id[:18] + "CBXZ"
    assert first.message.status == OutboxStatus.PENDING and first.reason == need.reason
    [again] = resend_requests_apply(region_code=COUNTY, needs=[need])
    assert again.pk == first.pk and again.message_id == first.message_id
    assert OutboxMessage.objects.filter(case_number=case.number).count() == 2
