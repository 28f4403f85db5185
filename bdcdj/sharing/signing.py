"""Signed HTTP/JSON between our node and a department (HMAC-SM3 with a key shared per
department). Used by our client, our court-order receiver and the simulator, so it stays
Django-free.

Request signature:  HMAC-SM3(key, "REQ\\n{method}\\n{path}\\n{timestamp}\\n{nonce}\\n{SM3(body)}")
Response signature: HMAC-SM3(key, "RESP\\n{status}\\n{request nonce}\\n{timestamp}\\n{nonce}\\n{SM3(body)}")

The timestamp must be within `WINDOW_SECONDS` of the receiver's clock and a nonce is accepted
once (the receiver remembers nonces for the window). A response names the nonce of the request
it answers, so an old response replayed to a new request is refused.
"""

import hmac
import os
import time
from collections.abc import Mapping

from bdcdj.core.crypto import hmac_sm3, hmac_sm3_hex, sm3_hex

WINDOW_SECONDS = 300
H_DEPT = "X-Sharing-Department"
H_TIME = "X-Sharing-Timestamp"
H_NONCE = "X-Sharing-Nonce"
H_REQUEST_NONCE = "X-Sharing-Request-Nonce"
H_SIGNATURE = "X-Sharing-Signature"
DEV_MASTER_KEY = "73686172696e672d6465762d6b657921"  # development only; refused in production


class SignatureError(ValueError):
    """The message is not signed by the expected party, is stale or is a replay."""


def department_key(*, master_hex: str, credentials_ref: str, env: Mapping[str, str] | None = None) -> bytes:
    """Key shared with one department: `BDCDJ_SHARING_KEY_<REF>` (32 hex chars) when set, else
    derived from the master key so a development node and the simulator agree without setup."""
    env = os.environ if env is None else env
    explicit = env.get(f"BDCDJ_SHARING_KEY_{credentials_ref.upper()}", "")
    if explicit:
        return bytes.fromhex(explicit)
    return hmac_sm3(bytes.fromhex(master_hex), f"bdcdj sharing {credentials_ref}".encode())[:16]


def new_nonce() -> str:
    return os.urandom(16).hex()


def _request_text(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return f"REQ\n{method.upper()}\n{path}\n{timestamp}\n{nonce}\n{sm3_hex(body)}".encode()


def _response_text(status: int, request_nonce: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return f"RESP\n{status}\n{request_nonce}\n{timestamp}\n{nonce}\n{sm3_hex(body)}".encode()


def sign_request(*, key: bytes, method: str, path: str, body: bytes, department: str) -> dict[str, str]:
    timestamp, nonce = str(int(time.time())), new_nonce()
    return {
        H_DEPT: department,
        H_TIME: timestamp,
        H_NONCE: nonce,
        H_SIGNATURE: hmac_sm3_hex(key, _request_text(method, path, timestamp, nonce, body)),
    }


def sign_response(*, key: bytes, status: int, request_nonce: str, body: bytes) -> dict[str, str]:
    timestamp, nonce = str(int(time.time())), new_nonce()
    return {
        H_TIME: timestamp,
        H_NONCE: nonce,
        H_REQUEST_NONCE: request_nonce,
        H_SIGNATURE: hmac_sm3_hex(key, _response_text(status, request_nonce, timestamp, nonce, body)),
    }


def _fresh(timestamp: str, now: float | None) -> None:
    try:
        moment = int(timestamp)
    except ValueError as exc:
        raise SignatureError("时间戳格式有误") from exc
    if abs((time.time() if now is None else now) - moment) > WINDOW_SECONDS:
        raise SignatureError("时间戳超出允许范围")


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    raise SignatureError(f"缺少签名头 {name}")


def verify_request(
    *, key: bytes, method: str, path: str, body: bytes, headers: Mapping[str, str], now: float | None = None
) -> str:
    """Check signature and freshness; returns the nonce, which the caller must accept only once."""
    timestamp, nonce = _header(headers, H_TIME), _header(headers, H_NONCE)
    _fresh(timestamp, now)
    expected = hmac_sm3_hex(key, _request_text(method, path, timestamp, nonce, body))
    if not hmac.compare_digest(expected, _header(headers, H_SIGNATURE)):
        raise SignatureError("请求签名无效")
    return nonce


def verify_response(
    *,
    key: bytes,
    status: int,
    request_nonce: str,
    body: bytes,
    headers: Mapping[str, str],
    now: float | None = None,
) -> None:
    if _header(headers, H_REQUEST_NONCE) != request_nonce:
        raise SignatureError("应答不是对本次请求的应答（疑似重放）")
    timestamp, nonce = _header(headers, H_TIME), _header(headers, H_NONCE)
    _fresh(timestamp, now)
    expected = hmac_sm3_hex(key, _response_text(status, request_nonce, timestamp, nonce, body))
    if not hmac.compare_digest(expected, _header(headers, H_SIGNATURE)):
        raise SignatureError("应答签名无效")
