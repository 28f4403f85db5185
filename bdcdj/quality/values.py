"""Reading row values the way every check needs them: blank or not, as text, number or date,
as shown in a message (personal values masked), and the shape tests the catalogue can name
(`looks_like: id_card | credit_code | organisation`). No database access.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from bdcdj.accounts import pii
from bdcdj.quality.rules.tables import FieldSpec

SHOWN_MAX_CHARS = 60
# Numbers beyond these decimal exponents are no real area, amount or count; refusing them keeps
# a malformed stock value such as "1e999999" from turning into a billion-digit message.
EXPONENT_RANGE = (-20, 30)

# GB 11643-1999 公民身份号码: weights of the first 17 digits and the check characters.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECKS = "10X98765432"
# GB 32100-2015 统一社会信用代码: alphabet (no I, O, S, V, Z) and weights of the first 17 characters.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value: Any) -> str:
    """Codes and free text as a trimmed string; booleans as the 是否 codes 1/0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    return str(value).strip()


def as_decimal(value: Any) -> Decimal:
    """A finite Decimal; ValueError for anything else (text, booleans, NaN)."""
    if isinstance(value, bool):
        raise ValueError("boolean is not a number")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float | str):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
    else:
        raise ValueError(f"not a number: {value!r}")
    if not number.is_finite():
        raise ValueError("not a finite number")
    if number and not EXPONENT_RANGE[0] <= number.adjusted() <= EXPONENT_RANGE[1]:
        raise ValueError("number out of range")
    return number


def as_int(value: Any) -> int:
    number = as_decimal(value)
    if number != number.to_integral_value():
        raise ValueError("not an integer")
    return int(number)


def as_date(value: Any) -> date:
    """A date from a date, a datetime or ISO text (YYYY-MM-DD, optionally with a time)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if len(text) >= 10 and text[10:11] in ("", "T", " "):
            try:
                return date.fromisoformat(text[:10])
            except ValueError:
                pass
    raise ValueError(f"not a date: {value!r}")


def number_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def shown(field: FieldSpec | None, value: Any) -> str:
    """The value as a message may show it: personal values masked, long text cut."""
    text = as_text(value)
    kind = field.personal if field is not None else ""
    if kind == "name":
        return "、".join(pii.mask_name(part) for part in text.split("、"))
    if kind == "id":
        return pii.mask_id_number(text)
    if kind == "phone":
        return pii.mask_phone(text)
    if kind == "text":
        return "***" if text else ""
    if len(text) > SHOWN_MAX_CHARS:
        return text[:SHOWN_MAX_CHARS] + "…"
    return text


def is_id_card(value: str) -> bool:
    """An 18-character resident ID number with a real birth date and a correct check character."""
    text = pii.normalise_id_number(value)
    if len(text) != 18 or not text[:17].isdigit() or text[17] not in _ID_CHECKS:
        return False
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return False
    if born.year < 1880 or born > date.today():
        return False
    total = sum(int(d) * w for d, w in zip(text[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECKS[total % 11] == text[17]


def is_credit_code(value: str) -> bool:
    """An 18-character unified social credit code with a correct check character."""
    text = pii.normalise_id_number(value)
    if len(text) != 18 or any(c not in _USCC_ALPHABET for c in text) or not text[2:8].isdigit():
        return False
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(text[:17], _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31] == text[17]


def looks_like(kind: str, value: Any) -> bool:
    text = as_text(value)
    if not text:
        return False
    if kind == "id_card":
        return is_id_card(text)
    if kind == "credit_code":
        return is_credit_code(text)
    if kind == "organisation":
        return pii.looks_like_organisation(text)
    raise ValueError(f"unknown shape {kind!r}")
