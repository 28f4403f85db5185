"""我的办件: the citizen's applications, a case's progress (htmx polling), its notices and
certificates, 补正 re-upload and 好差评. Another person's case id answers 404 like a missing one."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from bdcdj.accounts.services import audit_record
from bdcdj.cases.models import Case
from bdcdj.core.errors import DomainError
from bdcdj.portal.gateways import payment_of
from bdcdj.portal.selectors import (
    case_progress,
    citizen_case,
    citizen_case_get,
    citizen_file,
    collection_code_pending,
    my_cases,
)
from bdcdj.portal.services import (
    Upload,
    application_signature_ok,
    collection_code_issue,
    correction_upload,
    rating_submit,
)
from bdcdj.portal.services.applications import MAX_UPLOAD_BYTES
from bdcdj.portal.services.collection import collection_ready
from bdcdj.portal.views.common import citizen_page, page_number, render_page, the_citizen


@citizen_page
def case_list(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "portal/my_cases.html",
        {"page": my_cases(citizen=the_citizen(request), page=page_number(request))},
    )


def _case_page(request: HttpRequest, case_id: int, *, status: int = 200, **extra: object) -> HttpResponse:
    view = citizen_case(citizen=the_citizen(request), case_id=case_id)
    context = {
        "view": view,
        "case": view.case,
        "payment": payment_of(case=view.case) if view.case.fees.exists() or view.case.accepted_at else None,
        "signature_ok": application_signature_ok(application=view.application),
        "collectable": collection_ready(view.case),
        "has_code": collection_code_pending(case=view.case),
        "errors": {},
        **extra,
    }
    return render_page(request, "portal/case.html", context, status=status)


@citizen_page
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_page(request, case_id)


@citizen_page
def progress(request: HttpRequest, case_id: int) -> HttpResponse:
    """The timeline fragment the case page polls (every 15 s)."""
    events = case_progress(citizen=the_citizen(request), case_id=case_id)
    case = Case.objects.only("id", "stage", "status", "completed_at").get(pk=case_id)
    return render_page(request, "portal/_progress.html", {"events": events, "case": case})


@citizen_page
def download(request: HttpRequest, case_id: int, kind: str, file_id: int) -> HttpResponse:
    citizen = the_citizen(request)
    content, name = citizen_file(citizen=citizen, case_id=case_id, kind=kind, file_id=file_id)
    audit_record(
        actor=None,
        actor_name=f"portal:{citizen.phone_masked}",
        action="portal.download",
        object_type="cases.case",
        object_id=str(case_id),
        detail={"kind": kind, "file_id": file_id},
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@citizen_page
@require_POST
def upload(request: HttpRequest, case_id: int) -> HttpResponse:
    citizen = the_citizen(request)
    case = citizen_case_get(citizen=citizen, case_id=case_id)
    handle = request.FILES.get("file")
    content = handle.read(MAX_UPLOAD_BYTES + 1) if handle is not None else b""
    try:
        correction_upload(
            citizen=citizen,
            case=case,
            upload=Upload(
                request.POST.get("checklist_code", ""), content, (handle.content_type or "") if handle else ""
            ),
        )
    except DomainError as exc:
        return _case_page(request, case_id, status=exc.status_code, error=exc, errors=exc.fields)
    messages.success(request, "材料已提交，登记机构确认后继续办理")
    return redirect("portal:case", case_id=case_id)


@citizen_page
@require_POST
def rate(request: HttpRequest, case_id: int) -> HttpResponse:
    raw = request.POST.get("score", "")
    try:
        rating_submit(
            citizen=the_citizen(request),
            case_id=case_id,
            score=int(raw) if raw.isdigit() else 0,
            comment=request.POST.get("comment", "")[:1000],
        )
    except DomainError as exc:
        if exc.code == "case_not_found":
            raise
        return _case_page(request, case_id, status=exc.status_code, error=exc, errors=exc.fields)
    messages.success(request, "感谢您的评价")
    return redirect("portal:case", case_id=case_id)


@citizen_page
@require_POST
def collection_code(request: HttpRequest, case_id: int) -> HttpResponse:
    """领证码 for the 24-hour terminals, shown once (a new one voids the previous)."""
    try:
        issued = collection_code_issue(citizen=the_citizen(request), case_id=case_id)
    except DomainError as exc:
        if exc.code == "case_not_found":
            raise
        return _case_page(request, case_id, status=exc.status_code, error=exc)
    return _case_page(request, case_id, issued_code=issued)
