"""The structured editor of a workflow definition (流程配置): rows of steps, materials, fees and
custom fields read from the post into what `workflow_validate` / `workflow_publish` take, and
their field errors (`steps[2].role`, `opinion_templates.review` …) put back into the rows."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from bdcdj.cases.forms.common import MAX_ROWS, number
from bdcdj.cases.forms.common import clean as _clean

ROW_KEY_RE = re.compile(r"^(step|material|fee|field)-(\d{1,2})-([a-z_]+)$")
ERROR_KEY_RE = re.compile(r"^(steps|materials|fees|custom_fields)\[(\d+)\](?:\.(\w+))?$")


def _row_defaults(kind: str) -> dict[str, Any]:
    defaults: dict[str, dict[str, Any]] = {
        "step": {"code": "", "name": "", "kind": "review", "role": "reviewer", "actions": ["1", "3", "4"]},
        "material": {"code": "", "name": "", "required": True, "form": "1", "pages": "1"},
        "fee": {
            "code": "",
            "name": "",
            "mode": "1",
            "amount": "0.00",
            "waivable": True,
            "free_quantity": "0",
        },
        "field": {"code": "", "label": "", "type": "string", "required": False, "choices": ""},
    }
    return defaults[kind]


SECTION_OF = {"step": "steps", "material": "materials", "fee": "fees", "field": "custom_fields"}
BOOL_ATTRS = {"required", "waivable", "auto"}


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
    value = number(text)
    return text if value is None else value


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
                "auto": bool(s.get("auto")),
                "templates": "\n".join(templates.get(s.get("code", ""), [])),
            }
            for s in definition.get("steps", [])
        ]
        return cls(
            steps=steps,
            materials=[{**m, "pages": str(m.get("pages", 1))} for m in definition.get("materials", [])],
            fees=[{**f, "free_quantity": str(f.get("free_quantity", 0))} for f in definition.get("fees", [])],
            fields=[
                {**c, "choices": _choices_text(c.get("choices"))} for c in definition.get("custom_fields", [])
            ],
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
            if row.get("auto"):
                step["auto"] = True  # 自动办理 (cases.services.automation); kept on republish
            steps.append(step)
            lines = [line.strip() for line in str(row.get("templates", "")).splitlines() if line.strip()]
            if lines:
                templates[str(row.get("code", ""))] = lines
        return {
            "steps": steps,
            "materials": [
                {
                    **{k: m.get(k, "") for k in ("code", "name", "form")},
                    "required": bool(m.get("required")),
                    "pages": _number(str(m.get("pages", ""))),
                }
                for m in self.materials
            ],
            "fees": [
                {
                    **{k: f.get(k, "") for k in ("code", "name", "mode", "amount")},
                    "waivable": bool(f.get("waivable")),
                    "free_quantity": _number(str(f.get("free_quantity", ""))),
                }
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
        i = number(arg)
        if i is None or i >= len(rows):
            return
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
            section = (
                key
                if key in {"steps", "materials", "fees", "custom_fields", "time_limit_workdays"}
                else "definition"
            )
            existing = self.section_errors.get(section)
            self.section_errors[section] = f"{existing}；{text}" if existing else text

    @property
    def has_errors(self) -> bool:
        return bool(self.section_errors) or any(
            r.get("errors") for rows in (self.steps, self.materials, self.fees, self.fields) for r in rows
        )
