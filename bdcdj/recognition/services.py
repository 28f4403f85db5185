"""Writes of 智能审核: recognise a case's materials (once per material content and engine),
compare them (`review_run`), draft the 审核意见, and give the automatic-approval verdict that
`cases.services.automation` asks for. Every run is archived with the digests of its inputs."""

from __future__ import annotations

import functools
import json
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from bdcdj.accounts import pii
from bdcdj.accounts.models import User
from bdcdj.accounts.services import audit_record
from bdcdj.cases.models import Case, Material
from bdcdj.cases.selectors import case_get
from bdcdj.cases.services.applications import party_clear
from bdcdj.core.crypto import sm3_hex
from bdcdj.core.errors import DomainError, Forbidden
from bdcdj.recognition import compare as cmp
from bdcdj.recognition.extractors import EXTRACTORS, KIND_LABELS, classify
from bdcdj.recognition.models import ReadPath, Recognition, RecognitionStatus, ReviewRun
from bdcdj.recognition.reader import MAX_BYTES, Unreadable, read
from bdcdj.register.selectors import right_get, unit_state

RULES_PATH = Path(__file__).with_name("rules.yaml")
RUN_PAGES = ("cases.review", "cases.record", "cases.accept")
OPINION_MAX = 2000


@functools.cache
def _rules() -> tuple[dict[str, Any], str]:
    raw = RULES_PATH.read_bytes()
    return yaml.safe_load(raw), sm3_hex(raw)


def profile_for(business_type: str) -> dict[str, Any]:
    return dict(_rules()[0]["profiles"].get(business_type) or {})


def rules_version() -> str:
    return _rules()[1]


@dataclass(frozen=True)
class Extracted:
    """The outcome of reading one file, before anything is stored."""

    kind: str
    path: str
    status: str
    message: str
    fields: dict[str, dict[str, Any]]
    confidence: Decimal
    text_sm3: str
    pages: int
    engine: str


def extract(*, content: bytes, expected_kind: str = "") -> Extracted:
    """Read and parse one file (no storage). Unreadable input comes back as a status, not an
    exception, so a bad material never stops the review of the others."""
    try:
        result = read(content)
    except Unreadable as exc:
        return Extracted(
            "unknown", ReadPath.NONE, RecognitionStatus.UNREADABLE, exc.message, {}, Decimal(0), "", 0, ""
        )
    kind = classify(result.text, hint=expected_kind)
    text_sm3 = sm3_hex(result.text.encode("utf-8"))
    if kind not in EXTRACTORS:
        return Extracted(
            kind,
            result.path,
            RecognitionStatus.UNKNOWN_KIND,
            "未能判断材料类型（无可识别的标题或字段）",
            {},
            Decimal(0),
            text_sm3,
            result.pages,
            result.engine,
        )
    extractor = EXTRACTORS[kind]
    values = extractor.extract(result.lines)
    fields = {code: {"value": v.value, "confidence": v.confidence} for code, v in values.items()}
    missing = [s.label for s in extractor.fields if s.code not in values]
    confidence = Decimal(str(min((v.confidence for v in values.values()), default=0))).quantize(
        Decimal("0.001")
    )
    status = RecognitionStatus.PARTIAL if missing else RecognitionStatus.OK
    message = "未识别：" + "、".join(missing) if missing else f"识别出 {len(values)} 个字段"
    return Extracted(
        kind, result.path, status, message[:200], fields, confidence, text_sm3, result.pages, result.engine
    )


