"""The relay against a real HTTP server on 127.0.0.1: receipts, retries with backoff, per-unit
order, rejection kept for 销账, re-send with the standard's suffixes, overdue alert."""

import datetime as dt
import random
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from bdcdj.core.errors import Conflict
from bdcdj.exchange.messages import parse_message
from bdcdj.exchange.models import OutboxMessage, OutboxStatus
from bdcdj.exchange.selectors import outbox_overdue
from bdcdj.exchange.services import outbox_resend, relay_once
from bdcdj.exchange.services import relay as relay_module
from bdcdj.exchange.signing import node_public_key_hex, verify_message

pytestmark = pytest.mark.django_db


class Upstream:
    """A tiny upper node: answers each POST with the next planned behaviour."""

    def __init__(self) -> None:
        self.plan: list[str] = []
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.batch_posts = 0
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.path.endswith("/batch"):  # an upper node without the batch endpoint
                    upstream.batch_posts += 1
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                upstream.requests.append((dict(self.headers.items()), body))
                action = upstream.plan.pop(0) if upstream.plan else "ok"
                if action == "timeout":
                    time.sleep(1.0)
                    return
                if action == "500":
                    self.send_response(500)
                    self.end_headers()
                    return
                if action == "401":
                    self.send_response(401)
                    self.end_headers()
                    return
                biz = parse_message(xml=body).head["BizMsgID"]
                flag = "1" if action == "ok" else "2"
                info = "接入成功" if flag == "1" else "入库失败：数据比对不一致"
                reply = (
                    f"<Rep><BizMsgID>{biz}</BizMsgID><SuccessFlag>{flag}</SuccessFlag>"
                    f"<ResponseCode>{'0000' if flag == '1' else 'E102'}</ResponseCode>"
                    f"<ResponseInfo>{info}</ResponseInfo></Rep>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def upstream(settings, monkeypatch) -> Iterator[Upstream]:
    server = Upstream()
    settings.BDCDJ_UPSTREAM_URL = server.url
    settings.BDCDJ_NODE_TOKEN = "token-340121"
    monkeypatch.setattr(relay_module, "TIMEOUT_SECONDS", 0.3)
    yield server
    server.server.shutdown()
    server.server.server_close()


def _later(minutes: int = 0, hours: int = 0) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes, hours=hours)


def test_acknowledged_message_is_delivered_with_node_headers(registered, upstream):
    _, message = registered("transfer")
    report = relay_once()
    assert report.acked == [message.biz_msg_id]
    headers, body = upstream.requests[0]
    assert headers["Content-Type"] == "application/xml" and headers["X-Bdcdj-Node"] == "340121"
    assert headers["Authorization"] == "Bearer token-340121" and body == message.xml_bytes
    assert verify_message(xml=body, public_key_hex=node_public_key_hex())
    message.refresh_from_db()
    assert message.status == OutboxStatus.ACKED and message.success_flag == "1" and message.attempts == 1
    assert message.response_info == "接入成功" and message.acked_at is not None
    assert relay_once(now=_later(hours=2)).claimed == 0  # nothing left to send


def test_server_errors_and_timeouts_are_retried_with_growing_backoff(registered, upstream):
    _, message = registered("mortgage")
    upstream.plan = ["500", "timeout"]
    assert relay_once().retried == [message.biz_msg_id]
    message.refresh_from_db()
    first_delay = message.next_attempt_at - timezone.now()
    assert (
        message.status == OutboxStatus.PENDING and message.attempts == 1 and "HTTP 500" in message.last_error
    )
    assert relay_once().claimed == 0  # not due yet
    assert relay_once(now=_later(minutes=1)).retried == [message.biz_msg_id]
    message.refresh_from_db()
    assert message.attempts == 2 and "网络错误" in message.last_error
    assert message.next_attempt_at - _later(minutes=1) > first_delay
    assert relay_once(now=_later(minutes=5)).acked == [message.biz_msg_id]


