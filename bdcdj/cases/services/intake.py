"""收件: creating a case (or a group of cases applied for together) and receiving materials."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction

from bdcdj.accounts.models import User
from bdcdj.cases.models import (
    BEFORE_REGISTER,
    Case,
    CaseGroup,
    CaseParty,
    CaseStatus,
    CaseUnit,
    EventKind,
    Material,
    MaterialForm,
    WorkflowDefinition,
)
from bdcdj.cases.services import common
from bdcdj.cases.services.applications import (
    PartyInput,
    clean_data,
    clean_parties,
    party_rows,
    workflow_fields,
)
from bdcdj.cases.services.documents import files_guard, store
from bdcdj.cases.services.workflows import workflow_ensure_defaults
from bdcdj.cases.workflows import BusinessType, business_types
from bdcdj.core.crypto import sm3_hex
from bdcdj.core.errors import DomainError, InvalidInput, invalid_fields
from bdcdj.register.selectors import UnitState, unit_state

ACCEPT_PAGE = "cases.accept"
MAX_UNITS = 200
MAX_MATERIAL_BYTES = 20 * 1024 * 1024
MAX_GROUP = 10
# Accepted uploads, recognised by their first bytes (the declared type must agree).
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


@dataclass
class Prepared:
    region_code: str
    bt: BusinessType
    workflow: WorkflowDefinition
    states: list[UnitState]
    parties: list[PartyInput]
    data: dict[str, Any]


def _workflow(region_code: str, business_type: str) -> WorkflowDefinition:
    def current() -> WorkflowDefinition | None:
        return WorkflowDefinition.objects.filter(
            region_code=region_code, business_type=business_type, is_active=True
        ).first()

    found = current()
    if found is None:
        workflow_ensure_defaults(region_code=region_code)
        found = current()
    assert found is not None
    return found


def _prepare(
    *,
    region_code: str,
    business_type: str,
    unit_codes: Sequence[str],
    parties: Sequence[Mapping[str, Any]],
    data: Mapping[str, Any],
    by: User,
    prefix: str = "",
) -> Prepared:
    bt = business_types().get(business_type)
    if bt is None:
        raise invalid_fields({f"{prefix}business_type": f"未知的业务类型：{business_type}"})
    common.authorize(user=by, region_code=region_code, page=ACCEPT_PAGE, action="cases.create")
    workflow = _workflow(region_code, business_type)
    role = workflow.steps[0]["role"]
    common.authorize(user=by, region_code=region_code, page=ACCEPT_PAGE, action="cases.create", role=role)
    errors: dict[str, str] = {}
    states = _units(unit_codes, by, region_code, errors)
    raw_parties = list(parties) if isinstance(parties, list | tuple) else parties
    party_list = clean_parties(bt, raw_parties, errors, data if isinstance(data, Mapping) else {})
    cleaned = clean_data(workflow_fields(bt, workflow.custom_fields), data, errors)
    for spec in bt.fields:
        if spec.type == "right" and spec.code in cleaned:
            _check_target(spec.code, spec.right_kind, spec.label, cleaned[spec.code], states, errors)
    if errors:
        raise invalid_fields({f"{prefix}{k}": v for k, v in errors.items()})
    return Prepared(region_code, bt, workflow, states, party_list, cleaned)


def _units(codes: Sequence[str], by: User, region_code: str, errors: dict[str, str]) -> list[UnitState]:
    if not isinstance(codes, list | tuple) or not codes:
        errors["unit_codes"] = "须选择至少一个不动产单元"
        return []
    if len(codes) > MAX_UNITS:
        errors["unit_codes"] = f"一次最多选择{MAX_UNITS}个不动产单元"
        return []
    states: list[UnitState] = []
    seen: set[str] = set()
    for index, code in enumerate(codes):
        field = f"unit_codes[{index}]"
        try:
            state = unit_state(user=by, code=str(code))
        except DomainError as exc:
            errors[field] = exc.message
            continue
        if state.unit.region_code != region_code:
            errors[field] = "不动产单元不属于本行政区"
        elif state.unit.code in seen:
            errors[field] = "不动产单元重复"
        else:
            seen.add(state.unit.code)
            states.append(state)
    return states


def _check_target(
    code: str, kind: str, label: str, right_id: int, states: list[UnitState], errors: dict[str, str]
) -> None:
    for state in states:
        for right in state.rights:
            if right.pk == right_id and right.kind == kind:
                return
    errors[f"data.{code}"] = f"{label}应为所选不动产单元上现势的权利"


def _insert(prepared: Prepared, *, by: User, group: CaseGroup | None = None, order: int = 0) -> Case:
    case = Case(
        region_code=prepared.region_code,
        number=common.case_number(region_code=prepared.region_code),
        business_type=prepared.bt.code,
        workflow=prepared.workflow,
        group=group,
        group_order=order,
        status=CaseStatus.RUNNING,
        step_code=prepared.workflow.steps[0]["code"],
        data=prepared.data,
        time_limit_workdays=prepared.workflow.time_limit_workdays,
        created_by=by,
    )
    common.enter_step(case, case.step_code)
    case.full_clean()
    case.save()
    parties = party_rows(case, prepared.parties)
    for party in parties:
        party.full_clean()
    CaseParty.objects.bulk_create(parties)
    for index, state in enumerate(prepared.states, start=1):
        unit = state.unit
        row = CaseUnit(
            case=case,
            region_code=case.region_code,
            unit_code=unit.code,
            order=index,
            kind=unit.kind,
            location=unit.location,
            built_area=unit.built_area,
        )
        row.full_clean()
        row.save()
    common.event(case, EventKind.CREATED, by=by, message=f"收件：{prepared.bt.name}")
    common.audit(by=by, action="cases.create", case=case, detail={"business_type": prepared.bt.code})
    return case


def case_create(
    *,
    region_code: str,
    business_type: str,
    unit_codes: Sequence[str],
    parties: Sequence[Mapping[str, Any]],
    data: Mapping[str, Any],
    by: User,
) -> Case:
    """收件: a new case in stage intake. Units must exist in the user's district; fields and
    parties are checked against the business type and the district's current workflow."""
    prepared = _prepare(
        region_code=region_code,
        business_type=business_type,
        unit_codes=unit_codes,
        parties=parties,
        data=data,
        by=by,
    )
    with transaction.atomic():
        return _insert(prepared, by=by)


