"""Applicants' SM2 signing keys: made at real-name verification, the private key kept
SM4-encrypted under a key derived from BDCDJ_PII_KEY (never the PII key itself). The curve
operations are those of `exchange.signing`."""

from __future__ import annotations

import base64

from django.conf import settings

from bdcdj.core.crypto import hmac_sm3, sm4_decrypt, sm4_encrypt
from bdcdj.exchange.signing import key_generate, public_key_of, sign_with, verify

__all__ = ["key_generate", "open_sealed", "public_key_of", "seal", "sign_as", "verify"]


def _storage_key() -> bytes:
    return hmac_sm3(bytes.fromhex(settings.BDCDJ_PII_KEY), b"bdcdj portal signing keys v1")[:16]


def seal(private_key_hex: str) -> str:
    return base64.b64encode(sm4_encrypt(_storage_key(), private_key_hex.encode("ascii"))).decode("ascii")


def open_sealed(token: str) -> str:
    return sm4_decrypt(_storage_key(), base64.b64decode(token, validate=True)).decode("ascii")


def sign_as(*, sealed_private_key: str, data: bytes) -> str:
    """The applicant's SM2-with-SM3 signature (r ‖ s hex) of `data`."""
    return sign_with(private_key_hex=open_sealed(sealed_private_key), data=data)
