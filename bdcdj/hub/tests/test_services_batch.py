"""The batch receiver stores admitted messages in bulk groups, and still isolates failures: a
message that cannot be stored is the only one left out and leaves nothing of itself; messages
writing the same mirror rows are applied in order; concurrent batches sharing a message store
it once (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from bdcdj.hub.models import LowerNode, MirrorRecord, ReceivedMessage
from bdcdj.hub.services import hooks, messages_receive_batch
from bdcdj.hub.tests.factories import COUNTY, UNIT, message_xml, ownership_rows, public_key_hex
from bdcdj.hub.tests.test_api_batch import post_batch
from bdcdj.quality.models import QualityFinding

UNIT_B = "340121001001GB00001F00010002"
UNIT_C = "340121001001GB00001F00010003"
UNITS = (UNIT, UNIT_B, UNIT_C)


@pytest.mark.django_db
def test_a_message_that_cannot_be_stored_is_the_only_one_left_out(sender, monkeypatch):
    def failing_hook(message: ReceivedMessage) -> None:
        if message.biz_msg_id == "340121240506000102":  # a hook's write violating a constraint
            LowerNode.objects.create(region_code=COUNTY, name="重复", public_key_hex=public_key_hex())

    monkeypatch.setattr(hooks, "_ACCEPTED", [*hooks._ACCEPTED, failing_hook])
    good = message_xml(biz_msg_id="340121240506000101", ywh="2024-000101")
    bad = message_xml(biz_msg_id="340121240506000102", ywh="2024-000102", unit=UNIT_B)
    also_good = message_xml(biz_msg_id="340121240506000103", ywh="2024-000103", unit=UNIT_C)
    items = post_batch(sender, [good, bad, also_good]).json()["receipts"]
    assert [(i["status"], i["success_flag"], i["response_code"]) for i in items] == [
        (200, "1", "0000"),
        (503, "2", "1010"),
        (200, "1", "0000"),
    ]
    assert items[1]["xml"] == ""  # no receipt: the sender keeps the message and retries it
    assert set(ReceivedMessage.objects.values_list("biz_msg_id", flat=True)) == {
        "340121240506000101",
        "340121240506000103",
    }
    assert not MirrorRecord.objects.filter(business_no="2024-000102").exists()
    assert not QualityFinding.objects.filter(subject_ref="340121240506000102").exists()
    assert MirrorRecord.objects.filter(business_no="2024-000101").count() == 2
    assert MirrorRecord.objects.filter(business_no="2024-000103").count() == 2
    monkeypatch.setattr(hooks, "_ACCEPTED", [h for h in hooks._ACCEPTED if h is not failing_hook])
    retried = post_batch(sender, [bad]).json()["receipts"]
    assert retried[0]["success_flag"] == "1" and ReceivedMessage.objects.count() == 3


@pytest.mark.django_db
def test_messages_writing_the_same_rows_are_applied_in_request_order(county_node):
    first = message_xml(biz_msg_id="340121240506000201", ywh="2024-000201")
    second = message_xml(
        biz_msg_id="340121240506000202",
        ywh="2024-000201",
        rows=ownership_rows(ywh="2024-000201", FDZL="新地址"),
    )
    other = message_xml(biz_msg_id="340121240506000203", ywh="2024-000203", unit=UNIT_B)
    receipts = messages_receive_batch(node=county_node.node, messages=[first, second, other])
    assert [r.success_flag for r in receipts] == ["1", "1", "1"]
    row = MirrorRecord.objects.get(table="QLT_FW_FDCQ_YZ", business_no="2024-000201")
    assert row.data["FDZL"] == "新地址" and row.updated_by_message.biz_msg_id == "340121240506000202"
    assert MirrorRecord.objects.count() == 4


@pytest.mark.django_db
def test_a_batch_stores_what_single_deliveries_would(sender):
    messages = [
        message_xml(biz_msg_id=f"34012124050600030{i}", ywh=f"2024-00030{i}", unit=unit)
        for i, unit in enumerate(UNITS)
    ]
    items = post_batch(sender, messages).json()["receipts"]
    assert [i["success_flag"] for i in items] == ["1", "1", "1"]
    for xml, item in zip(messages, items, strict=True):  # a later duplicate gets the same receipt
        assert sender.post(xml).content.decode() == item["xml"]
    assert ReceivedMessage.objects.count() == 3
    assert MirrorRecord.objects.count() == 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_sharing_a_message_store_it_once(county_node):
    if connection.vendor != "postgresql":
        pytest.skip("需要 PostgreSQL（设置 DATABASE_URL=postgres://…）")
    node = county_node.node
    shared = message_xml(biz_msg_id="340121240506000400", ywh="2024-000400")
    batches = [
        [message_xml(biz_msg_id=f"34012124050600041{n}", ywh=f"2024-00041{n}", unit=unit), shared]
        for n, unit in enumerate(UNITS)
    ]
    barrier = threading.Barrier(len(batches))
    results: list[list[object]] = []
    errors: list[BaseException] = []

    def deliver(batch: list[bytes]) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(messages_receive_batch(node=node, messages=batch))
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert len(results) == 3 and len({r[1] for r in results}) == 1  # one receipt for the shared one
    assert all(r[0].success_flag == "1" for r in results)
    assert ReceivedMessage.objects.count() == 4
    assert ReceivedMessage.objects.filter(biz_msg_id="340121240506000400").count() == 1
    assert MirrorRecord.objects.count() == 8
