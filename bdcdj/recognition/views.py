"""The case page's "智能审核结果" panel (htmx): the newest run's findings, what each material
said (masked), a button to run the review again, and the drafted opinion into the review form."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from bdcdj.core.errors import DomainError
from bdcdj.recognition.compare import STATUS_LABELS
from bdcdj.recognition.selectors import case_results
from bdcdj.recognition.services import kind_label, review_run


def _panel(request: HttpRequest, case_id: int, *, status: int = 200, error: str = "") -> HttpResponse:
    try:
        results = case_results(user=request.user, case_id=case_id)
    except DomainError as exc:
        return render(request, "recognition/_case_panel.html", {"error": exc.message}, status=exc.status_code)
    rows = [
        (r, kind_label(r.kind), kind_label(r.expected_kind) if r.expected_kind else "")
        for r in results.recognitions
    ]
    context = {
        "r": results,
        "case": results.case,
        "rows": rows,
        "status_labels": STATUS_LABELS,
        "error": error,
    }
    return render(request, "recognition/_case_panel.html", context, status=status)


@login_required
@require_GET
def case_panel(request: HttpRequest, case_id: int) -> HttpResponse:
    return _panel(request, case_id)


@login_required
@require_POST
def case_run(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        results = case_results(user=request.user, case_id=case_id)
        review_run(case=results.case, by=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        return _panel(request, case_id, status=exc.status_code, error=exc.message)
    return _panel(request, case_id)


@login_required
@require_GET
def case_opinion(request: HttpRequest, case_id: int) -> HttpResponse:
    """The review form's opinion box filled with the newest drafted opinion."""
    try:
        results = case_results(user=request.user, case_id=case_id)
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status_code, content_type="text/plain; charset=utf-8")
    text = results.run.opinion if results.run is not None else ""
    return render(request, "cases/_opinion_text.html", {"text": text})
