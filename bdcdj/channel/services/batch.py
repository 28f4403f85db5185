"""Batches of the channel: 抵押权首次登记, 抵押权注销 and 交房即交证 (转移, optionally with the
buyer's mortgage as 一并申请).

Every item is handled on its own: checked, then — in one transaction — received (`case_create` /
`case_group_create` as the institution's service account), its materials stored and the case
accepted (the channel is the institution's extended window: 收件 and 受理 in one step). An item that
fails leaves nothing behind and is answered with its field errors; the others go on. The
idempotency key of an item makes a retried batch return what the first one created.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from pydantic import ValidationError

from bdcdj.accounts import pii
from bdcdj.cases.models import Case, Material, Notice
from bdcdj.cases.services import case_accept, case_create, case_group_create, case_material_add
from bdcdj.channel.models import ChannelItem, Institution, ItemKind
from bdcdj.channel.services.items import (
    CancelItem,
    HandoverItem,
    ItemModel,
    MaterialIn,
    MortgageItem,
    PersonIn,
)
from bdcdj.core.crypto import sm3_hex
from bdcdj.core.errors import DomainError, InvalidInput
from bdcdj.register.selectors import unit_state

KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
ORGANISATION = "2"  # 权利人类型 QLRLX 2 企业
CREDIT_CODE = "8"  # 证件种类 ZJZL 8 统一社会信用代码


@dataclass
class ItemResult:
    index: int
    idempotency_key: str
    status: str  # created | existing | invalid
    case_id: int | None = None
    case_number: str = ""
    mortgage_case_number: str = ""
    code: str = ""
    message: str = ""
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class BatchResult:
    created: int
    existing: int
    invalid: int
    items: list[ItemResult]


def _pydantic_fields(exc: ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for err in exc.errors():
        path = ""
        for part in err.get("loc", ()):
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        kind = str(err.get("type", ""))
        if kind == "missing":
            message = "必填"
        elif kind == "extra_forbidden":
            message = "不认识的字段"
        elif kind.startswith("too_long") or kind.startswith("string_too_long"):
            message = "超出长度或数量限制"
        elif kind.startswith("too_short") or kind.startswith("string_too_short"):
            message = "不能为空"
        else:
            message = "格式有误"
        fields[path or "item"] = message
    return fields


def _materials(case: Case, materials: Sequence[MaterialIn], by: Any, prefix: str) -> None:
    for i, m in enumerate(materials):
        entry = case.workflow.material(m.checklist_code)
        try:
            content = base64.b64decode(m.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidInput(
                code="invalid_input",
                message="材料内容应为 Base64 编码",
                fields={f"{prefix}materials[{i}].content_base64": "应为 Base64 编码"},
            ) from exc
        try:
            case_material_add(
                case=case,
                checklist_code=m.checklist_code,
                content=content,
                content_type=m.content_type,
                form=m.form or (entry["form"] if entry else "1"),
                pages=m.pages or (entry["pages"] if entry else 1),
                by=by,
            )
        except DomainError as exc:
            exc.fields = {f"{prefix}materials[{i}].{k}": v for k, v in exc.fields.items()}
            raise


def _case_files(cases: Sequence[Case]) -> list[str]:
    names: list[str] = []
    for model in (Material, Notice):
        names += [n for n in model.objects.filter(case__in=cases).values_list("file", flat=True) if n]
    return names


def _remap(exc: DomainError, mapping: Mapping[str, str]) -> None:
    """Field names of the case services (parties[2].id_number) → the item's (mortgagors[1].id_number)."""
    fields: dict[str, str] = {}
    for key, value in exc.fields.items():
        new = key
        for old, replacement in mapping.items():
            if key == old or key.startswith(old + "."):
                new = replacement + key[len(old) :]
                break
        fields[new] = value
    exc.fields = fields


def _party(person: PersonIn, role: str) -> dict[str, Any]:
    party: dict[str, Any] = {
        "role": role,
        "name": person.name,
        "id_type": person.id_type,
        "id_number": person.id_number,
        "party_type": person.party_type,
    }
    if person.share is not None:
        party["share"] = person.share
    return party


def _institution_party(institution: Institution, role: str) -> dict[str, Any]:
    return {
        "role": role,
        "name": institution.organisation.name,
        "party_type": ORGANISATION,
        "id_type": CREDIT_CODE,
        "id_number": institution.credit_code,
    }


def _holder_is(state: Any, right: Any, id_number: str, roles: set[str]) -> bool:
    index = pii.blind_index(id_number)
    return any(p.role in roles and p.id_index == index for p in right.parties.all())


@dataclass
class _Plan:
    """What to create for one valid-looking item."""

    members: list[dict[str, Any]]  # {business_type, unit_codes, parties, data, materials, mapping}
    group_name: str = ""


