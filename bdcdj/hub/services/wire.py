"""The message edge, delegated to `bdcdj.exchange` (it owns the XSDs, the hardened parser and
SM2): the receiver uses exactly the code the sender uses, so both sides agree byte for byte.

Callers get `WireError` (Chinese `.message`) for unreadable input, never another exception.
"""

from __future__ import annotations

from dataclasses import dataclass

from bdcdj.exchange.messages import MessageError, parse_message, validate_message
from bdcdj.exchange.signing import verify_message


class WireError(Exception):
    """Bad message bytes; `.message` is Chinese and safe to put into a receipt."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Parsed:
    head: dict[str, str]
    rows: dict[str, list[dict[str, str]]]


def parse(*, xml: bytes, max_bytes: int) -> Parsed:
    """Head values and data rows; WireError for oversized, DOCTYPE/entities, malformed, wrong shape."""
    try:
        parsed = parse_message(xml=xml, max_bytes=max_bytes)
    except MessageError as exc:
        raise WireError(exc.message) from exc
    return Parsed(head=dict(parsed.head), rows={t: [dict(r) for r in rs] for t, rs in parsed.rows.items()})


def schema_errors(*, xml: bytes) -> list[str]:
    """XSD errors (Chinese) against the schema of the message's RecType; empty when valid."""
    return [str(error) for error in validate_message(xml=xml)]


def signature_valid(*, xml: bytes, public_key_hex: str) -> bool:
    """Whether Head/DigitalSign is a valid SM2 signature by `public_key_hex` over the message
    with the DigitalSign content removed (the contract of `bdcdj.exchange.signing`)."""
    return bool(verify_message(xml=xml, public_key_hex=public_key_hex))
