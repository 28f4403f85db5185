"""Personal data at rest: SM4-encrypted names and ID numbers, an HMAC-SM3 blind index for
exact lookup by ID number, and masking for display.

Ciphertexts are stored as base64 text (IV || SM4-CBC). The blind index key is separate
from the encryption key (BDCDJ_INDEX_KEY, or derived from BDCDJ_PII_KEY) so that leaking
indexes does not weaken the ciphertexts.
"""

import base64
import functools

from django.conf import settings

from bdcdj.core.crypto import hmac_sm3, hmac_sm3_hex, sm4_decrypt, sm4_encrypt


@functools.cache
def _pii_key() -> bytes:
    return bytes.fromhex(settings.BDCDJ_PII_KEY)


@functools.cache
def _index_key() -> bytes:
    if settings.BDCDJ_INDEX_KEY:
        return bytes.fromhex(settings.BDCDJ_INDEX_KEY)
    return hmac_sm3(_pii_key(), b"bdcdj blind index v1")


def encrypt_text(value: str) -> str:
    if value == "":
        return ""
    return base64.b64encode(sm4_encrypt(_pii_key(), value.encode("utf-8"))).decode("ascii")


def decrypt_text(token: str) -> str:
    if token == "":
        return ""
    return sm4_decrypt(_pii_key(), base64.b64decode(token)).decode("utf-8")


def normalise_id_number(value: str) -> str:
    """ID numbers compare without spaces and with an upper-case check letter (X)."""
    return "".join(value.split()).upper()


def blind_index(id_number: str) -> str:
    """Deterministic keyed digest of a normalised ID number; equal numbers give equal indexes."""
    normalised = normalise_id_number(id_number)
    if not normalised:
        return ""
    return hmac_sm3_hex(_index_key(), normalised.encode("utf-8"))


def mask_name(name: str) -> str:
    """张三 → 张*; 张小三 → 张*三; 欧阳小三 → 欧**三; organisations keep their name."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    if len(name) > 6:  # organisation names are public (企业/机关)
        return name
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(id_number: str) -> str:
    """3401211990010112X4 → 3401**********12X4: region prefix and last four kept."""
    value = normalise_id_number(id_number)
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(phone: str) -> str:
    value = "".join(phone.split())
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