def _create(institution: Institution, plan: _Plan) -> list[Case]:
    by = institution.service_user
    if len(plan.members) == 1:
        m = plan.members[0]
        try:
            cases = [
                case_create(
                    region_code=institution.region_code,
                    business_type=m["business_type"],
                    unit_codes=m["unit_codes"],
                    parties=m["parties"],
                    data=m["data"],
                    by=by,
                )
            ]
        except DomainError as exc:
            _remap(exc, m["mapping"])
            raise
    else:
        try:
            group = case_group_create(
                region_code=institution.region_code,
                members=[
                    {k: m[k] for k in ("business_type", "unit_codes", "parties", "data")}
                    for m in plan.members
                ],
                by=by,
                name=plan.group_name,
            )
        except DomainError as exc:
            mapping: dict[str, str] = {}
            for i, m in enumerate(plan.members):
                mapping.update({f"members[{i}].{k}": v for k, v in m["mapping"].items()})
            _remap(exc, mapping)
            raise
        cases = list(group.cases.order_by("group_order"))
    return cases


def _submit(
    *,
    institution: Institution,
    kind: str,
    items: Sequence[Any],
    model: type[ItemModel],
    plan_for: Callable[[Any, dict[str, str]], _Plan | None],
) -> BatchResult:
    limit = int(settings.BDCDJ_CHANNEL_BATCH_MAX)
    if not isinstance(items, list | tuple) or not 1 <= len(items) <= limit:
        raise InvalidInput(
            code="batch_size", message=f"每批应包含 1–{limit} 项申请", fields={"items": f"1–{limit} 项"}
        )
    results: list[ItemResult] = []
    seen: set[str] = set()
    for index, raw in enumerate(items):
        key = str(raw.get("idempotency_key", "")) if isinstance(raw, Mapping) else ""
        result = ItemResult(index=index, idempotency_key=key[:64], status="invalid")
        results.append(result)
        if not KEY_RE.match(key):
            result.code, result.message = "invalid_input", "幂等键必填：1–64 位字母、数字或 _ . : -"
            result.fields = {"idempotency_key": "格式有误"}
            continue
        if key in seen:
            result.code, result.message = "duplicate_key", "同一批次中幂等键重复"
            result.fields = {"idempotency_key": "本批次中重复"}
            continue
        seen.add(key)
        digest = sm3_hex(json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))
        _one(institution, kind, raw, model, plan_for, result, digest)
    return BatchResult(
        created=sum(r.status == "created" for r in results),
        existing=sum(r.status == "existing" for r in results),
        invalid=sum(r.status == "invalid" for r in results),
        items=results,
    )


def _existing(institution: Institution, key: str, digest: str, result: ItemResult) -> bool:
    found = (
        ChannelItem.objects.select_related("case", "mortgage_case")
        .filter(institution=institution, idempotency_key=key)
        .first()
    )
    if found is None:
        return False
    if found.digest != digest:
        result.code, result.message = "key_reused", "该幂等键已用于内容不同的申请"
        result.fields = {"idempotency_key": "已用于内容不同的申请"}
        return True
    result.status, result.case_id, result.case_number = "existing", found.case_id, found.case.number
    result.mortgage_case_number = found.mortgage_case.number if found.mortgage_case else ""
    return True


def _one(
    institution: Institution,
    kind: str,
    raw: Any,
    model: type[ItemModel],
    plan_for: Callable[[Any, dict[str, str]], _Plan | None],
    result: ItemResult,
    digest: str,
) -> None:
    if _existing(institution, result.idempotency_key, digest, result):
        return
    try:
        item = model.model_validate(raw)
    except ValidationError as exc:
        result.code, result.message = "invalid_input", "申请数据格式有误"
        result.fields = _pydantic_fields(exc)
        return
    errors: dict[str, str] = {}
    plan = plan_for(item, errors)
    if errors or plan is None:
        result.code, result.message, result.fields = "invalid_input", "申请有误", errors
        return
    files: list[str] = []
    try:
        with transaction.atomic():
            cases = _create(institution, plan)
            try:
                for case, member in zip(cases, plan.members, strict=True):
                    _materials(case, member["materials"], institution.service_user, member["prefix"])
                for case in cases:
                    case_accept(case=case, by=institution.service_user)
                ChannelItem.objects.create(
                    institution=institution,
                    region_code=institution.region_code,
                    kind=kind,
                    idempotency_key=result.idempotency_key,
                    digest=digest,
                    case=cases[0],
                    mortgage_case=cases[1] if len(cases) > 1 else None,
                )
            except BaseException:
                files = _case_files(cases)
                raise
    except IntegrityError:  # the same key committed by a concurrent request
        for name in files:
            default_storage.delete(name)
        if not _existing(institution, result.idempotency_key, digest, result):
            raise
        return
    except DomainError as exc:
        for name in files:
            default_storage.delete(name)
        result.code, result.message, result.fields = exc.code, exc.message, dict(exc.fields)
        return
    result.status, result.case_id, result.case_number = "created", cases[0].pk, cases[0].number
    result.mortgage_case_number = cases[1].number if len(cases) > 1 else ""


