"""The case page (/cases/<id>/): everything `case_detail` knows, the timeline, the documents
to download, the material upload and the forms of the actions the user may take now."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from bdcdj.accounts.selectors import user_can
from bdcdj.cases.forms import MaterialUploadForm
from bdcdj.cases.forms.common import number
from bdcdj.cases.models import OPEN_STAGES, MaterialForm, OpinionResult, StepKind
from bdcdj.cases.selectors import (
    case_assignees,
    case_detail,
    case_file,
    case_get,
    case_timeline,
    workflow_roles,
)
from bdcdj.cases.services import case_material_add
from bdcdj.cases.views.common import acting_user, go, is_htmx, sla_badge, staff_page
from bdcdj.cases.views.diagram import workflow_svg
from bdcdj.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from bdcdj.standards.selectors import dictionary_items

ACTION_LABELS = {
    "accept": "受理",
    "refuse": "不予受理",
    "request_correction": "通知补正",
    "resume": "补正完成，恢复计时",
    "withdraw": "撤回申请",
    "review": "审核意见",
    "register": "登簿",
    "refresh_units": "确认单元最新状态",
    "certify": "缮证",
    "issue": "发证",
    "archive": "归档",
    "material_add": "收取材料",
}
FILE_KINDS = ("notice", "certificate", "material")


def _findings(request: HttpRequest, number: str) -> list[Any]:
    """Recorded quality findings of the case, for users who may see quality statistics."""
    if not user_can(user=request.user, page="quality.stats"):
        return []
    try:
        from bdcdj.quality.selectors import findings_for_subject
    except ImportError:  # the quality app is optional
        return []
    try:
        return findings_for_subject(user=request.user, subject_type="case", subject_ref=number)
    except Forbidden:
        return []


def _recognition_opinion(case: Any) -> str:
    """The 审核意见 drafted by 智能审核 (bdcdj.recognition) at this step, to pre-fill the form."""
    if not apps.is_installed("bdcdj.recognition"):
        return ""
    from bdcdj.recognition.selectors import latest_opinion

    return latest_opinion(case=case)


def _review_results(step: dict[str, Any]) -> list[tuple[str, str]]:
    allowed = set(step.get("actions", []))
    if step["kind"] == StepKind.REGISTER:
        allowed.discard(OpinionResult.APPROVE)  # 登簿's 同意 is the 登簿 button
    return [(value, label) for value, label in OpinionResult.choices if value in allowed]


def case_context(
    request: HttpRequest,
    case_id: int,
    *,
    failed: str = "",
    error: DomainError | None = None,
    posted: Any = None,
) -> dict[str, Any]:
    """The page's context; `failed`/`error`/`posted` re-show a refused action with its message
    next to the form and the values entered."""
    detail = case_detail(user=request.user, case_id=case_id)
    case = detail.case
    step = next((s for s in detail.steps if s["current"]), detail.steps[0])
    roles = dict(workflow_roles())
    actions = set(detail.actions)
    field_errors = error.fields if isinstance(error, InvalidInput) else {}
    if error is not None and error.code == "quality_blocking":
        field_errors = {}
    return {
        "d": detail,
        "case": case,
        "step": step,
        "role_name": roles.get(step["role"], step["role"]),
        "sla": sla_badge(case),
        "is_open": case.stage in OPEN_STAGES,
        "actions": actions,
        "action_labels": ACTION_LABELS,
        "has_actions": bool(actions - {"material_add"}),
        "timeline": case_timeline(user=request.user, case_id=case_id),
        "findings": _findings(request, case.number),
        "diagram": workflow_svg(case.workflow.steps, roles=roles, current=case.step_code, title="本业务流程"),
        "templates": case.workflow.opinion_templates.get(case.step_code, []),
        "review_results": _review_results(step) if "review" in actions else [],
        "assignees": case_assignees(user=request.user, case=case) if "review" in actions else [],
        "waivable_fees": [f for f in case.workflow.fees if f.get("waivable")] if "accept" in actions else [],
        "material_forms": MaterialForm.choices,
        "id_types": [(i.code, i.label) for i in dictionary_items(code="ZJZL")],
        "can_open_units": user_can(user=request.user, page="register.units"),
        "failed": failed,
        "error": error,
        "field_errors": field_errors,
        "blocking": error.fields if error is not None and error.code == "quality_blocking" else {},
        "posted": posted if posted is not None else _prefill(case, actions),
        "recognition_panel": apps.is_installed("bdcdj.recognition"),
    }


def _prefill(case: Any, actions: set[str]) -> dict[str, str]:
    text = _recognition_opinion(case) if "review" in actions else ""
    return {"text": text} if text else {}


@staff_page
@require_GET
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    return render(request, "cases/case.html", case_context(request, case_id))


@staff_page
@require_POST
def material_upload(request: HttpRequest, case_id: int) -> HttpResponse:
    """收取材料: one file against a checklist entry; errors come back next to the upload form."""
    case = case_get(user=request.user, case_id=case_id)
    form = MaterialUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        fields = {name: "；".join(str(e) for e in errs) for name, errs in form.errors.items()}
        error = InvalidInput(
            code="invalid_input", message="上传有误：" + "；".join(fields.values()), fields=fields
        )
        return _upload_failed(request, case_id, error)
    upload = form.cleaned_data["file"]
    try:
        material = case_material_add(
            case=case,
            checklist_code=form.cleaned_data["checklist_code"],
            content=upload,
            content_type=upload.content_type or "",
            form=form.cleaned_data["form"],
            pages=form.cleaned_data["pages"],
            by=acting_user(request),
        )
    except DomainError as exc:
        return _upload_failed(request, case_id, exc)
    messages.success(request, f"已收取材料：{material.name}")
    return go(request, reverse("cases:case", args=[case_id]))


def _upload_failed(request: HttpRequest, case_id: int, error: DomainError) -> HttpResponse:
    context = case_context(request, case_id, failed="material_add", error=error, posted=request.POST)
    return render(request, "cases/case.html", context, status=error.status_code)


@staff_page
@require_GET
def file_download(request: HttpRequest, case_id: int, kind: str, file_id: int) -> FileResponse:
    """A notice, certificate or material of the case (the download is audited)."""
    if kind not in FILE_KINDS:
        raise NotFound(code="file_not_found", message="未找到文件")
    stored, name, content_type = case_file(user=request.user, case_id=case_id, kind=kind, file_id=file_id)
    return FileResponse(stored.open("rb"), as_attachment=True, filename=name, content_type=content_type)


@staff_page
@require_GET
def opinion_template(request: HttpRequest, case_id: int) -> HttpResponse:
    """The opinion textarea filled with the chosen template of the case's current step."""
    case = case_get(user=request.user, case_id=case_id)
    templates = case.workflow.opinion_templates.get(case.step_code, [])
    pick = number(request.GET.get("template"))
    text = templates[pick] if pick is not None and pick < len(templates) else ""
    if not is_htmx(request):
        return HttpResponse(text, content_type="text/plain; charset=utf-8")
    return render(request, "cases/_opinion_text.html", {"text": text})
