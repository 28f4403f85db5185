"""The business-type catalogue (`business_types.yaml`) as typed, read-only objects.

The catalogue is data shipped with the code: it says what each business does to the register
and seeds version 1 of every district's workflow definition (`default_definition`). What a
district may change later (steps, checklists, fees, limits, extra fields) lives in
`WorkflowDefinition` rows, not here.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bdcdj.core.errors import NotFound

CATALOGUE_PATH = Path(__file__).with_name("business_types.yaml")

ISSUES = ("certificate", "proof", "none")
ITEM_MODES = ("per_unit", "single")
FIELD_TYPES = ("string", "text", "int", "decimal", "amount_wan", "area", "date", "bool", "choice", "right")
# Roles a case party may take that the register does not record.
CASE_ONLY_ROLES = {"applicant": "申请人", "agent": "代理人"}


def _conditions(raw: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """{field: value or [values]} → ((field, (values…)), …)."""
    if not raw:
        return ()
    return tuple(
        (str(code), tuple(str(v) for v in (values if isinstance(values, list) else [values])))
        for code, values in dict(raw).items()
    )


@dataclass(frozen=True)
class FieldSpec:
    """One application field. `right_kind` is set for fields of type "right"."""

    code: str
    label: str
    type: str
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    right_kind: str = ""
    dictionary: str = ""  # national dictionary the value must come from (e.g. FWYT)
    required_when: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (other field, values) making it required

    def required_for(self, data: dict[str, Any]) -> bool:
        return self.required or any(str(data.get(code)) in values for code, values in self.required_when)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> FieldSpec:
        return cls(
            code=str(raw["code"]),
            label=str(raw["label"]),
            type=str(raw["type"]),
            required=bool(raw.get("required", False)),
            choices=tuple((str(v), str(label)) for v, label in raw.get("choices") or ()),
            right_kind=str(raw.get("right_kind", "")),
            dictionary=str(raw.get("dictionary", "")),
            required_when=_conditions(raw.get("required_when")),
        )

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "label": self.label,
            "type": self.type,
            "required": self.required,
        }
        if self.choices:
            data["choices"] = [list(c) for c in self.choices]
        if self.right_kind:
            data["right_kind"] = self.right_kind
        if self.dictionary:
            data["dictionary"] = self.dictionary
        if self.required_when:
            data["required_when"] = {code: list(values) for code, values in self.required_when}
        return data


@dataclass(frozen=True)
class PartyRoleSpec:
    role: str
    label: str
    min: int = 0
    required_when: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def minimum_for(self, data: dict[str, Any]) -> int:
        if any(str(data.get(code)) in values for code, values in self.required_when):
            return max(self.min, 1)
        return self.min


@dataclass(frozen=True)
class BusinessType:
    code: str
    name: str
    category: str
    registration_type: str  # 登记类型 DJLX
    operation: str  # register Operation value
    right_kind: str  # register RightKind value
    right_type: str  # 权利类型 QLLX
    rectype: str  # 业务编码 RecType (revised scheme)
    issues: str  # certificate 证书 | proof 证明 | none
    time_limit_workdays: int
    items: str  # per_unit: one registration item (and certificate) per unit; single: one item
    parties: tuple[PartyRoleSpec, ...]
    fields: tuple[FieldSpec, ...]
    materials: tuple[dict[str, Any], ...]
    fees: tuple[dict[str, Any], ...]

    @property
    def issues_document(self) -> bool:
        return self.issues != "none"

    @property
    def document_label(self) -> str:
        return {"certificate": "不动产权证书", "proof": "不动产登记证明"}.get(self.issues, "")

    def field(self, code: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.code == code), None)


@functools.cache
def _raw() -> dict[str, Any]:
    with CATALOGUE_PATH.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or "business_types" not in data:
        raise ValueError(f"{CATALOGUE_PATH} has no business_types")
    return data


def _business_type(raw: dict[str, Any]) -> BusinessType:
    bt = BusinessType(
        code=raw["code"],
        name=raw["name"],
        category=raw["category"],
        registration_type=str(raw["registration_type"]),
        operation=raw["operation"],
        right_kind=raw["right_kind"],
        right_type=str(raw.get("right_type", "")),
        rectype=str(raw["rectype"]),
        issues=raw["issues"],
        time_limit_workdays=int(raw["time_limit_workdays"]),
        items=raw.get("items", "single"),
        parties=tuple(
            PartyRoleSpec(
                role=p["role"],
                label=p["label"],
                min=int(p.get("min", 0)),
                required_when=_conditions(p.get("required_when")),
            )
            for p in raw.get("parties") or ()
        ),
        fields=tuple(FieldSpec.from_dict(f) for f in raw.get("fields") or ()),
        materials=tuple(dict(m) for m in raw.get("materials") or ()),
        fees=tuple(dict(f) for f in raw.get("fees") or ()),
    )
    if bt.issues not in ISSUES or bt.items not in ITEM_MODES:
        raise ValueError(f"business type {bt.code}: bad issues/items")
    for spec in bt.fields:
        if spec.type not in FIELD_TYPES:
            raise ValueError(f"business type {bt.code}: unknown field type {spec.type}")
    return bt


@functools.cache
def business_types() -> dict[str, BusinessType]:
    """Every business type, in catalogue order, by code."""
    types = [_business_type(raw) for raw in _raw()["business_types"]]
    catalogue = {bt.code: bt for bt in types}
    if len(catalogue) != len(types):
        raise ValueError("duplicate business type codes in the catalogue")
    return catalogue


def business_type_get(code: str) -> BusinessType:
    bt = business_types().get(code)
    if bt is None:
        message = f"未知的业务类型：{code}"
        raise NotFound(code="business_type_not_found", message=message, fields={"business_type": message})
    return bt


def default_definition(code: str) -> dict[str, Any]:
    """Version 1 of a business type's workflow definition, as `workflow_publish` accepts it."""
    bt = business_type_get(code)
    raw = _raw()
    template = "issued" if bt.issues_document else "none"
    steps = copy.deepcopy(raw["step_templates"][template])
    for step in steps:  # the shape workflow_validate normalises to
        step["actions"] = sorted(set(step.get("actions", [])))
    fees = [
        {**fee, "free_quantity": int(fee.get("free_quantity", 0))} for fee in copy.deepcopy(list(bt.fees))
    ]
    step_codes = {s["code"] for s in steps}
    templates = {k: list(v) for k, v in raw.get("opinion_templates", {}).items() if k in step_codes}
    return {
        "steps": steps,
        "materials": copy.deepcopy(list(bt.materials)),
        "fees": fees,
        "time_limit_workdays": bt.time_limit_workdays,
        "custom_fields": [],
        "opinion_templates": templates,
    }