def _state(institution: Institution, code: str, field_name: str, errors: dict[str, str]) -> Any:
    try:
        return unit_state(user=institution.service_user, code=code)
    except DomainError as exc:
        errors[field_name] = exc.message
        return None


def mortgage_batch_submit(*, institution: Institution, items: Sequence[Any]) -> BatchResult:
    """抵押权首次登记: the institution is the 抵押权人; mortgagors (and debtors) per item."""

    def plan(item: MortgageItem, errors: dict[str, str]) -> _Plan:
        parties = [_institution_party(institution, "mortgagee")]
        mapping: dict[str, str] = {}
        for i, person in enumerate(item.mortgagors):
            mapping[f"parties[{len(parties)}]"] = f"mortgagors[{i}]"
            parties.append(_party(person, "mortgagor"))
        for i, person in enumerate(item.debtors):
            mapping[f"parties[{len(parties)}]"] = f"debtors[{i}]"
            parties.append(_party(person, "debtor"))
        mapping["parties"] = "mortgagors"
        return _Plan(
            members=[
                {
                    "business_type": "mortgage_first",
                    "unit_codes": item.unit_codes,
                    "parties": parties,
                    "data": item.data,
                    "materials": item.materials,
                    "mapping": mapping,
                    "prefix": "",
                }
            ]
        )

    return _submit(
        institution=institution, kind=ItemKind.MORTGAGE, items=items, model=MortgageItem, plan_for=plan
    )


def cancel_batch_submit(*, institution: Institution, items: Sequence[Any]) -> BatchResult:
    """抵押权注销: the mortgage is named by its 不动产登记证明号 and must be this institution's."""

    def plan(item: CancelItem, errors: dict[str, str]) -> _Plan | None:
        state = _state(institution, item.unit_code, "unit_code", errors)
        if state is None:
            return None
        mortgage = next((m for m in state.mortgages if m.certificate_number == item.proof_number), None)
        if mortgage is None:
            errors["proof_number"] = "该单元上没有此证明号的现势抵押权"
            return None
        if not _holder_is(state, mortgage, institution.credit_code, {"mortgagee"}):
            errors["proof_number"] = "该抵押权的抵押权人不是本机构"
            return None
        data = {**item.data, "target_right_id": mortgage.pk}
        return _Plan(
            members=[
                {
                    "business_type": "mortgage_cancel",
                    "unit_codes": [state.unit.code],
                    "parties": [_institution_party(institution, "applicant")],
                    "data": data,
                    "materials": item.materials,
                    "mapping": {"unit_codes[0]": "unit_code", "data.target_right_id": "proof_number"},
                    "prefix": "",
                }
            ]
        )

    return _submit(
        institution=institution, kind=ItemKind.CANCEL, items=items, model=CancelItem, plan_for=plan
    )


def handover_batch_submit(*, institution: Institution, project: str, items: Sequence[Any]) -> BatchResult:
    """交房即交证: a 转移（买卖） per household from the developer to its buyers, with the buyers'
    mortgage as 一并申请 when given. The developer must hold the household's title."""
    project = " ".join((project or "").split())[:60]

    def plan(item: HandoverItem, errors: dict[str, str]) -> _Plan | None:
        state = _state(institution, item.unit_code, "unit_code", errors)
        if state is None:
            return None
        if state.title is None or not _holder_is(state, state.title, institution.credit_code, {"holder"}):
            errors["unit_code"] = "该单元的现登记权利人不是本机构"
            return None
        parties: list[dict[str, Any]] = []
        mapping = {"unit_codes[0]": "unit_code", "parties": "buyers"}
        for i, person in enumerate(item.buyers):
            mapping[f"parties[{len(parties)}]"] = f"buyers[{i}]"
            parties.append(_party(person, "holder"))
        parties.append(_institution_party(institution, "obligor"))
        members = [
            {
                "business_type": "house_transfer_sale",
                "unit_codes": [state.unit.code],
                "parties": parties,
                "data": item.data,
                "materials": item.materials,
                "mapping": mapping,
                "prefix": "",
            }
        ]
        if item.mortgage is not None:
            bank = item.mortgage.mortgagee
            m_parties = [
                {
                    "role": "mortgagee",
                    "name": bank.name,
                    "party_type": ORGANISATION,
                    "id_type": CREDIT_CODE,
                    "id_number": bank.credit_code,
                },
                *[_party(person, "mortgagor") for person in item.buyers],
            ]
            members.append(
                {
                    "business_type": "mortgage_first",
                    "unit_codes": [state.unit.code],
                    "parties": m_parties,
                    "data": item.mortgage.data,
                    "materials": item.mortgage.materials,
                    "mapping": {
                        "parties[0]": "mortgage.mortgagee",
                        "data": "mortgage.data",
                        "unit_codes[0]": "unit_code",
                    },
                    "prefix": "mortgage.",
                }
            )
        name = f"{project} 交房即交证" if project else "交房即交证"
        return _Plan(members=members, group_name=name)

    return _submit(
        institution=institution, kind=ItemKind.HANDOVER, items=items, model=HandoverItem, plan_for=plan
    )
