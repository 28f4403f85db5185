"""Idempotency on BizMsgID under races: the unique constraint decides, the loser answers the
winner's receipt, nothing is stored twice."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from bdcdj.hub.models import MirrorRecord, ReceivedMessage
from bdcdj.hub.services import message_receive
from bdcdj.hub.services import receive as receive_module
from bdcdj.hub.tests.factories import message_xml, ownership_rows


@pytest.mark.django_db
def test_lost_race_answers_the_winners_receipt(county_node, monkeypatch):
    node = county_node.node
    first = message_receive(node=node, xml=message_xml())
    monkeypatch.setattr(
        receive_module, "_existing", lambda biz_msg_id: None
    )  # the check ran before the winner
    second = message_receive(node=node, xml=message_xml(rows=ownership_rows(FDZL="另一个地址")))
    assert second == first
    assert ReceivedMessage.objects.count() == 1
    assert MirrorRecord.objects.get(table="QLT_FW_FDCQ_YZ").data["FDZL"] != "另一个地址"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_store_one_message(county_node):
    if connection.vendor != "postgresql":
        pytest.skip(
            "需要 PostgreSQL（设置 DATABASE_URL=postgres://…）：SQLite 内存库的共享缓存不能可靠地并发写"
        )
    node = county_node.node
    xml = message_xml()
    barrier = threading.Barrier(4)
    receipts: list[object] = []
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            barrier.wait(timeout=10)
            receipts.append(message_receive(node=node, xml=xml))
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    assert len(receipts) == 4 and len(set(receipts)) == 1
    assert ReceivedMessage.objects.count() == 1
    assert MirrorRecord.objects.count() == 2