def case_group_create(
    *, region_code: str, members: Sequence[Mapping[str, Any]], by: User, name: str = ""
) -> CaseGroup:
    """一并申请: several cases received together (e.g. 转移 + 抵押), registered in the given
    order in one transaction at 登簿. Each member is {business_type, unit_codes, parties, data}."""
    if not isinstance(members, list | tuple) or not 2 <= len(members) <= MAX_GROUP:
        raise invalid_fields({"members": f"一并申请应包含 2–{MAX_GROUP} 项业务"})
    prepared = []
    errors: dict[str, str] = {}
    for index, member in enumerate(members):
        try:
            prepared.append(
                _prepare(
                    region_code=region_code,
                    business_type=str(member.get("business_type", "")),
                    unit_codes=member.get("unit_codes", []),
                    parties=member.get("parties", []),
                    data=member.get("data", {}),
                    by=by,
                    prefix=f"members[{index}].",
                )
            )
        except InvalidInput as exc:
            errors.update(exc.fields)
    if errors:
        raise invalid_fields(errors)
    with transaction.atomic():
        group = CaseGroup(region_code=region_code, name=name.strip()[:100], created_by=by)
        group.full_clean()
        group.save()
        for order, member in enumerate(prepared, start=1):
            _insert(member, by=by, group=group, order=order)
    return group


def _sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    return None


def _read(content: bytes | IO[bytes]) -> bytes:
    if isinstance(content, bytes | bytearray):
        return bytes(content[: MAX_MATERIAL_BYTES + 1])
    return content.read(MAX_MATERIAL_BYTES + 1)


def case_material_add(
    *,
    case: Case,
    checklist_code: str,
    content: bytes | IO[bytes],
    content_type: str,
    form: str,
    pages: int,
    by: User,
) -> Material:
    """收取一份材料: PDF, JPEG or PNG up to 20 MB, recognised by its first bytes; stored under
    MEDIA_ROOT/cases/<region>/<case>/ with SHA-256 and SM3 digests. Allowed before 登簿."""
    common.authorize(
        user=by, region_code=case.region_code, page=ACCEPT_PAGE, action="cases.material_add", case=case
    )
    errors: dict[str, str] = {}
    entry = case.workflow.material(checklist_code)
    if entry is None:
        errors["checklist_code"] = "不在本业务的收件清单中"
    if form not in MaterialForm.values:
        errors["form"] = "收件类型无效"
    if isinstance(pages, bool) or not isinstance(pages, int) or not 1 <= pages <= 1000:
        errors["pages"] = "页数应为 1–1000"
    data = _read(content)
    sniffed = _sniff(data[:8])
    if not data:
        errors["file"] = "文件为空"
    elif len(data) > MAX_MATERIAL_BYTES:
        errors["file"] = "文件不能超过 20 MB"
    elif sniffed is None:
        errors["file"] = "只接受 PDF、JPEG 或 PNG 文件"
    elif content_type and content_type.split(";")[0].strip().lower() != sniffed[0]:
        errors["file"] = f"文件内容为 {sniffed[0]}，与声明的类型不符"
    if errors:
        raise invalid_fields(errors)
    assert entry is not None and sniffed is not None
    with files_guard(), transaction.atomic():
        locked = common.lock(case)
        common.require(
            locked,
            stages=BEFORE_REGISTER,
            statuses={CaseStatus.RUNNING, CaseStatus.SUSPENDED},
            what="收取材料",
        )
        material = Material(
            case=locked,
            checklist_code=checklist_code,
            name=entry["name"],
            content_type=sniffed[0],
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            sm3=sm3_hex(data),
            form=form,
            pages=pages,
            received_by=by,
        )
        store(material.file, f"material-{uuid.uuid4().hex}.{sniffed[1]}", data)
        material.full_clean()
        material.save()
        common.event(locked, EventKind.MATERIAL, by=by, message=f"收取材料：{entry['name']}", public=False)
        common.audit(
            by=by,
            action="cases.material_add",
            case=locked,
            detail={"checklist_code": checklist_code, "sm3": material.sm3},
        )
    return material
