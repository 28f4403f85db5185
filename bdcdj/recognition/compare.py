"""Comparisons of what the materials say with the application (申请信息: parties, units, data),
the register (登记簿, through register selectors) and shared checks (公安身份核验, archived by
bdcdj.sharing). Each comparison is one `Finding`: match, mismatch or missing, with its source and
the values shown masked — findings are stored and audited, so they never carry clear names or
ID numbers."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps

from bdcdj.accounts import pii
from bdcdj.core.errors import DomainError
from bdcdj.recognition.extractors import KIND_LABELS, id_number_valid
from bdcdj.sharing.kinds import STATUS_LABELS as SHARING_STATUS_LABELS

MATCH, MISMATCH, MISSING = "match", "mismatch", "missing"
STATUS_LABELS = {MATCH: "一致", MISMATCH: "不一致", MISSING: "缺失"}
APPLICATION, REGISTER, SHARING, DOCUMENT = "申请信息", "登记簿", "公安身份核验", "材料识别"


@dataclass(frozen=True)
class Finding:
    check: str  # stable code, e.g. "mortgage_contract.amount"
    label: str
    status: str
    source: str
    message: str
    document: str = ""
    found: str = ""  # masked
    expected: str = ""  # masked
    confidence: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Party:
    role: str
    name: str
    id_type: str
    id_number: str
    organisation: bool


@dataclass
class Recognised:
    """A recognised material with its fields in clear (in memory only)."""

    material_name: str
    checklist_code: str
    expected_kind: str
    kind: str
    status: str
    message: str
    fields: dict[str, dict[str, Any]]  # code → {"value", "confidence"}


@dataclass
class Context:
    business_type: str
    data: dict[str, Any]
    parties: list[Party]
    unit_codes: list[str]
    unit_locations: dict[str, str]  # from the register
    unit_areas: dict[str, str]
    documents: list[Recognised]
    register_right: Callable[[int], Any]  # right id → register Right (tenant-checked)
    sharing: dict[str, str] = field(default_factory=dict)  # blind index → latest id_card status


def mask(value: str, *, personal: bool) -> str:
    if not personal or not value:
        return value
    if id_number_valid(pii.normalise_id_number(value)) or value.isdigit():
        return pii.mask_id_number(value)
    return "、".join(pii.mask_name(part) for part in value.split("、"))


def _same_text(a: str, b: str) -> bool:
    fold = str.maketrans("（）", "()")
    return "".join(a.split()).translate(fold) == "".join(b.split()).translate(fold)


def _same_amount(a: str, b: Any) -> bool:
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except (InvalidOperation, ValueError):
        return False


def _value(doc: Recognised, code: str) -> tuple[str, float | None]:
    entry = doc.fields.get(code) or {}
    return str(entry.get("value") or ""), entry.get("confidence")


def compare_value(
    doc: Recognised,
    code: str,
    label: str,
    expected: Any,
    *,
    source: str,
    personal: bool = False,
    same: Callable[[str, Any], bool] = lambda a, b: _same_text(a, str(b)),
) -> Finding:
    found, confidence = _value(doc, code)
    check = f"{doc.kind}.{code}"
    base: dict[str, Any] = {
        "check": check,
        "label": label,
        "source": source,
        "document": doc.material_name,
        "confidence": confidence,
    }
    shown_found, shown_expected = mask(found, personal=personal), mask(str(expected or ""), personal=personal)
    if expected in (None, ""):
        return Finding(status=MISSING, message=f"{source}中没有{label}，无法比对", found=shown_found, **base)
    if not found:
        return Finding(
            status=MISSING,
            message=f"材料“{doc.material_name}”中未识别出{label}",
            expected=shown_expected,
            **base,
        )
    if same(found, expected):
        return Finding(
            status=MATCH, message=f"{label}与{source}一致", found=shown_found, expected=shown_expected, **base
        )
    return Finding(
        status=MISMATCH,
        message=f"{label}与{source}不一致：材料为“{shown_found}”，{source}为“{shown_expected}”",
        found=shown_found,
        expected=shown_expected,
        **base,
    )


def _names(parties: list[Party], *roles: str) -> str:
    return "、".join(p.name for p in parties if p.role in roles)


def _same_set(a: str, b: Any) -> bool:
    return sorted(x for x in a.split("、") if x) == sorted(x for x in str(b).split("、") if x)


def _unit(ctx: Context, doc: Recognised) -> list[Finding]:
    findings = [
        compare_value(
            doc,
            "unit_code",
            "不动产单元号",
            "、".join(ctx.unit_codes),
            source=APPLICATION,
            same=lambda a, b: a in str(b).split("、"),
        )
    ]
    code, _ = _value(doc, "unit_code")
    if "location" in doc.fields or doc.kind in {"sale_contract", "court_order"}:
        findings.append(
            compare_value(doc, "location", "坐落", ctx.unit_locations.get(code, ""), source=REGISTER)
        )
    return findings


def check_id_card(ctx: Context, doc: Recognised) -> list[Finding]:
    number, confidence = _value(doc, "id_number")
    base: dict[str, Any] = {
        "label": "公民身份号码",
        "source": APPLICATION,
        "document": doc.material_name,
        "confidence": confidence,
    }
    if not number:
        return [
            Finding(check="id_card.id_number", status=MISSING, message="身份证上未识别出公民身份号码", **base)
        ]
    if not id_number_valid(number):
        return [
            Finding(
                check="id_card.id_number",
                status=MISMATCH,
                found=mask(number, personal=True),
                message="识别出的公民身份号码校验位不正确",
                **base,
            )
        ]
    party = next((p for p in ctx.parties if pii.normalise_id_number(p.id_number) == number), None)
    if party is None:
        return [
            Finding(
                check="id_card.id_number",
                status=MISMATCH,
                found=mask(number, personal=True),
                message="身份证号码不属于本业务的任何申请人",
                **base,
            )
        ]
    findings = [
        Finding(
            check="id_card.id_number",
            status=MATCH,
            found=mask(number, personal=True),
            expected=mask(party.id_number, personal=True),
            message="身份证号码与申请人一致",
            **base,
        )
    ]
    findings.append(compare_value(doc, "name", "身份证姓名", party.name, source=APPLICATION, personal=True))
    status = ctx.sharing.get(pii.blind_index(number))
    sharing: dict[str, Any] = {
        "check": "id_card.sharing",
        "label": "公安身份核验",
        "source": SHARING,
        "document": doc.material_name,
        "found": mask(number, personal=True),
    }
    if status is None:
        findings.append(Finding(status=MISSING, message="尚无该申请人的公安身份核验结果", **sharing))
    elif status == "ok":
        findings.append(Finding(status=MATCH, message="公安身份核验一致", **sharing))
    else:
        label = SHARING_STATUS_LABELS.get(status, status)
        verdict = MISSING if status in {"pending", "unavailable"} else MISMATCH  # not yet answered
        findings.append(Finding(status=verdict, message=f"公安身份核验结果为“{label}”", **sharing))
    return findings


def check_sale_contract(ctx: Context, doc: Recognised) -> list[Finding]:
    return [
        compare_value(
            doc,
            "seller",
            "出卖人",
            _names(ctx.parties, "obligor"),
            source=APPLICATION,
            personal=True,
            same=_same_set,
        ),
        compare_value(
            doc,
            "buyer",
            "买受人",
            _names(ctx.parties, "holder"),
            source=APPLICATION,
            personal=True,
            same=_same_set,
        ),
        compare_value(
            doc, "price", "成交价格（万元）", ctx.data.get("price"), source=APPLICATION, same=_same_amount
        ),
        *_unit(ctx, doc),
        compare_value(
            doc,
            "area",
            "建筑面积（m²）",
            ctx.unit_areas.get(_value(doc, "unit_code")[0], ""),
            source=REGISTER,
            same=_same_amount,
        ),
    ]


def check_mortgage_contract(ctx: Context, doc: Recognised) -> list[Finding]:
    amount = ctx.data.get("secured_amount") or ctx.data.get("maximum_amount")
    return [
        compare_value(
            doc, "mortgagee", "抵押权人", _names(ctx.parties, "mortgagee"), source=APPLICATION, same=_same_set
        ),
        compare_value(
            doc,
            "mortgagor",
            "抵押人",
            _names(ctx.parties, "mortgagor"),
            source=APPLICATION,
            personal=True,
            same=_same_set,
        ),
        compare_value(
            doc, "amount", "被担保主债权数额（万元）", amount, source=APPLICATION, same=_same_amount
        ),
        compare_value(doc, "term_start", "债务履行起始日期", ctx.data.get("debt_start"), source=APPLICATION),
        compare_value(doc, "term_end", "债务履行结束日期", ctx.data.get("debt_end"), source=APPLICATION),
        *_unit(ctx, doc),
    ]


def check_court_order(ctx: Context, doc: Recognised) -> list[Finding]:
    return [
        compare_value(doc, "court", "查封机关", ctx.data.get("authority"), source=APPLICATION),
        compare_value(doc, "case_number", "查封文号", ctx.data.get("document_number"), source=APPLICATION),
        compare_value(doc, "start", "查封起始日期", ctx.data.get("start"), source=APPLICATION),
        compare_value(doc, "end", "查封结束日期", ctx.data.get("end"), source=APPLICATION),
        *_unit(ctx, doc),
    ]


def check_discharge(ctx: Context, doc: Recognised) -> list[Finding]:
    right = None
    try:
        right = ctx.register_right(int(ctx.data.get("target_right_id") or 0))
    except (DomainError, ValueError, TypeError):
        right = None
    if right is None:
        return [
            Finding(
                check="discharge.right",
                label="注销的抵押权",
                status=MISSING,
                source=REGISTER,
                document=doc.material_name,
                message="登记簿中未找到申请注销的抵押权",
            )
        ]
    mortgagees = "、".join(pii.decrypt_text(p.name_enc) for p in right.parties.all() if p.role == "mortgagee")
    applicants = _names(ctx.parties, "applicant")
    return [
        compare_value(doc, "mortgagee", "抵押权人", mortgagees, source=REGISTER, same=_same_set),
        compare_value(doc, "proof_number", "不动产登记证明号", right.certificate_number, source=REGISTER),
        compare_value(doc, "unit_code", "不动产单元号", right.unit.code, source=REGISTER),
        compare_value(
            doc,
            "mortgagee",
            "申请人",
            applicants,
            source=APPLICATION,
            same=lambda a, b: set(a.split("、")) <= set(str(b).split("、")),
        ),
    ]


CHECKS: dict[str, Callable[[Context, Recognised], list[Finding]]] = {
    "id_card": check_id_card,
    "sale_contract": check_sale_contract,
    "mortgage_contract": check_mortgage_contract,
    "court_order": check_court_order,
    "discharge": check_discharge,
}


def compare(ctx: Context, profile: dict[str, Any]) -> list[Finding]:
    """Every finding of a case: each expected material present and of its kind, then the
    comparisons of the document kinds the profile checks, then parties without an ID card."""
    findings: list[Finding] = []
    wanted = set(profile.get("checks", []))
    documents: dict[str, str] = profile.get("documents", {})
    for code, kind in documents.items():
        if not any(d.checklist_code == code for d in ctx.documents):
            findings.append(
                Finding(
                    check=f"{kind}.present",
                    label=KIND_LABELS.get(kind, kind),
                    status=MISSING,
                    source=DOCUMENT,
                    message=f"未收取应识别的材料（{KIND_LABELS.get(kind, kind)}）",
                )
            )
    for doc in ctx.documents:
        if doc.status in {"unreadable", "unknown"}:
            findings.append(
                Finding(
                    check=f"{doc.expected_kind or doc.kind}.read",
                    label="材料识别",
                    status=MISSING,
                    source=DOCUMENT,
                    document=doc.material_name,
                    message=f"材料“{doc.material_name}”：{doc.message}",
                )
            )
            continue
        if doc.expected_kind and doc.kind != doc.expected_kind:
            findings.append(
                Finding(
                    check=f"{doc.expected_kind}.kind",
                    label="材料类型",
                    status=MISMATCH,
                    source=DOCUMENT,
                    document=doc.material_name,
                    found=KIND_LABELS.get(doc.kind, doc.kind),
                    expected=KIND_LABELS.get(doc.expected_kind, doc.expected_kind),
                    message=f"材料内容为“{KIND_LABELS.get(doc.kind, doc.kind)}”，与收件清单不符",
                )
            )
            continue
        if doc.kind in wanted:
            findings += CHECKS[doc.kind](ctx, doc)
    if "id_card" in wanted:
        seen = {
            pii.normalise_id_number(str(d.fields.get("id_number", {}).get("value", "")))
            for d in ctx.documents
            if d.kind == "id_card"
        }
        for party in ctx.parties:
            if (
                party.id_type == "1"
                and party.role != "agent"
                and pii.normalise_id_number(party.id_number) not in seen
            ):
                findings.append(
                    Finding(
                        check="id_card.present",
                        label="申请人身份证",
                        status=MISSING,
                        source=DOCUMENT,
                        expected=mask(party.name, personal=True),
                        message=f"未识别到申请人“{mask(party.name, personal=True)}”的身份证",
                    )
                )
    return findings


def sharing_statuses(case: Any) -> dict[str, str]:
    """Latest 公安 ID-card check per person (by blind index of the ID number), if sharing runs."""
    if not apps.is_installed("bdcdj.sharing"):
        return {}
    from bdcdj.sharing.selectors import latest_outcomes

    statuses: dict[str, str] = {}
    for row in latest_outcomes(case=case).values():
        if row.kind != "identity.id_card" or not row.request_enc:
            continue
        try:
            request = json.loads(pii.decrypt_text(row.request_enc))
        except (ValueError, pii.PiiDecryptError):
            continue
        number = str(request.get("id_number") or "")
        if number:
            statuses.setdefault(pii.blind_index(number), row.status)
    return statuses
