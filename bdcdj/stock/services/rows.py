"""Turning one source row into standard-table rows: column picking, code translation through
the mapping's code tables, 元 → 万元, dates to ISO, personal values split off for encryption.
Pure functions apart from the keyed digests and SM4 of `accounts.pii`."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from bdcdj.accounts import pii
from bdcdj.quality.rules import TABLES
from bdcdj.stock.mapping import CodeTable, Source

DATE_FORMATS = ("%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SIMPLE_DATE = re.compile(r"^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$")
_MASKS: dict[str, Callable[[str], str]] = {
    "name": pii.mask_name,
    "id": pii.mask_id_number,
    "phone": pii.mask_phone,
    "text": lambda value: "***",
}
NAME_PURPOSE = "stock party name"


def name_digest(name: str) -> str:
    """Keyed digest of a party name (spaces removed), for matching without storing names."""
    normalised = "".join(name.split())
    return pii.keyed_digest(normalised, purpose=NAME_PURPOSE) if normalised else ""


@dataclass(frozen=True)
class Problem:
    kind: str  # IssueKind value
    field_code: str
    value: str
    message: str


@dataclass
class StagedValues:
    """What the import writes for one target of one source row."""

    table: str
    target_no: int
    data: dict[str, str]
    pii_enc: str = ""
    id_index: str = ""
    name_index: str = ""
    unit_code: str = ""
    certificate: str = ""
    business_no: str = ""
    prev_certificate: str = ""
    prev_business: str = ""
    problems: list[Problem] = field(default_factory=list)

    def json(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, separators=(",", ":"))


def normal_number(raw: str, scale: int) -> str | None:
    """'1,234.50' → '1234.5'; with scale 4 (元 → 万元) '1234500' → '123.45'. None if not a number."""
    cleaned = raw.replace(",", "").replace("，", "").replace(" ", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    if scale:
        number = number.scaleb(-scale)
    text = format(number.normalize(), "f")
    return text


def normal_date(raw: str) -> str | None:
    if _ISO_DATE.match(raw):
        return raw
    simple = _SIMPLE_DATE.match(raw)
    if simple:
        year, month, day = (int(part) for part in simple.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return None
    if len(raw) >= 19 and raw[4] == "-" and raw[10] in " T":
        return raw[:10] if raw[11:19] == "00:00:00" else raw[:19].replace("T", " ")
    for fmt in DATE_FORMATS:
        try:
            moment = dt.datetime.strptime(raw, fmt)
        except ValueError:
            continue
        return moment.date().isoformat() if moment.time() == dt.time(0) else moment.isoformat(sep=" ")
    return None


@dataclass(frozen=True)
class _Field:
    code: str
    index: int  # column position, -1 for a constant
    value: str
    codes: CodeTable | None
    scale: int
    cut: tuple[int, int] | None
    prefix: str
    suffix: str
    type: str
    personal: str


class RowBuilder:
    """A source's mapping compiled against its header (column positions looked up once)."""

    def __init__(self, source: Source, header: list[str]) -> None:
        position = {name: i for i, name in enumerate(header)}
        self.targets = []
        for number, target in enumerate(source.targets):
            spec = TABLES[target.table]
            fields = tuple(
                _Field(
                    code=rule.code,
                    index=position[rule.column] if rule.column else -1,
                    value=rule.value,
                    codes=rule.codes,
                    scale=rule.scale,
                    cut=rule.cut,
                    prefix=rule.prefix,
                    suffix=rule.suffix,
                    type=spec.fields[rule.code].type,
                    personal=spec.fields[rule.code].personal,
                )
                for rule in target.fields
            )
            links = {key: position[column] for key, column in target.links.items()}
            self.targets.append((number, target.table, fields, links))

    def build(self, values: list[str]) -> list[StagedValues]:
        """The staged rows of one source row. Personal values of all its targets are encrypted
        once, as one object shared by the rows that carry any of them (one SM4 per source row)."""
        out = []
        shared: dict[str, str] = {}
        carriers: list[StagedValues] = []
        for number, table, fields, links in self.targets:
            data: dict[str, str] = {}
            personal: dict[str, str] = {}
            problems: list[Problem] = []
            for f in fields:
                raw = values[f.index] if f.index >= 0 else f.value
                if f.cut is not None:
                    raw = raw[f.cut[0] : f.cut[1]]
                if not raw:
                    continue
                if f.prefix or f.suffix:
                    raw = f"{f.prefix}{raw}{f.suffix}"
                if f.codes is not None:
                    code = f.codes.translate(raw)
                    if code is None:
                        problems.append(
                            Problem(
                                "unknown_code",
                                f.code,
                                raw,
                                f"{f.code} 的值“{raw}”不在代码对照表“{f.codes.name}”中（未转换，原样暂存）",
                            )
                        )
                    else:
                        raw = code
                elif f.type in ("number", "int"):
                    amount = normal_number(raw, f.scale)
                    if amount is None:
                        problems.append(Problem("bad_value", f.code, raw, f"{f.code} 的值“{raw}”不是数字"))
                    else:
                        raw = amount
                elif f.type == "date":
                    day = normal_date(raw)
                    if day is None:
                        problems.append(Problem("bad_value", f.code, raw, f"{f.code} 的值“{raw}”不是日期"))
                    else:
                        raw = day
                if f.personal:
                    personal[f.code] = raw
                    data[f.code] = _MASKS[f.personal](raw)
                else:
                    data[f.code] = raw
            staged = StagedValues(table=table, target_no=number, data=data, problems=problems)
            if personal:
                shared.update(personal)
                carriers.append(staged)
                if "ZJH" in personal:
                    staged.id_index = pii.blind_index(personal["ZJH"])
                if "QLRMC" in personal:
                    staged.name_index = name_digest(personal["QLRMC"])
            staged.unit_code = (data.get("BDCDYH") or data.get("ZRZH") or data.get("ZDDM") or "").upper()
            staged.certificate = data.get("BDCQZH") or data.get("BDCDJZMH") or ""
            staged.business_no = data.get("YWH", "")
            staged.prev_business = (
                values[links["previous_business"]] if "previous_business" in links else ""
            ) or data.get("SSYWH", "")
            if "previous_certificate" in links:
                staged.prev_certificate = values[links["previous_certificate"]]
            out.append(staged)
        if carriers:
            token = pii.encrypt_text(json.dumps(shared, ensure_ascii=False))
            for staged in carriers:
                staged.pii_enc = token
        return out


def decrypt_personal(pii_enc: str, data: dict[str, str]) -> dict[str, str]:
    """The clear personal values of a staged row (the fields its masked `data` carries), for the
    quality check and the load only. One ciphertext may serve several rows of a source row."""
    if not pii_enc:
        return {}
    clear = json.loads(pii.decrypt_text(pii_enc))
    return {code: value for code, value in clear.items() if code in data}
