"""Personal data at rest: SM4-encrypted names and ID numbers, an HMAC-SM3 blind index for
exact lookup by ID number, and masking for display.

Ciphertexts are stored as base64 text (IV || SM4-CBC). The blind index key is separate
from the encryption key (BDCDJ_INDEX_KEY, or derived from BDCDJ_PII_KEY) so that leaking
indexes does not weaken the ciphertexts. Clear values are shown only through the audited
`accounts.services.pii_reveal`.
"""

import base64
import binascii
import functools
import unicodedata
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from bdcdj.core.crypto import hmac_sm3, hmac_sm3_hex, sm4_decrypt, sm4_encrypt

# Endings that mark a party as an organisation (企业、机关、事业单位), whose name is public.
ORGANISATION_SUFFIXES = (
    "公司",
    "银行",
    "分行",
    "支行",
    "集团",
    "中心",
    "委员会",
    "合作社",
    "联合社",
    "政府",
    "管理局",
    "办事处",
    "医院",
    "学校",
    "大学",
    "学院",
    "研究所",
    "研究院",
    "事务所",
    "基金会",
    "协会",
    "商会",
    "工厂",
)
# A middle dot marks a transliterated personal name (e.g. 阿卜杜拉·买买提), however long.
_NAME_DOTS = ("·", "•", "・")


class PiiDecryptError(ValueError):
    """The ciphertext cannot be read: wrong key, damaged or not a ciphertext at all."""


@functools.cache
def _pii_key() -> bytes:
    return bytes.fromhex(settings.BDCDJ_PII_KEY)


@functools.cache
def _index_key() -> bytes:
    if settings.BDCDJ_INDEX_KEY:
        return bytes.fromhex(settings.BDCDJ_INDEX_KEY)
    return hmac_sm3(_pii_key(), b"bdcdj blind index v1")


@receiver(setting_changed)
def _reset_key_cache(*, setting: str, **kwargs: Any) -> None:
    """Keys are cached per process; tests that override them must see the new value."""
    if setting in {"BDCDJ_PII_KEY", "BDCDJ_INDEX_KEY"}:
        _pii_key.cache_clear()
        _index_key.cache_clear()


def encrypt_text(value: str) -> str:
    if value == "":
        return ""
    return base64.b64encode(sm4_encrypt(_pii_key(), value.encode("utf-8"))).decode("ascii")


def decrypt_text(token: str) -> str:
    """Inverse of `encrypt_text`; raises PiiDecryptError on a wrong key or damaged data."""
    if token == "":
        return ""
    try:
        return sm4_decrypt(_pii_key(), base64.b64decode(token, validate=True)).decode("utf-8")
    except (ValueError, binascii.Error) as exc:  # UnicodeDecodeError is a ValueError
        raise PiiDecryptError("PII ciphertext cannot be decrypted") from exc


def normalise_id_number(value: str) -> str:
    """ID numbers compare without spaces, in half-width form, with an upper-case check letter (X)."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def blind_index(id_number: str) -> str:
    """Deterministic keyed digest of a normalised ID number; equal numbers give equal indexes."""
    normalised = normalise_id_number(id_number)
    if not normalised:
        return ""
    return hmac_sm3_hex(_index_key(), normalised.encode("utf-8"))


def keyed_digest(value: str, *, purpose: str) -> str:
    """HMAC-SM3 of `value` under the index key, separated by `purpose`, for correlating
    values (e.g. unknown login names) without storing them."""
    return hmac_sm3_hex(_index_key(), f"{purpose}\x00{value}".encode())


def looks_like_organisation(name: str) -> bool:
    name = name.strip()
    if any(dot in name for dot in _NAME_DOTS):
        return False
    return name.endswith(ORGANISATION_SUFFIXES) or len(name) > 6


def mask_name(name: str, *, organisation: bool | None = None) -> str:
    """张三 → 张*; 张小三 → 张*三; 欧阳小三 → 欧**三; organisations keep their name.

    Pass `organisation` when the party type is known (权利人类型); otherwise the name is
    guessed from its ending and length.
    """
    name = name.strip()
    if organisation is None:
        organisation = looks_like_organisation(name)
    if organisation or len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
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


def mask_username(username: str) -> str:
    """First character and a fixed run of stars: people sometimes type a password into the
    user-name box, so neither the rest nor the length of an unknown name is kept."""
    username = username.strip()
    if not username:
        return ""
    return username[0] + "***"
