"""流程配置: the district's workflow definition of every business type, a structured editor
with a live diagram, publishing a new version, and the version history with what changed.

Publishing never edits a version in place: `workflow_publish` creates the next one and cases
already started keep theirs.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bdcdj.accounts.selectors import user_can
from bdcdj.accounts.services import audit_record
from bdcdj.cases.forms import WorkflowForm
from bdcdj.cases.models import FeeMode, MaterialForm, OpinionResult, StepKind, WorkflowDefinition
from bdcdj.cases.selectors import business_type_list, workflow_roles, workflows
from bdcdj.cases.services import workflow_publish, workflow_validate
from bdcdj.cases.views.common import acting_user, go, is_htmx, staff_page, user_regions
from bdcdj.cases.views.diagram import workflow_svg
from bdcdj.cases.views.versions import definition_changes, definition_of
from bdcdj.cases.workflows import FIELD_TYPES, BusinessType, business_type_get, default_definition
from bdcdj.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from bdcdj.core.xlsx import xlsx_bytes, xlsx_response

PAGE = "cases.workflows"
PER_PAGE = 30
FIELD_TYPE_LABELS = {
    "string": "文字",
    "text": "长文字",
    "int": "整数",
    "decimal": "数字",
    "amount_wan": "金额（万元）",
    "area": "面积（㎡）",
    "date": "日期",
    "bool": "是/否",
    "choice": "选项",
}
assert set(FIELD_TYPE_LABELS) == set(FIELD_TYPES) - {"right"}


def _require(request: HttpRequest, *, write: bool = False) -> None:
    if not user_can(user=request.user, page=PAGE, write=write):
        action = "发布" if write else "查看"
        raise Forbidden(code="page_forbidden", message=f"没有{action}业务流程配置的权限")


def _versions(request: HttpRequest, region: str, code: str) -> list[WorkflowDefinition]:
    if region not in user_regions(request):
        raise NotFound(code="region_not_found", message=f"未找到行政区：{region}")
    business_type_get(code)
    return [
        w
        for w in workflows(user=request.user, business_type=code, include_history=True)
        if w.region_code == region
    ]


def _rows(request: HttpRequest) -> tuple[list[dict[str, Any]], str, str]:
    q = " ".join((request.GET.get("q") or "").split())[:50]
    regions = user_regions(request)
    region = request.GET.get("region", "")
    region = region if region in regions else ""
    by_key: dict[tuple[str, str], list[WorkflowDefinition]] = {}
    for row in workflows(user=request.user, include_history=True):
        by_key.setdefault((row.region_code, row.business_type), []).append(row)
    rows = []
    for code in [region] if region else regions:
        for bt in business_type_list():
            if q and q not in bt.name and q not in bt.code and q not in bt.category:
                continue
            versions = by_key.get((code, bt.code), [])
            current = next((v for v in versions if v.is_active), None)
            rows.append({"region": code, "bt": bt, "current": current, "count": len(versions)})
    return rows, q, region


@staff_page
@require_GET
def workflow_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    rows, q, region = _rows(request)
    context = {
        "page_obj": Paginator(rows, PER_PAGE).get_page(request.GET.get("page")),
        "q": q,
        "region": region,
        "regions": user_regions(request),
        "can_publish": user_can(user=request.user, page=PAGE, write=True),
    }
    return render(request, "cases/workflows.html", context)


@staff_page
@require_GET
def workflow_export(request: HttpRequest) -> HttpResponse:
    _require(request)
    rows, _, _ = _rows(request)
    content, count = xlsx_bytes(
        sheet_title="业务流程",
        headers=[
            "行政区",
            "业务代码",
            "业务类型",
            "类别",
            "现行版本",
            "版本数",
            "办理时限（工作日）",
            "环节",
            "发布时间",
        ],
        rows=(
            [
                r["region"],
                r["bt"].code,
                r["bt"].name,
                r["bt"].category,
                r["current"].version if r["current"] else "",
                r["count"],
                r["current"].time_limit_workdays if r["current"] else r["bt"].time_limit_workdays,
                " → ".join(s["name"] for s in r["current"].steps) if r["current"] else "",
                timezone.localtime(r["current"].created_at).strftime("%Y-%m-%d %H:%M")
                if r["current"]
                else "",
            ]
            for r in rows
        ),
    )
    audit_record(actor=request.user, action="cases.workflow_export", detail={"rows": count})
    return xlsx_response(filename="业务流程配置.xlsx", content=content)


def _editor_context(
    request: HttpRequest,
    region: str,
    bt: BusinessType,
    form: WorkflowForm,
    versions: list[WorkflowDefinition],
) -> dict[str, Any]:
    roles = workflow_roles()
    current = next((v for v in versions if v.is_active), None)
    return {
        "region": region,
        "bt": bt,
        "form": form,
        "current": current,
        "versions": versions,
        "roles": roles,
        "kinds": StepKind.choices,
        "results": OpinionResult.choices,
        "material_forms": MaterialForm.choices,
        "fee_modes": FeeMode.choices,
        "field_types": list(FIELD_TYPE_LABELS.items()),
        "diagram": workflow_svg(form.definition()["steps"], roles=dict(roles), title=f"{bt.name} 流程图"),
        "can_publish": user_can(user=request.user, page=PAGE, write=True),
        "action": reverse("cases:workflow_edit", args=[region, bt.code]),
        "preview_url": reverse("cases:workflow_preview", args=[region, bt.code]),
    }


@staff_page
@require_http_methods(["GET", "POST"])
def workflow_edit(request: HttpRequest, region: str, code: str) -> HttpResponse:
    """The editor. GET starts from the current version (or `?from=<version>`, or the catalogue's
    default when the district has none yet); POST applies an editing `op`, checks (`validate`)
    or publishes (`publish`, write permission)."""
    _require(request)
    versions = _versions(request, region, code)
    bt = business_type_get(code)
    status, checked = 200, False
    if request.method == "GET":
        wanted = request.GET.get("from", "")
        base = next((v for v in versions if str(v.version) == wanted), None) or next(
            (v for v in versions if v.is_active), None
        )
        form = WorkflowForm.from_definition(definition_of(base) if base else default_definition(code))
    else:
        form = WorkflowForm.from_post(request.POST)
        op = request.POST.get("op", "refresh")
        if op in {"validate", "publish"}:
            try:
                if op == "publish":
                    _require(request, write=True)
                    row = workflow_publish(
                        region_code=region,
                        business_type=code,
                        definition=form.definition(),
                        by=acting_user(request),
                        note=form.note,
                    )
                    messages.success(
                        request, f"已发布第 {row.version} 版；新收件的业务使用新版本，在办业务仍按原版本办理"
                    )
                    return go(request, reverse("cases:workflow_history", args=[region, code]))
                workflow_validate(business_type=code, definition=form.definition())
                checked = True
            except DomainError as exc:
                form.set_errors(exc.fields if isinstance(exc, InvalidInput) else {"definition": exc.message})
                status = exc.status_code
        else:
            form.apply(op)
    context = {**_editor_context(request, region, bt, form, versions), "checked": checked}
    template = "cases/_workflow_form.html" if is_htmx(request) else "cases/workflow_edit.html"
    return render(request, template, context, status=status)


@staff_page
@require_POST
def workflow_preview(request: HttpRequest, region: str, code: str) -> HttpResponse:
    """The diagram of what the editor holds now, and whether it would pass validation."""
    _require(request)
    _versions(request, region, code)
    form = WorkflowForm.from_post(request.POST)
    problems: dict[str, str] = {}
    try:
        workflow_validate(business_type=code, definition=form.definition())
    except InvalidInput as exc:
        problems = exc.fields
    roles = dict(workflow_roles())
    diagram = workflow_svg(
        form.definition()["steps"], roles=roles, title=f"{business_type_get(code).name} 流程图"
    )
    return render(
        request, "cases/_workflow_diagram.html", {"diagram": diagram, "problems": problems, "live": True}
    )


@staff_page
@require_GET
def workflow_history(request: HttpRequest, region: str, code: str) -> HttpResponse:
    """Every version, newest first, each with what changed since the one before."""
    _require(request)
    versions = _versions(request, region, code)
    ordered = sorted(versions, key=lambda v: v.version)
    entries = []
    for i, row in enumerate(ordered):
        before = definition_of(ordered[i - 1]) if i else None
        entries.append({"row": row, "changes": definition_changes(before, definition_of(row))})
    entries.reverse()
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    context = {"region": region, "bt": business_type_get(code), "page_obj": page, "count": len(entries)}
    return render(request, "cases/workflow_history.html", context)
