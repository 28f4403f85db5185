"""Validation of what an applicant states (申请信息): typed fields and parties.

Fields come from the business type (catalogue) plus the district's custom fields (workflow);
values are stored JSON-safe (decimals as strings, dates ISO). Parties are checked here and
stored only encrypted (`party_rows`); nothing here logs or echoes a name or ID number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from bdcdj.accounts import pii
from bdcdj.cases.models import Case, CaseParty
from bdcdj.cases.workflows import CASE_ONLY_ROLES, BusinessType, FieldSpec
from bdcdj.standards.selectors import dictionary_has

MAX_PARTIES = 50
AMOUNT_MAX_WAN = Decimal("10000000")
AREA_MAX = Decimal("10000000")
NUMBER_MAX = Decimal("1000000000000")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
PHONE_RE = re.compile(r"^[0-9+\-\s]{5,20}$")
PERSON = "1"
RESIDENT_ID = "1"


@dataclass(frozen=True)
class PartyInput:
    role: str
    name: str
    party_type: str = PERSON
    id_type: str = ""
    id_number: str = ""
    share: Decimal | None = None
    phone: str = ""


def _resident_id_ok(value: str) -> bool:
    """18-digit 居民身份证号 with its ISO 7064 check character."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == value[17]


def _decimal(value: Any, places: int) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "" or len(str(value)) > 40:
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number.as_tuple().exponent < -places:  # type: ignore[operator]
        return None
    return number


def clean_parties(
    bt: BusinessType, raw: Sequence[Mapping[str, Any]], errors: dict[str, str], data: Mapping[str, Any]
) -> list[PartyInput]:
    allowed = {p.role: p.label for p in bt.parties} | CASE_ONLY_ROLES
    if not isinstance(raw, list | tuple) or len(raw) > MAX_PARTIES:
        errors["parties"] = f"当事人应为列表，最多{MAX_PARTIES}名"
        return []
    parties: list[PartyInput] = []
    for i, item in enumerate(raw):
        p = f"parties[{i}]."
        if not isinstance(item, Mapping):
            errors[f"parties[{i}]"] = "当事人应为对象"
            continue
        role = str(item.get("role", ""))
        if role not in allowed:
            errors[p + "role"] = "本业务的当事人类别应为：" + "、".join(
                f"{k}（{v}）" for k, v in allowed.items()
            )
        name = " ".join(str(item.get("name", "")).split())
        if any("\x00" in str(item.get(key) or "") for key in ("name", "id_number", "phone", "role")):
            errors[p + "name"] = "包含不允许的控制字符"
        elif not name:
            errors[p + "name"] = "姓名或名称必填"
        elif len(name) > 200:
            errors[p + "name"] = "姓名或名称最长200个字符"
        party_type = str(item.get("party_type") or PERSON)
        if not dictionary_has(code="QLRLX", value=party_type):
            errors[p + "party_type"] = "权利人类型无效（1 个人、2 企业、3 事业单位、4 国家机关、99 其它）"
        id_type = str(item.get("id_type") or "")
        id_number = pii.normalise_id_number(str(item.get("id_number") or ""))
        if id_type and not dictionary_has(code="ZJZL", value=id_type):
            errors[p + "id_type"] = "证件种类无效"
        if id_number and not id_type:
            errors[p + "id_type"] = "填写证件号时须填写证件种类"
        if len(id_number) > 50:
            errors[p + "id_number"] = "证件号最长50个字符"
        elif id_type == RESIDENT_ID and id_number and not _resident_id_ok(id_number):
            errors[p + "id_number"] = "居民身份证号码格式或校验位有误"
        registered = role in {spec.role for spec in bt.parties} and role not in CASE_ONLY_ROLES
        if party_type == PERSON and registered and not id_number:
            errors[p + "id_number"] = "个人当事人须填写证件号"
        share = None
        if item.get("share") not in (None, ""):
            share = _decimal(item.get("share"), 4)
            if share is None or not Decimal("0") < share <= Decimal("100"):
                errors[p + "share"] = "份额应为大于0且不超过100的数字（最多4位小数）"
        phone = str(item.get("phone") or "").strip()
        if phone and not PHONE_RE.match(phone):
            errors[p + "phone"] = "电话号码格式有误"
        parties.append(PartyInput(role, name, party_type, id_type, id_number, share, phone))
    for spec in bt.parties:
        count = sum(1 for party in parties if party.role == spec.role)
        minimum = spec.minimum_for(dict(data))
        if count < minimum:
            errors.setdefault("parties", f"须填写{spec.label}（至少{minimum}名）")
    return parties