def masked_fields(kind: str, fields: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    specs = {s.code: s for s in EXTRACTORS[kind].fields} if kind in EXTRACTORS else {}
    return {
        code: {
            "label": specs[code].label if code in specs else code,
            "value": cmp.mask(str(entry["value"]), personal=code in specs and specs[code].personal),
            "confidence": entry["confidence"],
        }
        for code, entry in fields.items()
    }


def material_recognise(*, material: Material, by: User, expected_kind: str = "") -> Recognition:
    """Recognise one material, reusing the stored result for the same content and kind."""
    existing = (
        Recognition.objects.filter(material=material, material_sm3=material.sm3, expected_kind=expected_kind)
        .order_by("-created_at", "-id")
        .first()
    )
    if existing is not None:
        return existing
    started = time.monotonic()
    try:
        with material.file.open("rb") as handle:
            content = handle.read(MAX_BYTES + 1)
    except OSError:
        content = None
    if content is None:
        outcome = Extracted(
            "unknown",
            ReadPath.NONE,
            RecognitionStatus.UNREADABLE,
            "材料文件不存在或无法打开",
            {},
            Decimal(0),
            "",
            0,
            "",
        )
    else:
        outcome = extract(content=content, expected_kind=expected_kind)
    row = Recognition(
        region_code=material.case.region_code,
        case=material.case,
        material=material,
        material_sm3=material.sm3,
        expected_kind=expected_kind,
        kind=outcome.kind,
        path=outcome.path,
        status=outcome.status,
        message=outcome.message,
        fields_enc=pii.encrypt_text(json.dumps(outcome.fields, ensure_ascii=False, sort_keys=True)),
        fields_masked=masked_fields(outcome.kind, outcome.fields),
        confidence=outcome.confidence,
        text_sm3=outcome.text_sm3,
        pages=outcome.pages,
        engine=outcome.engine,
        duration_ms=int((time.monotonic() - started) * 1000),
        created_by=by,
    )
    row.full_clean()
    row.save()
    return row


def _context(case: Case, recognitions: list[tuple[Material, Recognition]], by: User) -> cmp.Context:
    parties = []
    for row in case.parties.order_by("order", "id"):
        clear = party_clear(row)
        parties.append(cmp.Party(row.role, clear.name, clear.id_type, clear.id_number, row.party_type != "1"))
    units = list(case.units.order_by("order", "id"))
    locations, areas = {}, {}
    for unit in units:
        try:
            state = unit_state(user=by, code=unit.unit_code)
        except DomainError:  # a unit not (or no longer) in the register: compared as missing
            continue
        locations[unit.unit_code] = state.unit.location
        if unit.built_area is not None:
            areas[unit.unit_code] = str(unit.built_area)
    documents = [
        cmp.Recognised(
            material_name=material.name,
            checklist_code=material.checklist_code,
            expected_kind=recognition.expected_kind,
            kind=recognition.kind,
            status=recognition.status,
            message=recognition.message,
            fields=json.loads(pii.decrypt_text(recognition.fields_enc) or "{}"),
        )
        for material, recognition in recognitions
    ]
    return cmp.Context(
        business_type=case.business_type,
        data=dict(case.data or {}),
        parties=parties,
        unit_codes=[u.unit_code for u in units],
        unit_locations=locations,
        unit_areas=areas,
        documents=documents,
        register_right=lambda right_id: right_get(user=by, right_id=right_id),
        sharing=cmp.sharing_statuses(case),
    )


def opinion_text(findings: list[dict[str, Any]], *, decisive: bool, clean: bool) -> str:
    """The drafted 审核意见: a verdict line, then every finding with its source."""
    counts = {s: sum(f["status"] == s for f in findings) for s in cmp.STATUS_LABELS}
    if not findings:
        head = "智能审核：本业务未配置可识别的材料，请人工审核。"
    elif decisive:
        head = f"智能审核：{counts['match']} 项全部一致，申请材料与申请信息、登记簿记载一致。"
    elif clean:
        head = f"智能审核：{counts['match']} 项一致，{counts['missing']} 项缺失，请人工核对缺失项。"
    else:
        head = (
            f"智能审核：{counts['mismatch']} 项不一致，{counts['match']} 项一致，"
            f"{counts['missing']} 项缺失，请人工核对。"
        )
    lines = [head]
    order = {cmp.MISMATCH: 0, cmp.MISSING: 1, cmp.MATCH: 2}
    for i, f in enumerate(sorted(findings, key=lambda f: order[f["status"]]), start=1):
        lines.append(
            f"{i}.【{cmp.STATUS_LABELS[f['status']]}】{f['message']}（来源：{f['source']}"
            + (f"；材料：{f['document']}" if f.get("document") else "")
            + "）"
        )
    text = "\n".join(lines)
    return text if len(text) <= OPINION_MAX else text[: OPINION_MAX - 1] + "…"


def _recognise_case(case: Case, by: User) -> list[tuple[Material, Recognition]]:
    profile = profile_for(case.business_type)
    documents: dict[str, str] = profile.get("documents", {})
    done = []
    for material in case.materials.order_by("received_at", "id"):
        if material.checklist_code in documents:
            done.append(
                (
                    material,
                    material_recognise(
                        material=material, by=by, expected_kind=documents[material.checklist_code]
                    ),
                )
            )
    return done


def review_run(*, case: Case, by: User, trigger: str = ReviewRun.Trigger.MANUAL) -> ReviewRun:
    """Recognise what is not yet recognised, compare, draft the opinion and archive the run."""
    if trigger == ReviewRun.Trigger.MANUAL:
        case = case_get(user=by, case_id=case.pk)  # tenant check (404 for another district)
        from bdcdj.accounts.selectors import user_can

        if not any(user_can(user=by, page=page, write=True) for page in RUN_PAGES):
            raise Forbidden(code="page_forbidden", message="没有发起智能审核的权限")
    profile = profile_for(case.business_type)
    recognitions = _recognise_case(case, by)
    context = _context(case, recognitions, by)
    findings = [f.as_dict() for f in cmp.compare(context, profile)]
    counts = {s: sum(f["status"] == s for f in findings) for s in cmp.STATUS_LABELS}
    clean = counts[cmp.MISMATCH] == 0
    decisive = bool(findings) and clean and counts[cmp.MISSING] == 0
    inputs = {
        "materials": {str(m.pk): m.sm3 for m, _ in recognitions},
        "recognitions": {str(r.pk): r.text_sm3 for _, r in recognitions},
        "application": sm3_hex(
            json.dumps(case.data, sort_keys=True, ensure_ascii=False, default=str).encode()
        ),
        "parties": sorted(p.id_index for p in case.parties.all() if p.id_index),
        "units": sorted(u.unit_code for u in case.units.all()),
    }
    with transaction.atomic():
        run = ReviewRun(
            region_code=case.region_code,
            case=case,
            trigger=trigger,
            step_code=case.step_code,
            findings=findings,
            matches=counts[cmp.MATCH],
            mismatches=counts[cmp.MISMATCH],
            missing=counts[cmp.MISSING],
            consistent=clean,
            decisive=decisive,
            auto_approval=bool(profile.get("auto_approval")),
            opinion=opinion_text(findings, decisive=decisive, clean=clean),
            rules_version=rules_version(),
            inputs_digest=sm3_hex(json.dumps(inputs, sort_keys=True).encode()),
            inputs=inputs,
            created_by=by,
        )
        run.full_clean()
        run.save()
        audit_record(
            actor=by,
            action="recognition.review_run",
            object_type="cases.case",
            object_id=case.number,
            region_code=case.region_code,
            detail={
                "run": run.pk,
                "trigger": trigger,
                "matches": run.matches,
                "mismatches": run.mismatches,
                "missing": run.missing,
                "inputs_digest": run.inputs_digest,
                "rules_version": run.rules_version,
            },
        )
    return run


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str
    run: ReviewRun | None


def auto_verdict(*, case: Case, by: User) -> Verdict:
    """Whether automatic handling may pass the case on the recognition evidence: for business
    types whose rules allow automatic approval every finding must match; for the others no
    finding may be a mismatch. Business types without rules are not judged here."""
    profile = profile_for(case.business_type)
    if not profile:
        return Verdict(True, "", None)
    run = review_run(case=case, by=by, trigger=ReviewRun.Trigger.AUTO)
    problems = [f for f in run.findings if f["status"] == cmp.MISMATCH]
    if profile.get("auto_approval"):
        problems += [f for f in run.findings if f["status"] == cmp.MISSING]
        if not run.findings:
            return Verdict(False, "智能审核无可比对的材料", run)
    if problems:
        shown = "；".join(f"{f['message']}（{f['source']}）" for f in problems[:3])
        more = f" 等 {len(problems)} 项" if len(problems) > 3 else ""
        return Verdict(False, f"智能审核未通过：{shown}{more}", run)
    if run.decisive:
        return Verdict(True, f"智能审核 {run.matches} 项全部一致", run)
    return Verdict(True, f"智能审核无不一致（{run.matches} 项一致，{run.missing} 项未能比对）", run)


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)
