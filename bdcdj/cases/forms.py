"""The console's forms of the registration business, read into the plain values the case
services take, and the services' field names mapped back onto the inputs.

Nothing here decides whether a value is acceptable: the services validate and raise
InvalidInput naming each bad field (`data.price`, `parties[0].id_number`,
`members[1].unit_codes`, `steps[2].role` …); `set_errors` puts each message next to its input.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import QueryDict

from bdcdj.cases.models import MaterialForm
from bdcdj.cases.workflows import BusinessType, FieldSpec

MAX_UNITS = 200
MAX_ROWS = 50
PERSON = "1"
RESIDENT_ID = "1"
ORGANISATION_ID = "8"
UNIT_CODE_RE = re.compile(r"^[0-9]{6}[0-9A-Z]{22}$")
PARTY_KEY_RE = re.compile(r"^party-(\d{1,2})-([a-z_]+)$")
ROW_KEY_RE = re.compile(r"^(step|material|fee|field)-(\d{1,2})-([a-z_]+)$")
ERROR_KEY_RE = re.compile(r"^(steps|materials|fees|custom_fields)\[(\d+)\](?:\.(\w+))?$")
MEMBER_KEY_RE = re.compile(r"^members\[(\d+)\]\.(.+)$")
PARTY_ERROR_RE = re.compile(r"^parties\[(\d+)\](?:\.(\w+))?$")
ORGANISATION_ROLES = frozenset({"mortgagee"})


def _clean(value: str | None, limit: int = 2000) -> str:
    return (value or "").replace("\x00", "").strip()[:limit]


# --------------------------------------------------------------------------- intake (收件)
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
            payload[spec.code] = {"true": True, "false": False}.get(value, value) if spec.type == "bool" else value
        return payload

    def payload(self, units: list[str], specs: list[FieldSpec]) -> dict[str, Any]:
        return {
            "business_type": self.business_type,
            "unit_codes": list(units),
            "parties": [p.payload() for p in self.parties],
            "data": self.data_payload(specs),
        }


def _read_member(post: QueryDict, index: int, prefix: str, catalogue: Mapping[str, BusinessType]) -> MemberInput:
    member = MemberInput(index=index, prefix=prefix, business_type=_clean(post.get(f"{prefix}business_type"), 40))
    start = len(prefix) + len("data-")
    member.data = {
        key[start:]: _clean(value) for key, value in post.items() if key.startswith(f"{prefix}data-")
    }
    rows: dict[int, PartyRow] = {}
    for key, value in post.items():
        if not key.startswith(prefix):
            continue
        match = PARTY_KEY_RE.match(key[len(prefix) :])
        if match and match.group(2) in PartyRow.ATTRS and int(match.group(1)) < MAX_ROWS:
            row = rows.setdefault(int(match.group(1)), PartyRow(party_type="", id_type=""))
            setattr(row, match.group(2), _clean(value, 200))
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
    def from_post(cls, post: QueryDict, *, combined: bool, catalogue: Mapping[str, BusinessType]) -> IntakeForm:
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
            unit_page=max(1, min(int(page), 1000)) if page.isdigit() else 1,
            name=_clean(post.get("group_name"), 100),
        )

    def apply(self, op: str) -> None:
        """An editing step of the form: pick or drop a unit, add or remove a party row, page the
        unit search, or copy the new holders of the first member as another member's 抵押人."""
        verb, _, arg = op.partition(":")
        if verb == "add_unit" and UNIT_CODE_RE.match(arg) and arg not in self.units and len(self.units) < MAX_UNITS:
            self.units.append(arg)
        elif verb == "remove_unit" and arg in self.units:
            self.units.remove(arg)
        elif verb == "search":
            self.unit_page = 1
        elif verb == "unit_page" and arg.isdigit():
            self.unit_page = max(1, int(arg))
        elif verb in {"add_party", "remove_party", "copy_holders"}:
            member_index, _, row = arg.partition(":")
            if not member_index.isdigit() or int(member_index) >= len(self.members):
                return
            member = self.members[int(member_index)]
            if verb == "add_party" and len(member.parties) < MAX_ROWS:
                member.parties.append(PartyRow())
            elif verb == "remove_party" and row.isdigit() and int(row) < len(member.parties):
                del member.parties[int(row)]
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
                code = self.units[int(position)] if position.isdigit() and int(position) < len(self.units) else ""
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


