"""楼盘表 pages: search buildings, the floors × households grid, its 3D view, XLSX export and
the planning of new households (首次登记 / 权籍调查成果入库). Reads go through
`register.building_table`, writes through `register.services.planning`."""

from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bdcdj.accounts.decorators import page_required
from bdcdj.accounts.models import User
from bdcdj.accounts.selectors import user_can
from bdcdj.core.errors import DomainError
from bdcdj.core.xlsx import xlsx_bytes, xlsx_response
from bdcdj.register.building_table import (
    BUILDING_SORTS,
    STATUSES,
    BuildingTable,
    building_table,
    buildings_search,
)
from bdcdj.register.services.planning import (
    PER_FLOOR_MAX,
    households_create,
    households_plan,
    plan_from_form,
)
from bdcdj.standards.selectors import dictionary_items

PAGE = "register.building_table"
PLAN_FIELDS = (
    "logical_building",
    "floor_from",
    "floor_to",
    "per_floor",
    "room_pattern",
    "planned_use",
    "house_type",
    "structure",
    "built_area",
    "exclusive_area",
    "shared_area",
)
PREVIEW_ROWS = 60


def _page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() else 1


@page_required(PAGE)
def building_list(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()
    sort = request.GET.get("sort") or "code"
    sort = sort if sort in BUILDING_SORTS else "code"
    result = buildings_search(
        user=request.user, text=query, page=_page_number(request.GET.get("page")), sort=sort
    )
    return render(request, "console/building_list.html", {"result": result, "q": query, "sort": sort})


def _missing(request: HttpRequest, code: str, exc: DomainError) -> HttpResponse:
    return render(
        request, "console/building_missing.html", {"code": code, "error": exc.message}, status=exc.status_code
    )


def _unit_prefix() -> str:
    """The unit page URL without its code, so the template does not reverse once per cell."""
    placeholder = "X" * 28
    return reverse("console:unit", kwargs={"code": placeholder}).replace(f"{placeholder}/", "")


def _choices() -> dict[str, Any]:
    return {
        "uses": dictionary_items(code="FWYT"),
        "house_types": dictionary_items(code="FWLX"),
        "structures": dictionary_items(code="FWJG"),
        "per_floor_max": PER_FLOOR_MAX,
    }


def _form_context(request: HttpRequest, table: BuildingTable) -> dict[str, Any]:
    sections = [s.number for s in table.sections if s.number != "未分层"]
    return {
        **_choices(),
        "can_plan": user_can(user=request.user, page=PAGE, write=True),
        "form": {
            "logical_building": sections[0] if sections else "1",
            "floor_from": "1",
            "floor_to": str(table.building.floors_above or 1),
            "per_floor": "4",
            "room_pattern": "{F}{NN}",
            "planned_use": table.building.planned_use or "11",
            "structure": "",
        },
    }


@page_required(PAGE)
def building_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        table = building_table(user=request.user, code=code)
    except DomainError as exc:
        return _missing(request, code, exc)
    context: dict[str, Any] = {"table": table, "unit_prefix": _unit_prefix(), "statuses": STATUSES}
    context.update(_form_context(request, table))
    return render(request, "console/building_table.html", context)


@page_required(PAGE)
def building_3d(request: HttpRequest, code: str) -> HttpResponse:
    try:
        table = building_table(user=request.user, code=code)
    except DomainError as exc:
        return _missing(request, code, exc)
    return render(
        request,
        "console/building_3d.html",
        {"table": table, "data": table.as_json(), "unit_prefix": _unit_prefix()},
    )


@page_required(PAGE)
def building_export(request: HttpRequest, code: str) -> HttpResponse:
    try:
        table = building_table(user=request.user, code=code)
    except DomainError as exc:
        return _missing(request, code, exc)
    rows = (
        [section.number, row.label, h.room_label, h.code, h.built_area, h.status_labels]
        for section in table.sections
        for row in section.floors
        for h in row.households
    )
    content, _ = xlsx_bytes(
        sheet_title="楼盘表",
        headers=["逻辑幢", "名义层", "房号", "不动产单元号", "建筑面积（㎡）", "状态"],
        rows=rows,
    )
    return xlsx_response(filename=f"楼盘表-{table.building.code}.xlsx", content=content)


def _plan_partial(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, "console/_building_plan.html", {**_choices(), **context}, status=status)


@require_POST
@page_required(PAGE, write=True)
def building_plan(request: HttpRequest, code: str) -> HttpResponse:
    """POST action=preview shows what would be created; action=confirm creates it."""
    values = {name: (request.POST.get(name) or "").strip() for name in PLAN_FIELDS}
    context: dict[str, Any] = {"form": values, "code": code.strip().upper()}
    try:
        plan = plan_from_form(values)
        if request.POST.get("action") != "confirm":
            preview = households_plan(user=request.user, building_code=code, plan=plan)
            context.update(preview=preview, rows=preview.households[:PREVIEW_ROWS])
            return _plan_partial(request, context)
        result = households_create(by=cast(User, request.user), building_code=code, plan=plan)
    except DomainError as exc:
        context["error"] = exc
        return _plan_partial(request, context, status=exc.status_code)
    created = result.units_created
    messages.success(
        request,
        f"已创建 {len(created)} 户（{created[0].code} 至 {created[-1].code}），"
        f"登簿事件序号 {result.event.seq}",
    )
    target = reverse("buildings:detail", kwargs={"code": code.strip().upper()})
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)
