"""Reconciliation of what a county delivered (acked outbox) with the upper node's mirror, through
the node-authenticated reconcile API."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from bdcdj.exchange.models import OutboxMessage, OutboxStatus
from bdcdj.hub.models import MirrorRecord
from bdcdj.hub.tests.factories import COUNTY, message_xml
from bdcdj.reconcile.protocol import reconcile
from bdcdj.reconcile.sources import mirror_records, sent_records, tree_of

pytestmark = pytest.mark.django_db


class ClientPeer:
    """The reconcile API through Django's test client, counting bytes like the HTTP peer."""

    def __init__(self, token: str, region: str = COUNTY) -> None:
        self.client = Client()
        self.headers = {"X-Bdcdj-Node": region, "Authorization": f"Bearer {token}"}
        self.sent = self.received = 0

    def _post(self, op: str, payload: dict) -> dict:
        body = json.dumps(payload)
        response = self.client.post(
            f"/api/reconcile/v1/{op}", data=body, content_type="application/json", headers=self.headers
        )
        assert response.status_code == 200, response.content
        self.sent, self.received = self.sent + len(body), self.received + len(response.content)
        return response.json()

    def summary(self):
        return self._post("summary", {})

    def children(self, prefixes):
        return self._post("children", {"prefixes": prefixes})

    def entries(self, prefixes):
        return self._post("entries", {"prefixes": prefixes})


def _deliver(sender, count: int) -> None:
    """Each message is acked in the county outbox and accepted by the upper node's receiver."""
    for n in range(1, count + 1):
        xml = message_xml(
            biz_msg_id=f"34012124050600{n:04d}", ywh=f"2024-{n:06d}", unit=f"340121001001GB00001F0001{n:04d}"
        )
        response = sender.post(xml)
        assert b"<SuccessFlag>1</SuccessFlag>" in response.content, response.content
        OutboxMessage.objects.create(
            region_code=COUNTY,
            biz_msg_id=f"34012124050600{n:04d}",
            rectype="1000402",
            unit_code=f"340121001001GB00001F0001{n:04d}",
            case_number=f"2024-{n:06d}",
            xml=xml,
            status=OutboxStatus.ACKED,
            next_attempt_at=timezone.now(),
            acked_at=timezone.now(),
            ordered_at=timezone.now(),
        )


def test_delivered_data_and_the_mirror_agree(sender):
    _deliver(sender, 6)
    sent = sent_records(region_code=COUNTY)
    assert sent and sent == mirror_records(region_code=COUNTY)
    peer = ClientPeer(sender.token)
    assert reconcile(tree_of(sent), peer).total == 0


def test_a_tampered_mirror_row_and_a_lost_row_are_named(sender):
    _deliver(sender, 6)
    tampered = MirrorRecord.objects.filter(region_code=COUNTY, table="QLT_FW_FDCQ_YZ").order_by("id").first()
    MirrorRecord.objects.filter(pk=tampered.pk).update(record_hash="0" * 64)
    lost = MirrorRecord.objects.filter(region_code=COUNTY, table="ZTT_GY_QLR").order_by("id").last()
    MirrorRecord.objects.filter(pk=lost.pk).delete()
    diff = reconcile(tree_of(sent_records(region_code=COUNTY)), ClientPeer(sender.token))
    assert diff.changed == [f"{tampered.table}|{tampered.row_key}"]
    assert diff.only_local == [f"{lost.table}|{lost.row_key}"]
    assert diff.only_remote == []


def test_the_api_refuses_unknown_nodes_and_bad_prefixes(sender):
    _deliver(sender, 1)
    client = Client()
    refused = client.post(
        "/api/reconcile/v1/summary",
        data="{}",
        content_type="application/json",
        headers={"X-Bdcdj-Node": COUNTY, "Authorization": "Bearer wrong"},
    )
    assert refused.status_code == 403 and "节点未授权" in refused.json()["message"]
    peer_headers = {"X-Bdcdj-Node": COUNTY, "Authorization": f"Bearer {sender.token}"}
    bad = client.post(
        "/api/reconcile/v1/children",
        data=json.dumps({"prefixes": ["zz"]}),
        content_type="application/json",
        headers=peer_headers,
    )
    assert bad.status_code == 400 and bad.json()["code"] == "bad_prefix"
    leaf = client.post(
        "/api/reconcile/v1/entries",
        data=json.dumps({"prefixes": [""]}),
        content_type="application/json",
        headers=peer_headers,
    )
    assert leaf.status_code == 400