def _clean_value(spec: FieldSpec, value: Any) -> tuple[Any, str]:
    """(JSON-safe value, error message or "")."""
    kind = spec.type
    if kind in {"string", "text"}:
        if not isinstance(value, str):
            return None, "应为文字"
        text = value.strip()
        limit = 200 if kind == "string" else 2000
        if "\x00" in text:
            return None, "包含不允许的控制字符"
        return text, (f"最长{limit}个字符" if len(text) > limit else "")
    if kind in {"int", "right"}:
        if isinstance(value, bool) or not isinstance(value, int | str) or len(str(value)) > 18:
            return None, "应为整数"
        try:
            whole = int(str(value).strip())
        except ValueError:
            return None, "应为整数"
        return whole, ("应为正整数" if whole <= 0 and kind == "right" else "")
    if kind in {"decimal", "amount_wan", "area"}:
        places = {"decimal": 4, "amount_wan": 4, "area": 2}[kind]
        number = _decimal(value, places)
        if number is None:
            return None, f"应为数字（最多{places}位小数）"
        if abs(number) > NUMBER_MAX:
            return None, "数值超出范围"
        if number < 0 or (kind == "area" and number == 0):
            return None, "应大于0" if kind == "area" else "不能为负数"
        if kind == "amount_wan" and number > AMOUNT_MAX_WAN:
            return None, "金额明显过大，单位为万元"
        if kind == "area" and number > AREA_MAX:
            return None, "面积明显过大"
        return format(number, "f"), ""
    if kind == "date":
        try:
            return date.fromisoformat(str(value)).isoformat(), ""
        except ValueError:
            return None, "应为日期（YYYY-MM-DD）"
    if kind == "bool":
        if isinstance(value, bool):
            return value, ""
        return None, "应为 true 或 false"
    if kind == "choice":
        allowed = {c[0]: c[1] for c in spec.choices}
        text = str(value)
        if text not in allowed:
            return None, "应为：" + "、".join(f"{k} {v}" for k, v in allowed.items())
        return text, ""
    return None, "未知字段类型"


def clean_data(fields: Iterable[FieldSpec], raw: Mapping[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        errors["data"] = "申请信息应为对象"
        return {}
    specs = {f.code: f for f in fields}
    for key in raw:
        if key not in specs:
            errors[f"data.{key}"] = "未知字段"
    cleaned: dict[str, Any] = {}
    for code, spec in specs.items():
        value = raw.get(code)
        if value is None or value == "":
            if spec.required_for(dict(raw)):
                errors[f"data.{code}"] = f"{spec.label}必填"
            continue
        clean, message = _clean_value(spec, value)
        if not message and spec.dictionary and not dictionary_has(code=spec.dictionary, value=str(clean)):
            message = f"不在字典 {spec.dictionary} 中"
        if message:
            errors[f"data.{code}"] = f"{spec.label}{message}"
        else:
            cleaned[code] = clean
    return cleaned


def workflow_fields(bt: BusinessType, custom: Sequence[Mapping[str, Any]]) -> list[FieldSpec]:
    return [*bt.fields, *(FieldSpec.from_dict(dict(c)) for c in custom)]


def party_rows(case: Case, parties: Sequence[PartyInput]) -> list[CaseParty]:
    rows = []
    for order, party in enumerate(parties, start=1):
        organisation = party.party_type != PERSON
        rows.append(
            CaseParty(
                case=case,
                region_code=case.region_code,
                role=party.role,
                order=order,
                party_type=party.party_type,
                name_enc=pii.encrypt_text(party.name),
                name_masked=pii.mask_name(party.name, organisation=organisation),
                id_type=party.id_type,
                id_number_enc=pii.encrypt_text(party.id_number),
                id_masked=pii.mask_id_number(party.id_number) if party.id_number else "",
                id_index=pii.blind_index(party.id_number),
                share=party.share,
                phone_enc=pii.encrypt_text(party.phone),
            )
        )
    return rows


def party_clear(row: CaseParty) -> PartyInput:
    """The clear values of a stored party, for building registration items and documents."""
    return PartyInput(
        role=row.role,
        name=pii.decrypt_text(row.name_enc),
        party_type=row.party_type,
        id_type=row.id_type,
        id_number=pii.decrypt_text(row.id_number_enc),
        share=row.share,
        phone=pii.decrypt_text(row.phone_enc),
    )
