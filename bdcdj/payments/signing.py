"""HMAC-SM3 signatures of the payment protocol, shared by our client and the simulator.

The signed text is `<timestamp>\\n<nonce>\\n<body>`; headers X-Pay-Timestamp (Unix seconds),
X-Pay-Nonce (random, used once) and X-Pay-Signature (hex). No Django here: the simulator
runs without it.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Mapping

from bdcdj.core.crypto import hmac_sm3_hex

TIMESTAMP = "X-Pay-Timestamp"
NONCE = "X-Pay-Nonce"
SIGNATURE = "X-Pay-Signature"


def sign(
    *, secret: str, body: bytes, timestamp: int | None = None, nonce: str | None = None
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    once = nonce or secrets.token_hex(16)
    mac = hmac_sm3_hex(secret.encode("utf-8"), ts.encode() + b"\n" + once.encode() + b"\n" + body)
    return {TIMESTAMP: ts, NONCE: once, SIGNATURE: mac}


def verify(*, secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    ts, once, given = headers.get(TIMESTAMP, ""), headers.get(NONCE, ""), headers.get(SIGNATURE, "")
    if not ts.isdigit() or not once or len(once) > 64 or not given:
        return False
    mac = hmac_sm3_hex(secret.encode("utf-8"), ts.encode() + b"\n" + once.encode() + b"\n" + body)
    return hmac.compare_digest(mac, given.lower())