def test_backoff_is_exponential_capped_and_jittered():
    rng = random.Random(1)
    delays = [relay_module.backoff(n, rng=rng).total_seconds() for n in range(1, 15)]
    assert 24 <= delays[0] <= 36 and 48 <= delays[1] <= 72
    assert max(delays) <= relay_module.BACKOFF_CAP_SECONDS


def test_rejected_message_is_kept_and_can_be_resent_with_cbxz(registered, upstream, outbox_admin):
    _, message = registered("transfer")
    upstream.plan = ["fail"]
    assert relay_once().rejected == [message.biz_msg_id]
    message.refresh_from_db()
    assert message.status == OutboxStatus.REJECTED and message.response_code == "E102"
    resent = outbox_resend(message=message, reason="CBXZ", by=outbox_admin)
    assert resent.biz_msg_id == message.biz_msg_id[:18] + "CBXZ" and resent.status == OutboxStatus.PENDING
    assert parse_message(xml=resent.xml_bytes).head["BizMsgID"] == resent.biz_msg_id
    assert verify_message(xml=resent.xml_bytes, public_key_hex=node_public_key_hex())
    message.refresh_from_db()
    assert message.superseded
    with pytest.raises(Conflict):
        outbox_resend(message=message, reason="BL", by=outbox_admin)
    assert relay_once().acked == [resent.biz_msg_id]


def test_later_message_for_the_same_unit_waits_for_the_earlier_one(registered, upstream, staff, outbox_admin):
    from bdcdj.cases.tests import helpers as h

    _case, first = registered("transfer")
    unit_code = first.unit_code
    second_case = h.new_case(
        staff,
        "mortgage_first",
        [unit_code],
        [h.BANK.party("mortgagee"), h.BUYER.party("mortgagor")],
        dict(h.MORTGAGE_DATA),
    )
    h.case_register(case=h.to_register(staff, second_case), by=staff.registrar)
    second = OutboxMessage.objects.get(case_number=second_case.number)
    assert second.unit_code == unit_code
    upstream.plan = ["fail"]
    report = relay_once()
    assert report.rejected == [first.biz_msg_id] and second.biz_msg_id in report.blocked
    assert relay_once(now=_later(hours=1)).claimed == 0  # still blocked by the rejected one
    first.refresh_from_db()
    resent = outbox_resend(message=first, reason="CBXZ", by=outbox_admin)
    report = relay_once(now=_later(hours=1))
    assert report.acked == [resent.biz_msg_id] and second.biz_msg_id in report.blocked
    assert relay_once(now=_later(hours=1)).acked == [second.biz_msg_id]
    assert [body for _, body in upstream.requests][-1] == second.xml_bytes


def test_unauthorised_answer_marks_the_message_failed(registered, upstream):
    _, message = registered("mortgage")
    upstream.plan = ["401"]
    assert relay_once().failed == [message.biz_msg_id]
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and message.last_error == "HTTP 401"


def test_unacknowledged_message_is_overdue_after_one_working_day(registered, staff, upstream):
    _, message = registered("transfer")
    assert outbox_overdue(user=staff.registrar) == []
    later = timezone.now() + dt.timedelta(days=5)
    assert [m.pk for m in outbox_overdue(user=staff.registrar, now=later)] == [message.pk]
    relay_once()
    assert outbox_overdue(user=staff.registrar, now=later) == []


def test_without_upstream_nothing_is_sent(registered, settings):
    settings.BDCDJ_UPSTREAM_URL = ""
    _, message = registered("transfer")
    assert relay_once().claimed == 0
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING


def test_upper_node_without_batch_endpoint_gets_single_deliveries(registered, upstream):
    _, first = registered("transfer")
    _, second = registered("mortgage")
    report = relay_once()
    assert upstream.batch_posts == 1  # asked once, answered 404, not asked again this pass
    assert sorted(report.acked) == sorted([first.biz_msg_id, second.biz_msg_id])
    assert sorted(body for _, body in upstream.requests) == sorted([first.xml_bytes, second.xml_bytes])
