"""Verification codes printed on certificates and proofs.

A code is 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), about 60 bits:
with the per-client and per-number rate limits, guessing one is out of reach. Only a keyed
digest (HMAC-SM3 under the index key) is stored, so a database copy does not reveal codes.
"""

from __future__ import annotations

import hmac
import secrets
import unicodedata

from bdcdj.accounts.pii import keyed_digest

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 12
GROUP = 4


def code_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_display(code: str) -> str:
    """ABCD-EFGH-JKMN: easier to read out and type."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def code_normalise(value: str) -> str:
    text = unicodedata.normalize("NFKC", value or "").upper()
    return "".join(ch for ch in text if ch.isalnum())


def code_hash(code: str) -> str:
    return keyed_digest(code_normalise(code), purpose="certs.verify_code")


def code_matches(code: str, stored_hash: str) -> bool:
    normalised = code_normalise(code)
    if len(normalised) != LENGTH or any(ch not in ALPHABET for ch in normalised):
        return False
    return hmac.compare_digest(code_hash(normalised), stored_hash)
