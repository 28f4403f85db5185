"""SM2 signatures of access messages (GB/T 32918 with SM3, via Tongsuo).

The signature covers SM3(Z ‖ M) where Z is computed with the standard default user ID
"1234567812345678" (GM/T 0009); Tongsuo applies it itself, and the tests cross-check every
signature against gmssl's independent implementation in both directions. Signatures travel as
128 hex characters, r ‖ s, each 32 bytes big-endian (not DER), the form gmssl uses too.

Canonical bytes of a message (what DigitalSign covers): the message exactly as sent, with the
content of its one `<DigitalSign>` element removed, i.e. `<DigitalSign></DigitalSign>`. The
sender signs those bytes and writes the hex into the element; a receiver blanks the element in
the received bytes (`message_signature`) and verifies — no re-serialisation on either side.
"""

from __future__ import annotations

import re
from functools import cache

from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from django.conf import settings
from tongsuopy.crypto import hashes, serialization
from tongsuopy.crypto.asymciphers import ec
from tongsuopy.crypto.exceptions import InvalidSignature

SIGNATURE_HEX_LENGTH = 128
_SIGN_ELEMENT = re.compile(rb"<DigitalSign>([0-9A-Fa-f]*)</DigitalSign>|<DigitalSign\s*/>")
EMPTY_SIGN_ELEMENT = b"<DigitalSign></DigitalSign>"


@cache
def _private_key(hex_key: str) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(int(hex_key, 16), ec.SM2())


def _node_key() -> ec.EllipticCurvePrivateKey:
    return _private_key(str(settings.BDCDJ_NODE_SM2_KEY).lower())


def node_public_key_hex() -> str:
    """This node's public key: uncompressed point, "04" ‖ x ‖ y (130 hex characters)."""
    point = (
        _node_key()
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return point.hex()


def sign(data: bytes) -> str:
    """SM2-with-SM3 signature of `data` with this node's key, as r ‖ s hex."""
    der = _node_key().sign(data, ec.ECDSA(hashes.SM3()))
    r, s = decode_dss_signature(der)
    return f"{r:064x}{s:064x}"


def key_generate() -> str:
    """A fresh SM2 private key as 64 hex characters (for keys other than the node's own)."""
    private_value = ec.generate_private_key(ec.SM2()).private_numbers().private_value
    return f"{private_value:064x}"


def public_key_of(private_key_hex: str) -> str:
    """The public key ("04" ‖ x ‖ y) of a private key given as hex."""
    point = (
        ec.derive_private_key(int(private_key_hex, 16), ec.SM2())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return point.hex()


def sign_with(*, private_key_hex: str, data: bytes) -> str:
    """Like `sign`, with another key than the node's (e.g. an applicant's), as r ‖ s hex. The
    key is not cached (unlike the node's), so applicants' keys do not stay in memory."""
    der = ec.derive_private_key(int(private_key_hex, 16), ec.SM2()).sign(data, ec.ECDSA(hashes.SM3()))
    r, s = decode_dss_signature(der)
    return f"{r:064x}{s:064x}"


def verify(*, public_key_hex: str, data: bytes, signature_hex: str) -> bool:
    """Whether `signature_hex` (r ‖ s) is a valid SM2 signature of `data` under the public key
    ("04" ‖ x ‖ y, or x ‖ y). Malformed keys or signatures verify as False."""
    try:
        raw = bytes.fromhex(public_key_hex)
        if len(raw) == 64:
            raw = b"\x04" + raw
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SM2(), raw)
        if len(signature_hex) != SIGNATURE_HEX_LENGTH:
            return False
        r, s = int(signature_hex[:64], 16), int(signature_hex[64:], 16)
        key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SM3()))
    except (ValueError, InvalidSignature):
        return False
    return True


def message_signature(xml: bytes) -> tuple[bytes, str]:
    """(canonical bytes, signature hex) of a message: the DigitalSign content taken out.
    ValueError unless the message has exactly one DigitalSign element."""
    found = list(_SIGN_ELEMENT.finditer(xml))
    if len(found) != 1:
        raise ValueError("报文应有且只有一个 DigitalSign 元素")
    match = found[0]
    signature = (match.group(1) or b"").decode("ascii")
    return xml[: match.start()] + EMPTY_SIGN_ELEMENT + xml[match.end() :], signature


def sign_message(xml: bytes) -> bytes:
    """The message with its DigitalSign filled in (any earlier signature is replaced)."""
    canonical, _ = message_signature(xml)
    signature = sign(canonical).encode("ascii")
    return canonical.replace(EMPTY_SIGN_ELEMENT, b"<DigitalSign>" + signature + b"</DigitalSign>", 1)


def verify_message(*, xml: bytes, public_key_hex: str) -> bool:
    """Whether the message's DigitalSign verifies under the sender's public key."""
    try:
        canonical, signature = message_signature(xml)
    except ValueError:
        return False
    return verify(public_key_hex=public_key_hex, data=canonical, signature_hex=signature)