# --------------------------------------------------------------------------- materials (收件材料)
class MaterialUploadForm(forms.Form):
    """The shape of an upload; the service checks the content (PDF/JPEG/PNG, ≤ 20 MB)."""

    checklist_code = forms.CharField(max_length=40, error_messages={"required": "请选择材料"})
    form = forms.ChoiceField(
        choices=MaterialForm.choices, initial=MaterialForm.ORIGINAL, error_messages={"invalid_choice": "收件类型无效"}
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
    file = forms.FileField(error_messages={"required": "请选择文件", "empty": "文件为空", "invalid": "请选择文件"})


# --------------------------------------------------------------------------- workflow editor (流程配置)
def _row_defaults(kind: str) -> dict[str, Any]:
    return {
        "step": {"code": "", "name": "", "kind": "review", "role": "reviewer", "actions": ["1", "3", "4"]},
        "material": {"code": "", "name": "", "required": True, "form": "1", "pages": "1"},
        "fee": {"code": "", "name": "", "mode": "1", "amount": "0.00", "waivable": True, "free_quantity": "0"},
        "field": {"code": "", "label": "", "type": "string", "required": False, "choices": ""},
    }[kind]


SECTION_OF = {"step": "steps", "material": "materials", "fee": "fees", "field": "custom_fields"}
BOOL_ATTRS = {"required", "waivable"}


def _choices_text(choices: Any) -> str:
    return "\n".join(f"{c[0]}={c[1]}" for c in choices or [] if isinstance(c, list | tuple) and len(c) == 2)


def _choices(text: str) -> list[list[str]]:
    result = []
    for line in text.splitlines():
        value, sep, label = line.replace("＝", "=").partition("=")
        if line.strip():
            result.append([value.strip(), label.strip()] if sep else [line.strip(), line.strip()])
    return result


def _number(text: str) -> Any:
    """An integer when the text is one, the text otherwise (the validator names the field)."""
    text = text.strip()
    return int(text) if text.isdigit() and len(text) < 10 else text


@dataclass
class WorkflowForm:
    """The structured editor of a workflow definition: one row per step, material, fee and
    custom field, each cell a string as typed; `definition()` gives what `workflow_validate`
    and `workflow_publish` take."""

    steps: list[dict[str, Any]]
    materials: list[dict[str, Any]]
    fees: list[dict[str, Any]]
    fields: list[dict[str, Any]]
    time_limit: str
    note: str = ""
    section_errors: dict[str, str] = field(default_factory=dict)

    def rows(self, kind: str) -> list[dict[str, Any]]:
        return {"step": self.steps, "material": self.materials, "fee": self.fees, "field": self.fields}[kind]

    @classmethod
    def from_definition(cls, definition: Mapping[str, Any]) -> WorkflowForm:
        templates = definition.get("opinion_templates") or {}
        steps = [
            {
                "code": s.get("code", ""),
                "name": s.get("name", ""),
                "kind": s.get("kind", ""),
                "role": s.get("role", ""),
                "actions": list(s.get("actions", [])),
                "next": s.get("next", ""),
                "back_to": s.get("back_to", ""),
                "templates": "\n".join(templates.get(s.get("code", ""), [])),
            }
            for s in definition.get("steps", [])
        ]
        return cls(
            steps=steps,
            materials=[{**m, "pages": str(m.get("pages", 1))} for m in definition.get("materials", [])],
            fees=[{**f, "free_quantity": str(f.get("free_quantity", 0))} for f in definition.get("fees", [])],
            fields=[{**c, "choices": _choices_text(c.get("choices"))} for c in definition.get("custom_fields", [])],
            time_limit=str(definition.get("time_limit_workdays", "")),
        )

    @classmethod
    def from_post(cls, post: QueryDict) -> WorkflowForm:
        rows: dict[str, dict[int, dict[str, Any]]] = {k: {} for k in SECTION_OF}
        for key in post:
            match = ROW_KEY_RE.match(key)
            if not match:
                continue
            kind, index, attr = match.group(1), int(match.group(2)), match.group(3)
            row = rows[kind].setdefault(index, {"actions": []} if kind == "step" else {})
            if attr == "actions":
                row["actions"] = sorted({a for a in post.getlist(key) if a in {"1", "2", "3", "4"}})
            elif attr in BOOL_ATTRS:
                row[attr] = post.get(key) == "on"
            else:
                row[attr] = _clean(post.get(key), 5000 if attr in {"templates", "choices"} else 200)
        for kind in ("material", "fee", "field"):
            for row in rows[kind].values():
                for attr in BOOL_ATTRS & set(_row_defaults(kind)):
                    row.setdefault(attr, False)
        ordered = {kind: [rows[kind][i] for i in sorted(rows[kind])] for kind in rows}
        return cls(
            steps=ordered["step"],
            materials=ordered["material"],
            fees=ordered["fee"],
            fields=ordered["field"],
            time_limit=_clean(post.get("time_limit_workdays"), 10),
            note=_clean(post.get("note"), 200),
        )

    def definition(self) -> dict[str, Any]:
        steps, templates = [], {}
        for row in self.steps:
            step = {k: row.get(k, "") for k in ("code", "name", "kind", "role")}
            step["actions"] = list(row.get("actions", []))
            for link in ("next", "back_to"):
                if row.get(link):
                    step[link] = row[link]
            steps.append(step)
            lines = [line.strip() for line in str(row.get("templates", "")).splitlines() if line.strip()]
            if lines:
                templates[str(row.get("code", ""))] = lines
        return {
            "steps": steps,
            "materials": [
                {**{k: m.get(k, "") for k in ("code", "name", "form")}, "required": bool(m.get("required")),
                 "pages": _number(str(m.get("pages", "")))}
                for m in self.materials
            ],
            "fees": [
                {**{k: f.get(k, "") for k in ("code", "name", "mode", "amount")}, "waivable": bool(f.get("waivable")),
                 "free_quantity": _number(str(f.get("free_quantity", "")))}
                for f in self.fees
            ],
            "time_limit_workdays": _number(self.time_limit),
            "custom_fields": [self._custom(c) for c in self.fields],
            "opinion_templates": templates,
        }

    @staticmethod
    def _custom(row: Mapping[str, Any]) -> dict[str, Any]:
        entry = {k: row.get(k, "") for k in ("code", "label", "type")}
        entry["required"] = bool(row.get("required"))
        if row.get("type") == "choice" or str(row.get("choices", "")).strip():
            entry["choices"] = _choices(str(row.get("choices", "")))
        return entry

    def apply(self, op: str) -> None:
        """add_<kind>, remove_<kind>:i, up_step:i, down_step:i."""
        verb, _, arg = op.partition(":")
        action, _, kind = verb.partition("_")
        if kind not in SECTION_OF:
            return
        rows = self.rows(kind)
        if action == "add" and len(rows) < MAX_ROWS:
            new = {**_row_defaults(kind)}
            new["actions"] = list(new.get("actions", []))
            register = next((i for i, s in enumerate(rows) if s.get("kind") == "register"), None)
            if kind == "step" and register is not None:
                rows.insert(register, new)  # a new review level goes before 登簿
            else:
                rows.append(new)
            return
        if not arg.isdigit() or int(arg) >= len(rows):
            return
        i = int(arg)
        if action == "remove":
            del rows[i]
        elif action == "up" and i > 0:
            rows[i - 1], rows[i] = rows[i], rows[i - 1]
        elif action == "down" and i + 1 < len(rows):
            rows[i + 1], rows[i] = rows[i], rows[i + 1]

    def set_errors(self, fields: Mapping[str, str]) -> None:
        """`steps[1].role` → the role cell of step row 1; `opinion_templates.review` → the
        templates of the step coded review; section-wide messages above their table."""
        singular = {v: k for k, v in SECTION_OF.items()}
        for key, text in fields.items():
            match = ERROR_KEY_RE.match(key)
            if match:
                rows = self.rows(singular[match.group(1)])
                index = int(match.group(2))
                if index < len(rows):
                    rows[index].setdefault("errors", {})[match.group(3) or "code"] = text
                    continue
            if key.startswith("opinion_templates."):
                code = key.split(".", 1)[1]
                row = next((s for s in self.steps if s.get("code") == code), None)
                if row is not None:
                    row.setdefault("errors", {})["templates"] = text
                    continue
                key = "opinion_templates"
            section = key if key in {"steps", "materials", "fees", "custom_fields", "time_limit_workdays"} else "definition"
            existing = self.section_errors.get(section)
            self.section_errors[section] = f"{existing}；{text}" if existing else text

    @property
    def has_errors(self) -> bool:
        return bool(self.section_errors) or any(
            r.get("errors") for rows in (self.steps, self.materials, self.fees, self.fields) for r in rows
        )
