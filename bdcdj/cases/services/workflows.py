"""Workflow definitions: validation, publishing a new version, seeding a district's defaults."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from bdcdj.accounts.models import Role, User
from bdcdj.accounts.services import audit_record
from bdcdj.cases.models import FeeMode, MaterialForm, OpinionResult, StepKind, WorkflowDefinition
from bdcdj.cases.services.common import authorize
from bdcdj.cases.workflows import FIELD_TYPES, business_type_get, business_types, default_definition
from bdcdj.core.errors import Conflict, InvalidInput, invalid_fields

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
TIME_LIMIT_MAX = 60
FEE_MAX = Decimal("1000000")
WORKFLOW_PAGE = "cases.workflows"
# Kinds in the order a workflow passes them; review may repeat (初审, 复审, 核定…) or be absent.
KIND_ORDER = [
    StepKind.ACCEPT,
    StepKind.REVIEW,
    StepKind.REGISTER,
    StepKind.CERTIFY,
    StepKind.ISSUE,
    StepKind.ARCHIVE,
]
OPINION_KINDS = frozenset({StepKind.REVIEW, StepKind.REGISTER})
# Steps the system may do by itself for a clean case (cases.services.automation).
AUTO_KINDS = frozenset({StepKind.REVIEW, StepKind.REGISTER, StepKind.CERTIFY})
DEFINITION_KEYS = ("steps", "materials", "fees", "time_limit_workdays", "custom_fields", "opinion_templates")


def _text(value: Any, field: str, errors: dict[str, str], *, label: str, max_length: int = 100) -> str:
    if not isinstance(value, str) or not value.strip():
        errors[field] = f"{label}必填"
        return ""
    if len(value.strip()) > max_length:
        errors[field] = f"{label}最长{max_length}个字符"
    return value.strip()


def _code(value: Any, field: str, errors: dict[str, str], seen: set[str], *, label: str) -> str:
    if not isinstance(value, str) or not CODE_RE.match(value):
        errors[field] = f"{label}代码应为小写字母开头的字母、数字或下划线（最长32位）"
        return ""
    if value in seen:
        errors[field] = f"{label}代码“{value}”重复"
    seen.add(value)
    return value


def _entries(raw: list[Any], key: str, errors: dict[str, str], *, label: str) -> Iterator[tuple[str, dict]]:
    """Each object of a definition list with its field prefix (`materials[2]`); a non-object
    entry is reported and skipped."""
    for i, item in enumerate(raw):
        prefix = f"{key}[{i}]"
        if isinstance(item, dict):
            yield prefix, item
        else:
            errors[prefix] = f"{label}应为对象"


def _steps(raw: Any, issues: str, errors: dict[str, str]) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        errors["steps"] = "环节不能为空"
        return []
    roles = set(Role.objects.values_list("code", flat=True))
    steps: list[dict[str, Any]] = []
    seen: set[str] = set()
    for p, item in _entries(raw, "steps", errors, label="环节"):
        code = _code(item.get("code"), f"{p}.code", errors, seen, label="环节")
        name = _text(item.get("name"), f"{p}.name", errors, label="环节名称", max_length=50)
        kind = item.get("kind")
        if kind not in StepKind.values:
            errors[f"{p}.kind"] = "环节类型应为：" + "、".join(f"{k.value}（{k.label}）" for k in StepKind)
        role = item.get("role")
        if not isinstance(role, str) or role not in roles:
            errors[f"{p}.role"] = f"角色不存在：{role}"
        actions = item.get("actions", [])
        if not isinstance(actions, list) or any(a not in OpinionResult.values for a in actions):
            errors[f"{p}.actions"] = "审核操作应为 1 同意、2 回退、3 退件、4 转件 中的若干项"
            actions = []
        elif actions and kind not in OPINION_KINDS:
            errors[f"{p}.actions"] = "只有审核、登簿环节可以填写审核操作"
        step = {"code": code, "name": name, "kind": kind, "role": role, "actions": sorted(set(actions))}
        for key in ("next", "back_to"):
            if item.get(key):
                step[key] = item[key]
        auto = item.get("auto", False)
        if not isinstance(auto, bool):
            errors[f"{p}.auto"] = "自动办理应为 true 或 false"
        elif auto and kind not in AUTO_KINDS:
            errors[f"{p}.auto"] = "只有审核、登簿、缮证环节可以自动办理"
        elif auto:
            step["auto"] = True
        steps.append(step)
    if errors:
        return steps
    _check_order(steps, issues, errors)
    _check_links(steps, errors)
    return steps


def _check_order(steps: list[dict[str, Any]], issues: str, errors: dict[str, str]) -> None:
    kinds = [s["kind"] for s in steps]
    positions = [KIND_ORDER.index(k) for k in kinds]
    if positions != sorted(positions):
        errors["steps"] = "环节顺序应为：受理 → 审核（可多级） → 登簿 → 缮证 → 发证 → 归档"
        return
    for kind in (StepKind.ACCEPT, StepKind.REGISTER, StepKind.ARCHIVE):
        if kinds.count(kind) != 1:
            errors["steps"] = f"须有且只有一个“{StepKind(kind).label}”环节"
            return
    wanted = 1 if issues != "none" else 0
    for kind in (StepKind.CERTIFY, StepKind.ISSUE):
        if kinds.count(kind) != wanted:
            what = "须有且只有一个" if wanted else "不发证的业务不应有"
            errors["steps"] = f"{what}“{StepKind(kind).label}”环节"
            return


def _check_links(steps: list[dict[str, Any]], errors: dict[str, str]) -> None:
    index = {s["code"]: i for i, s in enumerate(steps)}
    for i, step in enumerate(steps):
        p = f"steps[{i}]"
        target = step.get("next")
        if target is not None and (target not in index or index[target] <= i):
            errors[f"{p}.next"] = f"下一环节“{target}”不存在或不在本环节之后"
        elif target is not None and any(s["kind"] != StepKind.REVIEW for s in steps[i + 1 : index[target]]):
            errors[f"{p}.next"] = "只能跳过审核环节，不能跳过登簿、缮证、发证或归档"
        back = step.get("back_to")
        if back is not None:
            if back not in index or index[back] >= i or steps[index[back]]["kind"] not in OPINION_KINDS:
                errors[f"{p}.back_to"] = f"回退环节“{back}”不存在，或不是本环节之前的审核/登簿环节"
        elif OpinionResult.RETURN in step["actions"] and (
            i == 0 or steps[i - 1]["kind"] not in OPINION_KINDS
        ):
            errors[f"{p}.actions"] = "本环节之前没有可回退的审核环节，不能设置“回退”"
    if StepKind.REGISTER in {s["kind"] for s in steps}:
        register = next(s for s in steps if s["kind"] == StepKind.REGISTER)
        if OpinionResult.APPROVE not in register["actions"]:
            errors["steps"] = "登簿环节须允许“同意”（核准登簿）"


def _materials(raw: Any, errors: dict[str, str]) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        errors["materials"] = "收件清单应为列表"
        return []
    seen: set[str] = set()
    result = []
    for p, item in _entries(raw, "materials", errors, label="材料"):
        code = _code(item.get("code"), f"{p}.code", errors, seen, label="材料")
        name = _text(item.get("name"), f"{p}.name", errors, label="材料名称")
        required = item.get("required", False)
        if not isinstance(required, bool):
            errors[f"{p}.required"] = "是否必需应为 true 或 false"
        form = str(item.get("form", ""))
        if form not in MaterialForm.values:
            errors[f"{p}.form"] = "收件类型应为：" + "、".join(f"{f.value} {f.label}" for f in MaterialForm)
        pages = item.get("pages", 1)
        if not isinstance(pages, int) or isinstance(pages, bool) or not 1 <= pages <= 1000:
            errors[f"{p}.pages"] = "页数应为 1–1000 的整数"
        result.append({"code": code, "name": name, "required": bool(required), "form": form, "pages": pages})
    return result


def _fees(raw: Any, errors: dict[str, str]) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        errors["fees"] = "收费项目应为列表"
        return []
    seen: set[str] = set()
    result = []
    for p, item in _entries(raw, "fees", errors, label="收费项目"):
        code = _code(item.get("code"), f"{p}.code", errors, seen, label="收费项目")
        name = _text(item.get("name"), f"{p}.name", errors, label="收费项目名称")
        mode = str(item.get("mode", ""))
        if mode not in FeeMode.values:
            errors[f"{p}.mode"] = "收费类型应为：" + "、".join(f"{m.value} {m.label}" for m in FeeMode)
        try:
            amount = Decimal(str(item.get("amount")))
            if (
                not amount.is_finite()
                or amount < 0
                or amount > FEE_MAX
                or amount != amount.quantize(Decimal("0.01"))
            ):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors[f"{p}.amount"] = "收费金额应为不小于 0 的数字（元，最多两位小数）"
            amount = Decimal("0")
        waivable = item.get("waivable", False)
        if not isinstance(waivable, bool):
            errors[f"{p}.waivable"] = "是否可减免应为 true 或 false"
        free = item.get("free_quantity", 0)
        if not isinstance(free, int) or isinstance(free, bool) or free < 0:
            errors[f"{p}.free_quantity"] = "免收数量应为不小于 0 的整数"
        result.append(
            {
                "code": code,
                "name": name,
                "mode": mode,
                "amount": f"{amount:.2f}",
                "waivable": bool(waivable),
                "free_quantity": free if isinstance(free, int) else 0,
            }
        )
    return result


def _custom_fields(raw: Any, reserved: set[str], errors: dict[str, str]) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        errors["custom_fields"] = "自定义字段应为列表"
        return []
    seen = set(reserved)
    result = []
    for p, item in _entries(raw, "custom_fields", errors, label="字段"):
        code = item.get("code")
        if code in reserved:
            errors[f"{p}.code"] = f"字段代码“{code}”与业务类型的字段重复"
        else:
            _code(code, f"{p}.code", errors, seen, label="字段")
        label = _text(item.get("label"), f"{p}.label", errors, label="字段名称")
        kind = item.get("type")
        if kind not in FIELD_TYPES or kind == "right":
            errors[f"{p}.type"] = "字段类型应为：" + "、".join(t for t in FIELD_TYPES if t != "right")
        choices = item.get("choices") or []
        valid_choices = isinstance(choices, list) and all(
            isinstance(c, list | tuple) and len(c) == 2 and all(isinstance(v, str) and v for v in c)
            for c in choices
        )
        if kind == "choice" and (not valid_choices or not choices):
            errors[f"{p}.choices"] = "选项字段须填写选项，每项为 [代码, 名称]"
        required = item.get("required", False)
        if not isinstance(required, bool):
            errors[f"{p}.required"] = "是否必填应为 true 或 false"
        entry: dict[str, Any] = {"code": code, "label": label, "type": kind, "required": bool(required)}
        if kind == "choice" and valid_choices:
            entry["choices"] = [list(c) for c in choices]
        result.append(entry)
    return result


def _templates(raw: Any, step_codes: set[str], errors: dict[str, str]) -> dict[str, list[str]]:
    if not isinstance(raw, dict):
        errors["opinion_templates"] = "意见模板应为 {环节代码: [意见…]}"
        return {}
    result: dict[str, list[str]] = {}
    for step, texts in raw.items():
        if step not in step_codes:
            errors[f"opinion_templates.{step}"] = f"环节“{step}”不存在"
        elif not isinstance(texts, list) or not all(isinstance(t, str) and t.strip() for t in texts):
            errors[f"opinion_templates.{step}"] = "意见模板应为非空文字列表"
        else:
            result[step] = [t.strip()[:500] for t in texts]
    return result


def workflow_validate(*, business_type: str, definition: Any) -> dict[str, Any]:
    """Check a definition; returns it normalised, or raises InvalidInput naming each bad field."""
    bt = business_type_get(business_type)
    if not isinstance(definition, dict):
        raise InvalidInput(
            code="invalid_workflow", message="流程定义应为对象", fields={"definition": "应为对象"}
        )
    errors: dict[str, str] = {}
    unknown = set(definition) - set(DEFINITION_KEYS)
    if unknown:
        errors["definition"] = "未知的配置项：" + "、".join(sorted(unknown))
    steps = _steps(definition.get("steps"), bt.issues, errors)
    limit = definition.get("time_limit_workdays")
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= TIME_LIMIT_MAX:
        errors["time_limit_workdays"] = f"办理时限应为 1–{TIME_LIMIT_MAX} 个工作日"
    normalised = {
        "steps": steps,
        "materials": _materials(definition.get("materials", []), errors),
        "fees": _fees(definition.get("fees", []), errors),
        "time_limit_workdays": limit,
        "custom_fields": _custom_fields(
            definition.get("custom_fields", []), {f.code for f in bt.fields}, errors
        ),
        "opinion_templates": _templates(
            definition.get("opinion_templates", {}), {s["code"] for s in steps}, errors
        ),
    }
    if errors:
        raise invalid_fields(errors, code="invalid_workflow")
    return normalised


def _create(
    *, region_code: str, business_type: str, definition: dict[str, Any], by: User | None, note: str
) -> WorkflowDefinition:
    current = (
        WorkflowDefinition.objects.select_for_update()
        .filter(region_code=region_code, business_type=business_type)
        .order_by("-version")
    )
    latest = current.aggregate(v=Max("version"))["v"] or 0
    current.filter(is_active=True).update(is_active=False)
    row = WorkflowDefinition(
        region_code=region_code,
        business_type=business_type,
        version=latest + 1,
        is_active=True,
        created_by=by,
        note=note[:200],
        **definition,
    )
    row.full_clean(validate_unique=False, validate_constraints=False)  # the database decides races
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:
        raise Conflict(
            code="workflow_version_taken", message="流程定义已被他人同时发布，请刷新后重试"
        ) from exc
    return row


def workflow_publish(
    *, region_code: str, business_type: str, definition: dict[str, Any], by: User, note: str = ""
) -> WorkflowDefinition:
    """Validate and publish a new version (the previous one stops being current). Cases
    already started keep their version."""
    authorize(user=by, region_code=region_code, page=WORKFLOW_PAGE, action="cases.workflow_publish")
    normalised = workflow_validate(business_type=business_type, definition=definition)
    with transaction.atomic():
        row = _create(
            region_code=region_code, business_type=business_type, definition=normalised, by=by, note=note
        )
        audit_detail = {"business_type": business_type, "version": row.version}
        audit_record(
            actor=by,
            action="cases.workflow_publish",
            object_type="cases.workflow",
            object_id=f"{business_type}:v{row.version}",
            region_code=region_code,
            detail=audit_detail,
        )
    return row


@transaction.atomic
def workflow_ensure_defaults(*, region_code: str) -> list[WorkflowDefinition]:
    """Give a district version 1 of every business type it does not have yet (idempotent)."""
    have = set(
        WorkflowDefinition.objects.filter(region_code=region_code).values_list("business_type", flat=True)
    )
    created = []
    for code in business_types():
        if code in have:
            continue
        definition = workflow_validate(business_type=code, definition=default_definition(code))
        created.append(
            _create(
                region_code=region_code, business_type=code, definition=definition, by=None, note="默认流程"
            )
        )
    return created
