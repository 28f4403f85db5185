"""网上申请: pick a business, fill the form pre-filled from the register (the applicant's own
properties) and the verified identity, attach the checklist's materials, submit. Field names:
`role`, `unit_codes`, `unit_code_extra`, `data-<field>`, `other-<i>-<attr>`, `file-<material>`."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from bdcdj.accounts import pii
from bdcdj.cases.services.applications import workflow_fields
from bdcdj.cases.workflows import BusinessType
from bdcdj.core.errors import DomainError
from bdcdj.portal.models import Citizen
from bdcdj.portal.selectors import guide_categories
from bdcdj.portal.services import Upload, application_submit
from bdcdj.portal.services.applications import (
    GENERATED_MATERIAL,
    MAX_UPLOAD_BYTES,
    district_get,
    online_business_type,
    workflow_for,
)
from bdcdj.portal.views.common import citizen_page, render_page, the_citizen
from bdcdj.query.selectors import properties_of

OTHER_ROWS = 3
OTHER_ATTRS = ("role", "party_type", "name", "id_type", "id_number", "share")
PARTY_TYPES = (("1", "个人"), ("2", "企业"), ("3", "事业单位"), ("4", "国家机关"))
ID_TYPES = (
    ("1", "居民身份证"),
    ("2", "港澳台身份证"),
    ("3", "护照"),
    ("8", "统一社会信用代码"),
    ("99", "其它"),
)


@citizen_page
def choose(request: HttpRequest, region: str) -> HttpResponse:
    citizen = the_citizen(request)
    return render_page(
        request,
        "portal/apply_choose.html",
        {"tenant": district_get(region), "categories": guide_categories(), "verified": citizen.is_verified},
    )


def _data(request: HttpRequest, specs: list[Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for spec in specs:
        raw = request.POST.get(f"data-{spec.code}", "").strip()
        if raw == "":
            continue
        if spec.type == "bool":
            data[spec.code] = {"true": True, "false": False}.get(raw, raw)
        else:
            data[spec.code] = raw[:2000]
    return data


def _others(request: HttpRequest) -> tuple[list[dict[str, str]], list[int]]:
    """The filled party rows, and the form row each came from (empty rows are skipped)."""
    rows, positions = [], []
    for i in range(OTHER_ROWS):
        row = {attr: request.POST.get(f"other-{i}-{attr}", "").strip()[:200] for attr in OTHER_ATTRS}
        if row["name"]:
            rows.append({k: v for k, v in row.items() if v})
            positions.append(i)
    return rows, positions


def _form_errors(fields: dict[str, str], positions: list[int]) -> dict[str, str]:
    renamed = {}
    for key, message in fields.items():
        match = re.match(r"^other-(\d+)\.(.*)$", key)
        if match and int(match[1]) < len(positions):
            key = f"other-{positions[int(match[1])]}.{match[2]}"
        renamed[key] = message
    return renamed


def _other_rows(values: dict[str, str], errors: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for i in range(OTHER_ROWS):
        prefix = f"other-{i}"
        rows.append(
            {
                "prefix": prefix,
                "values": {attr: values.get(f"{prefix}-{attr}", "") for attr in OTHER_ATTRS},
                "errors": [msg for key, msg in errors.items() if key.startswith(f"{prefix}.")],
            }
        )
    return rows


def _unit_codes(request: HttpRequest) -> list[str]:
    codes = [c.strip().upper() for c in request.POST.getlist("unit_codes") if c.strip()]
    codes += [c.upper() for c in re.split(r"[\s,，、]+", request.POST.get("unit_code_extra", "")) if c]
    return list(dict.fromkeys(c[:40] for c in codes))[:20]


def _uploads(request: HttpRequest, materials: list[dict[str, Any]]) -> list[Upload]:
    uploads = []
    for entry in materials:
        for handle in request.FILES.getlist(f"file-{entry['code']}")[:10]:
            content = handle.read(MAX_UPLOAD_BYTES + 1)
            uploads.append(Upload(entry["code"], content, handle.content_type or ""))
    return uploads


def _context(citizen: Citizen, region: str, bt: BusinessType) -> dict[str, Any]:
    workflow = workflow_for(region_code=region, business_type=bt.code)
    specs = workflow_fields(bt, workflow.custom_fields)
    own = properties_of(id_number=pii.decrypt_text(citizen.id_number_enc)) if citizen.is_verified else []
    properties = [p for p in own if p.region_code == region]
    rights = {
        spec.code: [p for p in properties if p.right_kind == spec.right_kind]
        for spec in specs
        if spec.type == "right"
    }
    roles = [(p.role, p.label) for p in bt.parties] + [("applicant", "申请人"), ("agent", "代理人")]
    return {
        "tenant": district_get(region),
        "bt": bt,
        "specs": specs,
        "rights": rights,
        "properties": properties,
        "roles": roles,
        "own_roles": [(p.role, p.label) for p in bt.parties] + [("applicant", "申请人")],
        "materials": [m for m in workflow.materials if m["code"] != GENERATED_MATERIAL],
        "id_types": ID_TYPES,
        "other_rows": _other_rows({}, {}),
        "party_types": PARTY_TYPES,
        "values": {},
        "errors": {},
        "picked": [],
    }


@citizen_page
@require_http_methods(["GET", "POST"])
def form(request: HttpRequest, region: str, business_type: str) -> HttpResponse:
    citizen = the_citizen(request)
    bt = online_business_type(business_type)
    if not citizen.is_verified:
        messages.info(request, "网上申请需先完成实名核验")
        return redirect("portal:me")
    context = _context(citizen, region, bt)
    if request.method != "POST":
        return render_page(request, "portal/apply_form.html", context)
    units = _unit_codes(request)
    others, positions = _others(request)
    try:
        application = application_submit(
            citizen=citizen,
            region_code=region,
            business_type=bt.code,
            unit_codes=units,
            role=request.POST.get("role", ""),
            others=others,
            data=_data(request, context["specs"]),
            uploads=_uploads(request, context["materials"]),
        )
    except DomainError as exc:
        owned = {p.unit_code for p in context["properties"]}
        errors = _form_errors(exc.fields, positions)
        context.update(
            error=exc,
            errors=errors,
            values={k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"},
            picked=[c for c in units if c in owned],
        )
        context["values"]["unit_code_extra"] = " ".join(c for c in units if c not in owned)
        context["other_rows"] = _other_rows(context["values"], errors)
        return render_page(request, "portal/apply_form.html", context, status=exc.status_code)
    messages.success(request, f"申请已提交，业务号 {application.case.number}，请留意办理进度")
    return redirect("portal:case", case_id=application.case_id)
