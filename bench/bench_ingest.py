"""Receiver ingest: messages/s through the full receiver path, one request per message
("single") and in batches (`/messages/batch`, "batch"), beside raw lxml parse + XSD validation
and SM2 verification alone of the same messages in the same run.

The messages are real: mortgage cases are taken to 登簿 through the case services, which write
signed access messages to the outbox. This node then registers itself as the lower node (its own
public key, a fresh token) and each message is POSTed to `/api/exchange/v1/messages` through
Django's full request path (middleware, node auth, safe parsing, signature check, XSD, quality
rules, storage, mirror, receipt) with the in-process test client, so no socket time is counted.
"""

import base64
import json
import secrets
import time
from typing import Any

from django.db import connection, transaction
from django.test import Client
from lxml import etree

from bench.bench_registration import _prepare, _staff

MESSAGES = 300
BATCH_SIZE = 50  # the relay's BATCH_MAX_MESSAGES


def _node_token(region_code: str) -> str:
    from bdcdj.exchange.signing import node_public_key_hex
    from bdcdj.hub.models import LowerNode
    from bdcdj.hub.services import node_register
    from bdcdj.hub.services.nodes import TOKEN_PREFIX, token_digest

    if LowerNode.objects.filter(region_code=region_code).exists():
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        LowerNode.objects.filter(region_code=region_code).update(
            token_hash=token_digest(token), is_active=True
        )
        return token
    return node_register(
        region_code=region_code, name="基准测试县", public_key_hex=node_public_key_hex()
    ).token


def run(*, scale: float) -> dict[str, Any]:
    from bdcdj.cases.services import case_register
    from bdcdj.exchange.messages import schema_for
    from bdcdj.exchange.models import OutboxMessage, OutboxStatus
    from bdcdj.exchange.signing import node_public_key_hex, verify_message

    if connection.vendor != "postgresql":
        raise RuntimeError("this benchmark needs PostgreSQL")
    count = max(20, int(MESSAGES * scale))
    staff = _staff()
    cases = _prepare(staff, count)
    for case in cases:
        case_register(case=case, by=staff.registrar)
    numbers = [case.number for case in cases]
    messages = list(
        OutboxMessage.objects.filter(case_number__in=numbers, status=OutboxStatus.PENDING).values_list(
            "rectype", "xml"
        )
    )
    payloads = [(rectype, bytes(xml)) for rectype, xml in messages]

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    started = time.perf_counter()
    for rectype, xml in payloads:
        schema_for(rectype).assertValid(etree.fromstring(xml, parser))
    raw_seconds = time.perf_counter() - started

    started = time.perf_counter()
    verified = sum(
        bool(verify_message(xml=xml, public_key_hex=node_public_key_hex())) for _r, xml in payloads
    )
    sm2_seconds = time.perf_counter() - started

    token = _node_token("340121")
    client = Client()
    headers = {"HTTP_X_BDCDJ_NODE": "340121", "HTTP_AUTHORIZATION": f"Bearer {token}"}
    accepted = 0
    started = time.perf_counter()
    for _rectype, xml in payloads:
        response = client.post(
            "/api/exchange/v1/messages", data=xml, content_type="application/xml", **headers
        )
        accepted += response.status_code == 200 and b"<SuccessFlag>1</SuccessFlag>" in response.content
    full_seconds = time.perf_counter() - started

    _forget([_biz_msg_id(xml) for _r, xml in payloads])
    accepted_batch = 0
    started = time.perf_counter()
    for start in range(0, len(payloads), BATCH_SIZE):
        chunk = [base64.b64encode(xml).decode("ascii") for _r, xml in payloads[start : start + BATCH_SIZE]]
        response = client.post(
            "/api/exchange/v1/messages/batch",
            data=json.dumps({"messages": chunk}),
            content_type="application/json",
            **headers,
        )
        accepted_batch += sum(r["success_flag"] == "1" for r in response.json()["receipts"])
    batch_seconds = time.perf_counter() - started

    raw_rate = len(payloads) / raw_seconds
    full_rate = len(payloads) / full_seconds
    batch_rate = len(payloads) / batch_seconds
    return {
        "messages": len(payloads),
        "accepted": accepted,
        "accepted_batch": accepted_batch,
        "batch_size": BATCH_SIZE,
        "raw_parse_validate_per_second": round(raw_rate, 1),
        "sm2_verify_per_second": round(verified / sm2_seconds, 1),
        "receiver_full_path_per_second": round(full_rate, 1),
        "receiver_batch_per_second": round(batch_rate, 1),
        "ratio": round(full_rate / raw_rate, 3),
        "ratio_batch": round(batch_rate / raw_rate, 3),
        "goal_ratio": 0.3,
        "mean_message_bytes": round(sum(len(x) for _r, x in payloads) / max(1, len(payloads))),
    }


def _biz_msg_id(xml: bytes) -> str:
    from bdcdj.exchange.messages import parse_message

    return str(parse_message(xml=xml).head["BizMsgID"])


def _forget(biz_msg_ids: list[str]) -> None:
    """Delete what the single mode stored for these messages (PROTECT foreign keys first)."""
    from bdcdj.hub.models import ForwardItem, MirrorRecord, ReceivedMessage
    from bdcdj.quality.models import QualityFinding

    with transaction.atomic():
        QualityFinding.objects.filter(subject_type="message", subject_ref__in=biz_msg_ids).delete()
        MirrorRecord.objects.filter(updated_by_message__biz_msg_id__in=biz_msg_ids).delete()
        ForwardItem.objects.filter(message__biz_msg_id__in=biz_msg_ids).delete()
        ReceivedMessage.objects.filter(biz_msg_id__in=biz_msg_ids).update(corrects=None, cleared_by=None)
        ReceivedMessage.objects.filter(biz_msg_id__in=biz_msg_ids).delete()
