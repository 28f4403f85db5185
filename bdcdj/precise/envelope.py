"""Sealed, signed envelopes between the national node and county nodes (wire format).

An envelope is one JSON object whose values are all ASCII:

    v, type, sender, recipient, task, nonce, sent_at, key, data, sig

* `data`: base64 of IV ‖ SM4-CBC(payload JSON, UTF-8) under a fresh 16-byte content key
  (`core.crypto.sm4_encrypt`); empty for a pull request.
* `key`: base64 of that content key encrypted to the recipient's SM2 public key — SM2 public-key
  encryption (GB/T 32918.4) by Tongsuo's `EVP_PKEY_encrypt`, ciphertext in the GM/T 0009 ASN.1
  form SEQUENCE{x, y, C3 (SM3), C2}. tongsuopy's Python API signs and verifies but has no
  encrypt call, so the two operations go through the Tongsuo library it ships (`_pkey_op`); the
  tests decrypt our ciphertexts with gmssl, an independent implementation.
* `sig`: SM2-with-SM3 signature (r ‖ s hex, as `exchange.signing`) by the sender's node key over
  the canonical bytes: the other nine fields as JSON with sorted keys and no spaces. Any change to
  any field, including the ciphertexts, breaks it.

`task` (the task serial) and `nonce` are in clear so the receiver can refuse replays and bind a
result to its task before decrypting; neither says who was queried.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from tongsuopy.backends.tongsuo.backend import backend as _tongsuo
from tongsuopy.crypto import hashes
from tongsuopy.crypto.asymciphers import ec

from bdcdj.core.crypto import SM4_KEY_BYTES, sm4_decrypt, sm4_encrypt
from bdcdj.core.errors import Forbidden, InvalidInput
from bdcdj.exchange import signing

VERSION = 1
KINDS = frozenset({"task", "result", "pull"})
FIELDS = ("v", "type", "sender", "recipient", "task", "nonce", "sent_at", "key", "data")
MAX_ENVELOPE_BYTES = 4 * 1024 * 1024
_REGION = re.compile(r"^\d{6}$")
_NONCE = re.compile(r"^[0-9a-f]{32}$")
_SERIAL = re.compile(r"^[0-9A-Za-z-]{0,40}$")


@dataclass(frozen=True)
class Envelope:
    kind: str
    sender: str
    recipient: str
    task: str
    nonce: str
    sent_at: dt.datetime
    key: str
    data: str
    sig: str
    fields: dict[str, Any]

    def canonical(self) -> bytes:
        return _canonical(self.fields)


def _canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps({k: fields[k] for k in FIELDS}, sort_keys=True, separators=(",", ":")).encode("ascii")


@cache
def private_key(key_hex: str) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(int(key_hex, 16), ec.SM2())


def _public_key(public_key_hex: str) -> ec.EllipticCurvePublicKey:
    raw = bytes.fromhex(public_key_hex)
    if len(raw) == 64:
        raw = b"\x04" + raw
    return ec.EllipticCurvePublicKey.from_encoded_point(ec.SM2(), raw)


def public_key_of(key_hex: str) -> str:
    """ "04" ‖ x ‖ y of the private key `key_hex` (what the other side registers)."""
    numbers = private_key(key_hex).public_key().public_numbers()
    return f"04{numbers.x:064x}{numbers.y:064x}"


def _pkey_op(evp_pkey: Any, init: Callable[[Any], int], op: Callable[..., int], data: bytes) -> bytes:
    """One EVP_PKEY_encrypt/decrypt call of Tongsuo; ValueError (error queue cleared) on failure."""
    lib, ffi = _tongsuo._lib, _tongsuo._ffi
    ctx = lib.EVP_PKEY_CTX_new(evp_pkey, ffi.NULL)
    if ctx == ffi.NULL:
        lib.ERR_clear_error()
        raise ValueError("EVP_PKEY_CTX_new failed")
    ctx = ffi.gc(ctx, lib.EVP_PKEY_CTX_free)
    size = ffi.new("size_t *")
    if init(ctx) != 1 or op(ctx, ffi.NULL, size, data, len(data)) != 1:
        lib.ERR_clear_error()
        raise ValueError("SM2 operation refused")
    out = ffi.new("unsigned char[]", size[0])
    if op(ctx, out, size, data, len(data)) != 1:
        lib.ERR_clear_error()
        raise ValueError("SM2 operation failed")
    return bytes(ffi.buffer(out, size[0]))


def sm2_encrypt(*, public_key_hex: str, plaintext: bytes) -> bytes:
    key = _public_key(public_key_hex)
    lib = _tongsuo._lib
    return _pkey_op(key._evp_pkey, lib.EVP_PKEY_encrypt_init, lib.EVP_PKEY_encrypt, plaintext)


def sm2_decrypt(*, private_key_hex: str, ciphertext: bytes) -> bytes:
    key = private_key(private_key_hex)
    lib = _tongsuo._lib
    return _pkey_op(key._evp_pkey, lib.EVP_PKEY_decrypt_init, lib.EVP_PKEY_decrypt, ciphertext)


def sign_with(*, private_key_hex: str, data: bytes) -> str:
    """`exchange.signing.sign` with an explicit key (a node hosting several virtual endpoints)."""
    der = private_key(private_key_hex).sign(data, ec.ECDSA(hashes.SM3()))
    r, s = decode_dss_signature(der)
    return f"{r:064x}{s:064x}"


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def seal(
    *,
    kind: str,
    sender: str,
    recipient: str,
    task: str,
    payload: dict[str, Any] | None,
    recipient_public_key_hex: str,
    signing_key_hex: str,
    sent_at: dt.datetime | None = None,
) -> bytes:
    """The envelope bytes: payload encrypted for the recipient, signed by the sender."""
    key_b64 = data_b64 = ""
    if payload is not None:
        content_key = os.urandom(SM4_KEY_BYTES)
        plain = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        data_b64 = base64.b64encode(sm4_encrypt(content_key, plain)).decode("ascii")
        wrapped = sm2_encrypt(public_key_hex=recipient_public_key_hex, plaintext=content_key)
        key_b64 = base64.b64encode(wrapped).decode("ascii")
    fields: dict[str, Any] = {
        "v": VERSION,
        "type": kind,
        "sender": sender,
        "recipient": recipient,
        "task": task,
        "nonce": secrets.token_hex(16),
        "sent_at": (sent_at or now_utc()).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "key": key_b64,
        "data": data_b64,
    }
    fields["sig"] = sign_with(private_key_hex=signing_key_hex, data=_canonical(fields))
    return json.dumps(fields, separators=(",", ":")).encode("ascii")


def reseal(raw: bytes, *, signing_key_hex: str) -> bytes:
    """The same sealed content under a fresh nonce, time and signature — for a retry after the
    clock window, by a sender that cannot (and need not) decrypt what it sends again."""
    fields = json.loads(raw)
    fields["nonce"] = secrets.token_hex(16)
    fields["sent_at"] = now_utc().strftime("%Y-%m-%dT%H:%M:%SZ")
    fields["sig"] = sign_with(private_key_hex=signing_key_hex, data=_canonical(fields))
    return json.dumps(fields, separators=(",", ":")).encode("ascii")


def _malformed(detail: str) -> InvalidInput:
    return InvalidInput(code="envelope_malformed", message=f"报文信封格式错误：{detail}")


def parse(raw: bytes) -> Envelope:
    """The envelope's fields, checked for form only (no signature, no decryption)."""
    if len(raw) > MAX_ENVELOPE_BYTES:
        raise InvalidInput(code="envelope_too_large", message="报文信封过大")
    try:
        fields = json.loads(raw.decode("ascii"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _malformed("不是 ASCII JSON") from exc
    if not isinstance(fields, dict) or set(fields) != {*FIELDS, "sig"}:
        raise _malformed("字段不符")
    if fields["v"] != VERSION or fields["type"] not in KINDS:
        raise _malformed("版本或类型不支持")
    if not all(isinstance(fields[k], str) for k in (*FIELDS[1:], "sig")):
        raise _malformed("字段值应为字符串")
    if not (_REGION.match(fields["sender"]) and _REGION.match(fields["recipient"])):
        raise _malformed("发送方或接收方区划代码无效")
    if not _NONCE.match(fields["nonce"]) or not _SERIAL.match(fields["task"]):
        raise _malformed("随机数或任务编号无效")
    try:
        sent_at = dt.datetime.strptime(fields["sent_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError as exc:
        raise _malformed("发送时间格式有误") from exc
    return Envelope(
        kind=fields["type"],
        sender=fields["sender"],
        recipient=fields["recipient"],
        task=fields["task"],
        nonce=fields["nonce"],
        sent_at=sent_at,
        key=fields["key"],
        data=fields["data"],
        sig=fields["sig"],
        fields=fields,
    )


def verify(envelope: Envelope, *, public_key_hex: str) -> None:
    """Forbidden unless the sender's signature covers every field."""
    if not signing.verify(
        public_key_hex=public_key_hex, data=envelope.canonical(), signature_hex=envelope.sig
    ):
        raise Forbidden(code="signature_invalid", message="签名验证失败：报文信封被篡改或不是该节点签发")


def open_payload(envelope: Envelope, *, private_key_hex: str) -> dict[str, Any]:
    """The decrypted payload; InvalidInput when it cannot be read with this node's key."""
    try:
        content_key = sm2_decrypt(
            private_key_hex=private_key_hex, ciphertext=base64.b64decode(envelope.key, validate=True)
        )
        plain = sm4_decrypt(content_key, base64.b64decode(envelope.data, validate=True))
        payload = json.loads(plain.decode("utf-8"))
    except (ValueError, binascii.Error) as exc:
        raise InvalidInput(
            code="envelope_undecryptable", message="报文信封无法解密：不是发给本节点的或已损坏"
        ) from exc
    if not isinstance(payload, dict):
        raise _malformed("载荷应为对象")
    return payload
