"""Fixtures of the monitor tests: districts and staff, a registered county node, constructed
received messages and outbox rows, and a signed-log poster."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from bdcdj.accounts.models import User
from bdcdj.exchange.models import OutboxMessage, OutboxStatus
from bdcdj.hub.models import LowerNode, MessageStatus, ReceivedMessage
from bdcdj.hub.services import node_register
from bdcdj.hub.tests.conftest import districts, fast_password_hashing, make_user  # noqa: F401
from bdcdj.hub.tests.factories import COUNTY, public_key_hex, sign

URL = "/api/monitor/v1/daily-logs"
_serial = itertools.count(1)


@pytest.fixture
def registrar(make_user) -> User:  # noqa: F811  (fixture)
    return make_user("registrar", roles=("registrar",))


@dataclass
class Node:
    node: LowerNode
    token: str


@pytest.fixture
def county_node(districts) -> Node:  # noqa: F811  (fixture)
    reg = node_register(region_code=COUNTY, name="长丰县", public_key_hex=public_key_hex())
    return Node(reg.node, reg.token)


@dataclass
class Poster:
    client: Client
    token: str

    def post(
        self,
        xml: bytes,
        *,
        signature: str | None = None,
        token: str | None = None,
        region: str = COUNTY,
        content_type: str = "application/xml",
    ):
        headers = {
            "X-Bdcdj-Node": region,
            "Authorization": f"Bearer {token or self.token}",
            "X-Bdcdj-Signature": sign(xml) if signature is None else signature,
        }
        return self.client.post(URL, data=xml, content_type=content_type, headers=headers)


@pytest.fixture
def poster(county_node) -> Poster:
    return Poster(client=Client(), token=county_node.token)


def received(
    node: LowerNode,
    *,
    ywh: str,
    day: dt.date,
    status: str = MessageStatus.ACCEPTED,
    biz_msg_id: str = "",
    received_at: dt.datetime | None = None,
    created: dt.datetime | None = None,
    reg_type: str = "100",
) -> ReceivedMessage:
    """A stored message as the hub receiver would have kept it."""
    created = created or timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    return ReceivedMessage.objects.create(
        region_code=node.region_code,
        biz_msg_id=biz_msg_id or f"{node.region_code}{day:%y%m%d}{next(_serial):06d}",
        node=node,
        rectype="1000402",
        reg_type=reg_type,
        right_type="4",
        estate_num="340121001001GB00001F00010001",
        rec_flow_id=ywh,
        create_date=timezone.localtime(created).strftime("%Y-%m-%dT%H:%M:%S"),
        xml=b"<Message/>",
        digest="0" * 64,
        status=status,
        success_flag="1" if status == MessageStatus.ACCEPTED else "2",
        response_code="0000" if status == MessageStatus.ACCEPTED else "1002",
        signature_ok=True,
        received_at=received_at or created + dt.timedelta(minutes=5),
    )


def outbox(
    *,
    region: str = COUNTY,
    case_number: str,
    status: str = OutboxStatus.ACKED,
    sent_at: dt.datetime | None = None,
    rectype: str = "1000402",
    unit_code: str = "",
) -> OutboxMessage:
    now = timezone.now()
    return OutboxMessage.objects.create(
        region_code=region,
        biz_msg_id=f"{region}{now:%y%m%d}{next(_serial):06d}",
        rectype=rectype,
        unit_code=unit_code,
        case_number=case_number,
        xml=b"<Message/>",
        status=status,
        next_attempt_at=now,
        ordered_at=now,
        sent_at=sent_at,
        acked_at=sent_at,
    )
