"""Mirror upsert and history, and 销账 linkage of corrected re-sends (standards §4.8, §6)."""

from __future__ import annotations

import pytest

from bdcdj.hub.models import Clearance, MessageStatus, MirrorRecord, MirrorStatus, ReceivedMessage
from bdcdj.hub.services import message_receive, node_authenticate, original_id, region_covers
from bdcdj.hub.services.mirror import record_hash
from bdcdj.hub.tests.factories import COUNTY, UNIT, message_xml, ownership_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def node(county_node):
    return node_authenticate(region_code=COUNTY, authorization=f"Bearer {county_node.token}")


def rights(unit: str = UNIT) -> list[MirrorRecord]:
    return list(MirrorRecord.objects.filter(unit_code=unit, table="QLT_FW_FDCQ_YZ").order_by("id"))


def test_mirror_keeps_each_row_with_its_hash(node):
    message_receive(node=node, xml=message_xml())
    right = rights()[0]
    assert right.status == MirrorStatus.CURRENT
    assert right.row_key == "QLT_FW_FDCQ_YZ:2024-000001:0"
    assert right.record_hash == record_hash(right.data)
    assert right.data["FDZL"] == "长丰县水湖镇幸福路1号1幢101室"


def test_resent_business_updates_rows_in_place(node):
    message_receive(node=node, xml=message_xml())
    message_receive(
        node=node,
        xml=message_xml(biz_msg_id="340121240506000001BL", rows=ownership_rows(FDZL="长丰县新地址1号")),
    )
    (right,) = rights()
    assert right.data["FDZL"] == "长丰县新地址1号"
    assert right.updated_by_message.biz_msg_id == "340121240506000001BL"


def test_transfer_moves_the_predecessor_right_to_history(node):
    message_receive(node=node, xml=message_xml())
    transfer = ownership_rows(ywh="2024-000002", DJLX="200", SSYWH="2024-000001", TDSYQR="李四")
    receipt = message_receive(
        node=node,
        xml=message_xml(
            biz_msg_id="340121240507000001",
            rectype="2000402",
            reg_type="200",
            ywh="2024-000002",
            rows=transfer,
        ),
    )
    assert receipt.ok, receipt.response_info
    old, new = rights()
    assert (old.business_no, old.status) == ("2024-000001", MirrorStatus.HISTORIC)
    assert (new.business_no, new.status) == ("2024-000002", MirrorStatus.CURRENT)


def test_row_marked_historic_by_qszt_is_kept_as_history(node):
    message_receive(node=node, xml=message_xml(rows=ownership_rows(QSZT="2")))
    assert rights()[0].status == MirrorStatus.HISTORIC


def test_accepted_bbxz_resend_clears_the_rejected_original(node):
    bad = message_receive(node=node, xml=message_xml(rows=ownership_rows(TDSYQSSJ="2090-01-01T00:00:00")))
    assert not bad.ok
    original = ReceivedMessage.objects.get(biz_msg_id="340121240506000001")
    assert original.clearance == Clearance.OPEN
    fixed = message_receive(node=node, xml=message_xml(biz_msg_id="340121240506000001BBXZ"))
    assert fixed.ok
    original.refresh_from_db()
    resend = ReceivedMessage.objects.get(biz_msg_id="340121240506000001BBXZ")
    assert original.clearance == Clearance.CLEARED
    assert original.cleared_by == resend and original.cleared_at is not None
    assert resend.corrects == original and resend.clearance == Clearance.NONE
    assert resend.status == MessageStatus.ACCEPTED


def test_rejected_resend_stays_open_and_marks_the_attempt_failed(node):
    message_receive(node=node, xml=message_xml(rows=ownership_rows(TDSYQSSJ="2090-01-01T00:00:00")))
    message_receive(
        node=node, xml=message_xml(biz_msg_id="340121240506000001CBXZ", rows=ownership_rows(DJJG=""))
    )
    clearance = dict(ReceivedMessage.objects.values_list("biz_msg_id", "clearance"))
    assert clearance == {"340121240506000001": Clearance.FAILED, "340121240506000001CBXZ": Clearance.OPEN}
    message_receive(node=node, xml=message_xml(biz_msg_id="340121240506000001BL"))
    assert set(
        ReceivedMessage.objects.filter(clearance=Clearance.CLEARED).values_list("biz_msg_id", flat=True)
    ) == {
        "340121240506000001",
        "340121240506000001CBXZ",
    }


def test_forwarding_is_queued_only_with_an_upstream(node, settings):
    from bdcdj.hub.models import ForwardItem

    message_receive(node=node, xml=message_xml())
    assert not ForwardItem.objects.exists()
    settings.BDCDJ_UPSTREAM_URL = "http://127.0.0.1:9/"
    message_receive(node=node, xml=message_xml(biz_msg_id="340121240506000002", ywh="2024-000009"))
    assert ForwardItem.objects.get().message.biz_msg_id == "340121240506000002"


@pytest.mark.parametrize(
    ("parent", "child", "covered"),
    [
        ("340121", "340121", True),
        ("340121", "340122", False),
        ("340100", "340122", True),
        ("340100", "340221", False),
        ("340000", "341523", True),
        ("340000", "320000", False),
        ("340121", "34012", False),
    ],
)
def test_region_covers_follows_the_division_hierarchy(parent, child, covered):
    assert region_covers(parent, child) is covered


@pytest.mark.parametrize(
    ("biz_msg_id", "base"),
    [
        ("340121240506000001BBXZ", "340121240506000001"),
        ("340121240506000001BL", "340121240506000001"),
        ("340121240506000001", None),
    ],
)
def test_original_id_strips_the_resend_suffix(biz_msg_id, base):
    assert original_id(biz_msg_id) == base


def test_city_node_may_deliver_for_its_counties(db):
    from bdcdj.hub.services import node_register
    from bdcdj.hub.tests.factories import public_key_hex

    reg = node_register(region_code="340100", name="合肥市", public_key_hex=public_key_hex(), role="city")
    receipt = message_receive(node=reg.node, xml=message_xml())
    assert receipt.ok and ReceivedMessage.objects.get().region_code == COUNTY
