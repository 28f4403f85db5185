"""What changed between two versions of a workflow definition, in words for the history page:
which parts changed and, for the lists keyed by code (steps, materials, fees, custom fields),
which entries were added, removed or changed and in which attributes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PARTS = {
    "steps": "环节",
    "materials": "收件清单",
    "fees": "收费项目",
    "time_limit_workdays": "办理时限",
    "custom_fields": "自定义字段",
    "opinion_templates": "意见模板",
}
ATTRIBUTE_LABELS = {
    "name": "名称",
    "label": "名称",
    "kind": "类型",
    "role": "角色",
    "actions": "审核操作",
    "next": "下一环节",
    "back_to": "回退环节",
    "required": "是否必需",
    "form": "收件类型",
    "pages": "页数",
    "mode": "收费类型",
    "amount": "金额",
    "waivable": "可减免",
    "free_quantity": "免收数量",
    "type": "字段类型",
    "choices": "选项",
}


def definition_of(row: Any) -> dict[str, Any]:
    """The definition keys of a WorkflowDefinition row."""
    return {key: getattr(row, key) for key in PARTS}


def _keyed(entries: Any) -> dict[str, Mapping[str, Any]]:
    return {str(e.get("code")): e for e in entries or [] if isinstance(e, Mapping)}


def _list_changes(old: Any, new: Any) -> list[str]:
    before, after = _keyed(old), _keyed(new)
    notes = [
        f"新增 {code}（{after[code].get('name') or after[code].get('label', '')}）"
        for code in after
        if code not in before
    ]
    notes += [
        f"删除 {code}（{before[code].get('name') or before[code].get('label', '')}）"
        for code in before
        if code not in after
    ]
    for code in after:
        if code in before and before[code] != after[code]:
            keys = sorted(set(before[code]) | set(after[code]))
            changed = [ATTRIBUTE_LABELS.get(k, k) for k in keys if before[code].get(k) != after[code].get(k)]
            notes.append(f"修改 {code}：{'、'.join(changed)}")
    if not notes and [str(e.get("code")) for e in old or []] != [str(e.get("code")) for e in new or []]:
        notes.append("调整了顺序")
    return notes


def definition_changes(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[dict[str, Any]]:
    """[{part, label, notes}] for every part that differs; everything when `old` is None."""
    if old is None:
        return [{"part": "all", "label": "初始版本", "notes": []}]
    changes = []
    for part, label in PARTS.items():
        before, after = old.get(part), new.get(part)
        if before == after:
            continue
        if part == "time_limit_workdays":
            notes = [f"{before} → {after} 个工作日"]
        elif part == "opinion_templates":
            steps = sorted(set(before or {}) | set(after or {}))
            notes = [f"环节 {s}" for s in steps if (before or {}).get(s) != (after or {}).get(s)]
        else:
            notes = _list_changes(before, after)
        changes.append({"part": part, "label": label, "notes": notes})
    return changes
