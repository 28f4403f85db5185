"""Forwarding at an upper node: accepted messages go to the outbox in the receiving
transaction; a forwarded message is verified with the originating county's key."""

from __future__ import annotations

import pytest

from bdcdj.exchange.models import OutboxMessage, OutboxStatus
from bdcdj.hub.models import ForwardItem, ForwardStatus, ReceivedMessage
from bdcdj.hub.services import Refusal, message_receive, node_authenticate, node_register
from bdcdj.hub.services.forward import forward_sweep, origin_public_key
from bdcdj.hub.tests.factories import OTHER_PRIVATE_KEY, message_xml, public_key_hex

pytestmark = pytest.mark.django_db

PROVINCE_KEY = public_key_hex(OTHER_PRIVATE_KEY)


@pytest.fixture
def national(settings):
    """This node is the national platform; the province 340000 delivers to it."""
    settings.BDCDJ_REGION_CODE = "100000"
    settings.BDCDJ_UPSTREAM_URL = ""
    registration = node_register(
        region_code="340000", name="安徽省", public_key_hex=PROVINCE_KEY, role="province"
    )
    return node_authenticate(region_code="340000", authorization=f"Bearer {registration.token}")


@pytest.fixture
def county_key_registered(national):
    node_register(region_code="340121", name="长丰县", public_key_hex=public_key_hex())


def test_forwarded_message_is_verified_with_the_county_key(national, county_key_registered):
    receipt = message_receive(node=national, xml=message_xml())
    assert receipt.success_flag == "1"
    stored = ReceivedMessage.objects.get()
    assert stored.node == national and stored.region_code == "340121"


def test_message_signed_by_the_forwarding_node_is_refused_when_the_county_is_registered(
    national, county_key_registered
):
    with pytest.raises(Refusal) as caught:
        message_receive(node=national, xml=message_xml(private_key=OTHER_PRIVATE_KEY))
    assert caught.value.receipt.response_code == "1003"
    assert not ReceivedMessage.objects.exists()


def test_county_message_is_refused_when_its_key_is_not_registered(national):
    with pytest.raises(Refusal) as caught:
        message_receive(node=national, xml=message_xml())
    assert caught.value.receipt.response_code == "1003"


def test_key_lookup_prefers_the_most_specific_node_below_the_forwarder(national, county_key_registered):
    node_register(region_code="340100", name="合肥市", public_key_hex=PROVINCE_KEY, role="city")
    assert origin_public_key(node=national, area_code="340121") == public_key_hex()
    assert origin_public_key(node=national, area_code="340122") == PROVINCE_KEY  # the city's
    assert origin_public_key(node=national, area_code="341523") == national.public_key_hex


@pytest.fixture
def province(settings):
    """This node is the province with an upstream; the county 340121 delivers to it."""
    settings.BDCDJ_REGION_CODE = "340000"
    settings.BDCDJ_UPSTREAM_URL = "http://127.0.0.1:9/"
    registration = node_register(region_code="340121", name="长丰县", public_key_hex=public_key_hex())
    return node_authenticate(region_code="340121", authorization=f"Bearer {registration.token}")


def test_accepted_message_is_handed_to_the_outbox_unchanged(province):
    xml = message_xml()
    message_receive(node=province, xml=xml)
    item = ForwardItem.objects.get()
    assert item.status == ForwardStatus.QUEUED
    row = OutboxMessage.objects.get()
    assert row.xml_bytes == xml and row.status == OutboxStatus.PENDING and row.region_code == "340000"
    message_receive(node=province, xml=xml)  # a duplicate delivery forwards nothing more
    assert OutboxMessage.objects.count() == 1 and ForwardItem.objects.count() == 1


def test_rejected_message_is_not_forwarded(province):
    message_receive(node=province, xml=message_xml(rows={"ZTT_GY_QLR": []}))
    assert ReceivedMessage.objects.get().status == "rejected"
    assert not ForwardItem.objects.exists() and not OutboxMessage.objects.exists()


def test_sweep_hands_over_pending_items_once(province, settings):
    settings.BDCDJ_UPSTREAM_URL = ""
    message_receive(node=province, xml=message_xml())
    message = ReceivedMessage.objects.get()
    ForwardItem.objects.create(message=message)  # e.g. stored before forwarding was wired
    settings.BDCDJ_UPSTREAM_URL = "http://127.0.0.1:9/"
    assert forward_sweep() == 1
    assert forward_sweep() == 0
    assert ForwardItem.objects.get().status == ForwardStatus.QUEUED
    assert OutboxMessage.objects.get().biz_msg_id == message.biz_msg_id
