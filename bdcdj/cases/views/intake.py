"""收件 pages: one case (/cases/new/) or a 一并申请 of two businesses on the same units
(/cases/new-combined/).

The whole form is one server-rendered fragment. Every editing step (choosing the business
type, searching the register and picking a unit, adding or removing a party) posts the form
with an `op` and gets it back re-rendered with the values kept; `op=submit` calls
`case_create` / `case_group_create`, whose InvalidInput messages are put next to the fields.
Without JavaScript the same posts work as full pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from bdcdj.cases.forms import UNIT_CODE_RE, IntakeForm, MemberInput
from bdcdj.cases.selectors import business_type_list, workflow_current
from bdcdj.cases.services import case_create, case_group_create
from bdcdj.cases.views.common import (
    acting_user,
    business_type_groups,
    go,
    is_htmx,
    require_write,
    staff_page,
    user_regions,
)
from bdcdj.cases.workflows import CASE_ONLY_ROLES, BusinessType, FieldSpec
from bdcdj.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from bdcdj.register.selectors import UnitState, unit_get, unit_state, units_by_location
from bdcdj.standards.selectors import dictionary_items

PICKER_PAGE = 8
COMBINED_DEFAULT = ["house_transfer_sale", "mortgage_first"]
SUFFIX = {"amount_wan": "万元", "area": "㎡"}


def _catalogue() -> dict[str, BusinessType]:
    return {bt.code: bt for bt in business_type_list()}


@staff_page
@require_http_methods(["GET", "POST"])
def new_case(request: HttpRequest) -> HttpResponse:
    return _intake(request, combined=False)


@staff_page
@require_http_methods(["GET", "POST"])
def new_combined(request: HttpRequest) -> HttpResponse:
    return _intake(request, combined=True)


def _intake(request: HttpRequest, *, combined: bool) -> HttpResponse:
    require_write(request, "cases.accept")
    regions = user_regions(request)
    if not regions:
        raise Forbidden(code="other_district", message="您的账号尚未分配行政区，不能收件")
    catalogue = _catalogue()
    status = 200
    if request.method == "GET":
        wanted = request.GET.get("type", "")
        types = COMBINED_DEFAULT if combined else [wanted if wanted in catalogue else ""]
        form = IntakeForm.initial(combined=combined, region_code=regions[0], types=types, catalogue=catalogue)
    else:
        form = IntakeForm.from_post(request.POST, combined=combined, catalogue=catalogue)
        if form.region_code not in regions:
            form.region_code = regions[0]
        op = request.POST.get("op", "refresh")
        if op == "submit":
            try:
                url = _submit(request, form, catalogue)
            except DomainError as exc:
                form.set_errors(exc.fields if isinstance(exc, InvalidInput) else {}, exc.message)
                status = exc.status_code
            else:
                return go(request, url)
        else:
            form.apply(op)
    context = _context(request, form, catalogue, regions)
    template = "cases/_intake_form.html" if is_htmx(request) else "cases/intake.html"
    return render(request, template, context, status=status)


def _specs(region_code: str, bt: BusinessType | None) -> list[FieldSpec]:
    """The business type's fields plus the district's custom fields of its current workflow."""
    if bt is None:
        return []
    try:
        custom = workflow_current(region_code=region_code, business_type=bt.code).custom_fields
    except NotFound:
        custom = []  # the district's defaults are created at its first 收件
    return [*bt.fields, *(FieldSpec.from_dict(dict(c)) for c in custom)]


def _submit(request: HttpRequest, form: IntakeForm, catalogue: dict[str, BusinessType]) -> str:
    payloads = [
        m.payload(form.units, _specs(form.region_code, catalogue.get(m.business_type))) for m in form.members
    ]
    if form.combined:
        group = case_group_create(
            region_code=form.region_code, members=payloads, by=acting_user(request), name=form.name
        )
        first = group.cases.order_by("group_order").first()
        assert first is not None
        messages.success(request, f"已收件：一并申请 {group.cases.count()} 项业务，请收取材料后受理")
        return reverse("cases:case", args=[first.pk])
    case = case_create(region_code=form.region_code, by=acting_user(request), **payloads[0])
    messages.success(request, f"已收件，业务号 {case.number}。请收取材料后受理")
    return reverse("cases:case", args=[case.pk])


def _unit_chips(request: HttpRequest, codes: list[str]) -> tuple[list[dict[str, Any]], dict[str, UnitState]]:
    chips: list[dict[str, Any]] = []
    states: dict[str, UnitState] = {}
    for code in codes:
        try:
            state = unit_state(user=request.user, code=code)
        except DomainError as exc:
            chips.append({"code": code, "error": exc.message})
            continue
        states[code] = state
        chips.append({"code": code, "unit": state.unit, "state": state})
    return chips, states


def _picker(request: HttpRequest, form: IntakeForm) -> dict[str, Any]:
    """Search of the register for the unit picker: a 28-character code opens that unit, any
    other text searches 坐落."""
    text = form.unit_query
    result: dict[str, Any] = {"query": text, "units": [], "page": form.unit_page, "has_next": False}
    if not text:
        return result
    try:
        if UNIT_CODE_RE.match(text.upper()):
            result["units"] = [unit_get(user=request.user, code=text.upper())]
        else:
            found = units_by_location(user=request.user, text=text, limit=PICKER_PAGE, page=form.unit_page)
            result.update(units=found.items, has_next=found.has_next)
    except DomainError as exc:
        result["error"] = exc.message
    return result


def _field_view(member: MemberInput, spec: FieldSpec, states: dict[str, UnitState]) -> dict[str, Any]:
    view: dict[str, Any] = {
        "spec": spec,
        "name": f"{member.prefix}data-{spec.code}",
        "value": member.data.get(spec.code, ""),
        "error": member.errors.get(spec.code, ""),
        "suffix": SUFFIX.get(spec.type, ""),
        "conditional": bool(spec.required_when),
        "numeric": spec.type in {"int", "decimal", "amount_wan", "area"},
        "options": [],
    }
    if spec.type == "bool":
        view["options"] = [("true", "是"), ("false", "否")]
    elif spec.choices:
        view["options"] = list(spec.choices)
    elif spec.dictionary:
        view["options"] = [(i.code, i.label) for i in dictionary_items(code=spec.dictionary)]
    elif spec.type == "right":
        view["options"] = [
            (str(r.pk), f"{r.get_kind_display()} {r.certificate_number or r.business_number}（{code}）")
            for code, state in states.items()
            for r in state.rights
            if r.kind == spec.right_kind
        ]
    return view


def _member_view(
    form: IntakeForm, member: MemberInput, bt: BusinessType | None, states: dict[str, UnitState]
) -> dict[str, Any]:
    roles = [(p.role, p.label) for p in bt.parties] + list(CASE_ONLY_ROLES.items()) if bt else []
    specs = _specs(form.region_code, bt)
    return {
        "member": member,
        "bt": bt,
        "fields": [_field_view(member, spec, states) for spec in specs],
        "roles": roles,
        "role_hint": "、".join(f"{p.label}（至少{p.min}名）" for p in bt.parties if p.min) if bt else "",
        "can_copy_holders": bool(
            form.combined
            and member.index > 0
            and bt is not None
            and any(p.role == "mortgagor" for p in bt.parties)
            and any(p.role == "holder" for p in form.members[0].parties)
        ),
    }


def _context(
    request: HttpRequest, form: IntakeForm, catalogue: dict[str, BusinessType], regions: list[str]
) -> dict[str, Any]:
    chips, states = _unit_chips(request, form.units)
    return {
        "form": form,
        "regions": regions,
        "groups": business_type_groups(),
        "chips": chips,
        "picker": _picker(request, form),
        "members": [_member_view(form, m, catalogue.get(m.business_type), states) for m in form.members],
        "id_types": [(i.code, i.label) for i in dictionary_items(code="ZJZL")],
        "party_types": [(i.code, i.label) for i in dictionary_items(code="QLRLX")],
        "action": reverse("cases:new_combined" if form.combined else "cases:new"),
    }
