"""收件 forms read into what `case_create` / `case_group_create` take, and their field errors
(`data.price`, `parties[0].id_number`, `members[1].unit_codes` …) put back next to the inputs;
the shape of a material upload."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import QueryDict

from bdcdj.cases.forms.common import MAX_ROWS, number
from bdcdj.cases.forms.common import clean as _clean
from bdcdj.cases.models import MaterialForm
from bdcdj.cases.workflows import BusinessType, FieldSpec

MAX_UNITS = 200
PERSON = "1"
RESIDENT_ID = "1"
ORGANISATION_ID = "8"
UNIT_CODE_RE = re.compile(r"^[0-9]{6}[0-9A-Z]{22}$")
PARTY_KEY_RE = re.compile(r"^party-(\d{1,2})-([a-z_]+)$")
MEMBER_KEY_RE = re.compile(r"^members\[(\d+)\]\.(.+)$")
PARTY_ERROR_RE = re.compile(r"^parties\[(\d+)\](?:\.(\w+))?$")
ORGANISATION_ROLES = frozenset({"mortgagee"})


@dataclass
class PartyRow:
    role: str = ""
    name: str = ""
    party_type: str = PERSON
    id_type: str = RESIDENT_ID
    id_number: str = ""
    share: str = ""
    phone: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    ATTRS = ("role", "name", "party_type", "id_type", "id_number", "share", "phone")

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {a: getattr(self, a) for a in self.ATTRS if a != "share"}
        if self.share:
            data["share"] = self.share
        return data

    @classmethod
    def for_role(cls, role: str) -> PartyRow:
        if role in ORGANISATION_ROLES:
            return cls(role=role, party_type="2", id_type=ORGANISATION_ID)
        return cls(role=role)


@dataclass
class MemberInput:
    """One business of the form: its type, application fields (raw strings) and parties."""

    index: int
    prefix: str  # "" for a single case, "m0-", "m1-" … for the members of 一并申请
    business_type: str = ""
    data: dict[str, str] = field(default_factory=dict)
    parties: list[PartyRow] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # data codes and "parties", "business_type"

    def reset_parties(self, bt: BusinessType | None) -> None:
        self.parties = [PartyRow.for_role(p.role) for p in (bt.parties if bt else ()) if p.min >= 1]

    def data_payload(self, specs: list[FieldSpec]) -> dict[str, Any]:
        """Posted values by field type; empty inputs are left out (the service knows what is
        required). Booleans come from a 是/否 select."""
        payload: dict[str, Any] = {}
        for spec in specs:
            value = self.data.get(spec.code, "")
            if value == "":
                continue
            payload[spec.code] = (
                {"true": True, "false": False}.get(value, value) if spec.type == "bool" else value
            )
        return payload

    def payload(self, units: list[str], specs: list[FieldSpec]) -> dict[str, Any]:
        return {
            "business_type": self.business_type,
            "unit_codes": list(units),
            "parties": [p.payload() for p in self.parties],
            "data": self.data_payload(specs),
        }


def _read_member(
    post: QueryDict, index: int, prefix: str, catalogue: Mapping[str, BusinessType]
) -> MemberInput:
    member = MemberInput(
        index=index, prefix=prefix, business_type=_clean(post.get(f"{prefix}business_type"), 40)
    )
    start = len(prefix) + len("data-")
    member.data = {key[start:]: _clean(post.get(key)) for key in post if key.startswith(f"{prefix}data-")}
    rows: dict[int, PartyRow] = {}
    for key in post:
        if not key.startswith(prefix):
            continue
        match = PARTY_KEY_RE.match(key[len(prefix) :])
        if match and match.group(2) in PartyRow.ATTRS and int(match.group(1)) < MAX_ROWS:
            row = rows.setdefault(int(match.group(1)), PartyRow(party_type="", id_type=""))
            setattr(row, match.group(2), _clean(post.get(key), 200))
    member.parties = [rows[i] for i in sorted(rows)]
    if post.get(f"{prefix}prev_type", member.business_type) != member.business_type:
        member.reset_parties(catalogue.get(member.business_type))  # the type changed: its own roles
    return member


@dataclass
class IntakeForm:
    """收件 of one case, or of a 一并申请 (several members sharing the selected units)."""

    combined: bool
    region_code: str
    members: list[MemberInput]
    units: list[str] = field(default_factory=list)
    unit_query: str = ""
    unit_page: int = 1
    name: str = ""
    general: list[str] = field(default_factory=list)
    unit_errors: list[str] = field(default_factory=list)

    @classmethod
    def initial(
        cls, *, combined: bool, region_code: str, types: list[str], catalogue: Mapping[str, BusinessType]
    ) -> IntakeForm:
        members = []
        for index, code in enumerate(types):
            member = MemberInput(index=index, prefix=f"m{index}-" if combined else "", business_type=code)
            member.reset_parties(catalogue.get(code))
            members.append(member)
        return cls(combined=combined, region_code=region_code, members=members)

    @classmethod
    def from_post(
        cls, post: QueryDict, *, combined: bool, catalogue: Mapping[str, BusinessType]
    ) -> IntakeForm:
        units: list[str] = []
        for raw in post.getlist("unit_codes"):
            code = _clean(raw, 28).upper()
            if code and code not in units and len(units) < MAX_UNITS:
                units.append(code)
        count = 2 if combined else 1
        page = post.get("unit_page", "1")
        return cls(
            combined=combined,
            region_code=_clean(post.get("region_code"), 6),
            members=[_read_member(post, i, f"m{i}-" if combined else "", catalogue) for i in range(count)],
            units=units,
            unit_query=_clean(post.get("unit_q"), 100),
            unit_page=max(1, min(number(page) or 1, 1000)),
            name=_clean(post.get("group_name"), 100),
        )

    def apply(self, op: str) -> None:
        """An editing step of the form: pick or drop a unit, add or remove a party row, page the
        unit search, or copy the new holders of the first member as another member's 抵押人."""
        verb, _, arg = op.partition(":")
        if (
            verb == "add_unit"
            and UNIT_CODE_RE.match(arg)
            and arg not in self.units
            and len(self.units) < MAX_UNITS
        ):
            self.units.append(arg)
        elif verb == "remove_unit" and arg in self.units:
            self.units.remove(arg)
        elif verb == "search":
            self.unit_page = 1
        elif verb == "unit_page" and number(arg) is not None:
            self.unit_page = max(1, min(number(arg) or 1, 1000))
        elif verb in {"add_party", "remove_party", "copy_holders"}:
            member_index, _, row = arg.partition(":")
            which, position = number(member_index), number(row)
            if which is None or which >= len(self.members):
                return
            member = self.members[which]
            if verb == "add_party" and len(member.parties) < MAX_ROWS:
                member.parties.append(PartyRow())
            elif verb == "remove_party" and position is not None and position < len(member.parties):
                del member.parties[position]
            elif verb == "copy_holders" and member.index > 0:
                holders = [p for p in self.members[0].parties if p.role == "holder"]
                kept = [p for p in member.parties if p.role != "mortgagor"]
                copies = [PartyRow(**{a: getattr(p, a) for a in PartyRow.ATTRS}) for p in holders]
                for copy in copies:
                    copy.role = "mortgagor"
                member.parties = kept + copies

    def set_errors(self, fields: Mapping[str, str], message: str) -> None:
        """Spread a service's field errors over the inputs; what has no input is listed on top."""
        for key, text in fields.items():
            member_index, rest = 0, key
            match = MEMBER_KEY_RE.match(key)
            if match:
                member_index, rest = int(match.group(1)), match.group(2)
            if rest.startswith("unit_codes"):
                position = rest[len("unit_codes[") : -1] if rest != "unit_codes" else ""
                index = number(position)
                code = self.units[index] if index is not None and index < len(self.units) else ""
                entry = f"{code}：{text}" if code else text
                if entry not in self.unit_errors:
                    self.unit_errors.append(entry)
                continue
            if member_index >= len(self.members):
                self.general.append(text)
                continue
            member = self.members[member_index]
            party = PARTY_ERROR_RE.match(rest)
            if party and int(party.group(1)) < len(member.parties):
                member.parties[int(party.group(1))].errors[party.group(2) or "name"] = text
            elif rest.startswith("data."):
                member.errors[rest[len("data.") :]] = text
            elif rest in {"parties", "business_type", "data"}:
                member.errors[rest] = text
            else:
                self.general.append(text)
        if not fields:
            self.general.append(message)

    @property
    def has_errors(self) -> bool:
        return bool(
            self.general
            or self.unit_errors
            or any(m.errors or any(p.errors for p in m.parties) for m in self.members)
        )


class MaterialUploadForm(forms.Form):
    """The shape of an upload; the service checks the content (PDF/JPEG/PNG, ≤ 20 MB)."""

    checklist_code = forms.CharField(max_length=40, error_messages={"required": "请选择材料"})
    form = forms.ChoiceField(
        choices=MaterialForm.choices,
        initial=MaterialForm.ORIGINAL,
        error_messages={"invalid_choice": "收件类型无效"},
    )
    pages = forms.IntegerField(
        min_value=1,
        max_value=1000,
        initial=1,
        error_messages={
            "required": "请填写页数",
            "invalid": "页数应为整数",
            "min_value": "页数应为 1–1000",
            "max_value": "页数应为 1–1000",
        },
    )
    file = forms.FileField(
        error_messages={"required": "请选择文件", "empty": "文件为空", "invalid": "请选择文件"}
    )
