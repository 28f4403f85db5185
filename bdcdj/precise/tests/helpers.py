"""Envelopes as the other side would send them, for driving one side in tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bdcdj.demo.dataset import REGION
from bdcdj.precise import envelope
from bdcdj.precise.tests.conftest import COUNTY_KEY, NATIONAL, NATIONAL_KEY, PERSON_ID

URL = "/api/precise/v1"


def task_payload(serial: str = "JQ10000020260101-0001", **changes: Any) -> dict[str, Any]:
    payload = {
        "serial": serial,
        "authority": "某市中级人民法院",
        "legal_basis": "《中华人民共和国民事诉讼法》第二百五十三条",
        "purpose": "执行案件财产查控",
        "target_kind": "person",
        "target_id": PERSON_ID,
        "deadline": (timezone.now() + dt.timedelta(days=7)).isoformat(),
        "issued_at": timezone.now().isoformat(),
    }
    payload.update(changes)
    return payload


def task_envelope(
    payload: dict[str, Any] | None = None, *, recipient: str = REGION, key: str = NATIONAL_KEY
) -> bytes:
    payload = payload or task_payload()
    return envelope.seal(
        kind="task",
        sender=NATIONAL,
        recipient=recipient,
        task=payload["serial"],
        payload=payload,
        recipient_public_key_hex=envelope.public_key_of(COUNTY_KEY),
        signing_key_hex=key,
    )


def result_envelope(
    serial: str, units: list[dict[str, Any]], *, region: str = REGION, key: str = COUNTY_KEY
) -> bytes:
    return envelope.seal(
        kind="result",
        sender=region,
        recipient=NATIONAL,
        task=serial,
        payload={
            "serial": serial,
            "region": region,
            "answered_at": timezone.now().isoformat(),
            "units": units,
        },
        recipient_public_key_hex=envelope.public_key_of(NATIONAL_KEY),
        signing_key_hex=key,
    )


def post(client, path: str, body: bytes):
    return client.post(f"{URL}{path}", data=body, content_type="application/json")
