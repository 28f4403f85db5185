"""Forwarding a lower node's message upward: queued unchanged, idempotent on BizMsgID, relayed
as this node with the county's signature intact."""

import pytest

from bdcdj.core.errors import InvalidInput
from bdcdj.exchange.models import OutboxMessage, OutboxStatus
from bdcdj.exchange.services import outbox_enqueue_raw, relay_once
from bdcdj.exchange.services.forward import FORWARDED_BY
from bdcdj.exchange.signing import verify_message
from bdcdj.exchange.tests.test_services_relay import Upstream
from bdcdj.hub.tests.factories import UNIT, message_xml, public_key_hex

pytestmark = pytest.mark.django_db

BIZ = "340121240506000001"


@pytest.fixture
def province(settings):
    settings.BDCDJ_REGION_CODE = "340000"
    settings.BDCDJ_NODE_TOKEN = "token-340000"


def enqueue(xml: bytes, **changes: str) -> OutboxMessage:
    args = {"biz_msg_id": BIZ, "region_code": "340121", "rectype": "1000402", "unit_code": UNIT}
    args.update(changes)
    return outbox_enqueue_raw(xml=xml, **args)


def test_forwarded_message_is_queued_unchanged_as_this_node(province):
    xml = message_xml(biz_msg_id=BIZ)
    row = enqueue(xml)
    assert row.status == OutboxStatus.PENDING and row.xml_bytes == xml
    assert row.region_code == "340000" and row.unit_code == UNIT and row.case_id is None
    assert row.case_number == "2024-000001" and row.created_by_name == FORWARDED_BY
    assert verify_message(xml=row.xml_bytes, public_key_hex=public_key_hex())


def test_forwarding_the_same_message_twice_keeps_one_row(province):
    xml = message_xml(biz_msg_id=BIZ)
    first = enqueue(xml)
    again = enqueue(xml)
    assert again.pk == first.pk and OutboxMessage.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"region_code": "320101"}, "region_code"),
        ({"biz_msg_id": "x" * 30}, "biz_msg_id"),
        ({"biz_msg_id": "340121240506000002"}, "biz_msg_id"),
    ],
)
def test_message_outside_the_region_or_not_matching_its_bytes_is_refused(province, changes, field):
    with pytest.raises(InvalidInput) as caught:
        enqueue(message_xml(biz_msg_id=BIZ), **changes)
    assert field in caught.value.fields
    assert not OutboxMessage.objects.exists()


def test_county_node_cannot_forward_a_neighbours_message(settings):
    settings.BDCDJ_REGION_CODE = "340121"
    with pytest.raises(InvalidInput):
        enqueue(
            message_xml(biz_msg_id="340122240506000001", area="340122"),
            biz_msg_id="340122240506000001",
            region_code="340122",
        )


def test_relay_delivers_the_forwarded_bytes_as_the_forwarding_node(province, settings, monkeypatch):
    from bdcdj.exchange.services import relay as relay_module

    server = Upstream()
    settings.BDCDJ_UPSTREAM_URL = server.url
    monkeypatch.setattr(relay_module, "TIMEOUT_SECONDS", 2)
    try:
        xml = message_xml(biz_msg_id=BIZ)
        row = enqueue(xml)
        assert relay_once().acked == [BIZ]
        headers, body = server.requests[0]
        assert body == xml
        assert headers["X-Bdcdj-Node"] == "340000" and headers["Authorization"] == "Bearer token-340000"
        row.refresh_from_db()
        assert row.status == OutboxStatus.ACKED and row.success_flag == "1"
    finally:
        server.server.shutdown()
        server.server.server_close()


def test_a_forwarded_message_cannot_be_re_signed_here(province, django_user_model):
    from bdcdj.accounts.models import UserTenant
    from bdcdj.core.errors import Conflict
    from bdcdj.exchange.services import outbox_resend

    row = enqueue(message_xml(biz_msg_id=BIZ))
    OutboxMessage.objects.filter(pk=row.pk).update(status=OutboxStatus.REJECTED)
    admin = django_user_model.objects.create_user(username="prov-admin", password="x", is_superuser=True)
    UserTenant.objects.create(user=admin, region_code="340000")
    row.refresh_from_db()
    with pytest.raises(Conflict) as info:
        outbox_resend(message=row, reason="CBXZ", by=admin)
    assert info.value.code == "forwarded_not_resendable"
    assert OutboxMessage.objects.count() == 1
