"""Pages: the interface management page and the case page's "共享核验" panel (htmx)."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from bdcdj.accounts.decorators import page_required
from bdcdj.accounts.selectors import user_can
from bdcdj.core.errors import DomainError
from bdcdj.sharing.selectors import (
    INTERFACES_PAGE,
    can_run_checks,
    case_checks,
    interface_stats,
    latest_outcomes,
    subject_of,
    summary,
)
from bdcdj.sharing.services import case_checks_run, interface_test, outcome_of

PERIODS = (7, 30)


@page_required(INTERFACES_PAGE)
@require_GET
def interfaces(request: HttpRequest) -> HttpResponse:
    try:
        days = int(request.GET.get("days", "7"))
    except ValueError:
        days = 7
    days = days if days in PERIODS else 7
    context = {
        "stats": interface_stats(user=request.user, days=days),
        "days": days,
        "periods": PERIODS,
        "can_write": user_can(user=request.user, page=INTERFACES_PAGE, write=True),
    }
    return render(request, "sharing/interfaces.html", context)


@page_required(INTERFACES_PAGE, write=True)
@require_POST
def interface_test_view(request: HttpRequest, interface_id: int) -> HttpResponse:
    try:
        outcome = interface_test(interface_id=interface_id, by=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        flash.error(request, exc.message)
    else:
        if outcome.status == "unavailable":
            flash.error(request, f"连接失败：{outcome.message}")
        else:
            flash.success(request, f"连接正常（部门应答：{outcome.message}）")
    return redirect(f"{reverse('sharing:interfaces')}?days={request.POST.get('days', '7')}")


def _panel(request: HttpRequest, case_id: int, *, status: int = 200, error: str = "") -> HttpResponse:
    try:
        case, rows = case_checks(user=request.user, case_id=case_id)
    except DomainError as exc:
        return render(request, "sharing/_case_checks.html", {"error": exc.message}, status=exc.status_code)
    latest = sorted(latest_outcomes(case=case).values(), key=lambda r: (r.kind, r.pk))
    context = {
        "case": case,
        "latest": [(row, subject_of(row), outcome_of(row)) for row in latest],
        "history": [(row, subject_of(row)) for row in rows[:50]],
        "summary": summary(case=case),
        "can_run": can_run_checks(user=request.user, case=case),
        "error": error,
    }
    return render(request, "sharing/_case_checks.html", context, status=status)


@login_required
@require_GET
def case_checks_panel(request: HttpRequest, case_id: int) -> HttpResponse:
    return _panel(request, case_id)


@login_required
@require_POST
def case_checks_run_view(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case, _ = case_checks(user=request.user, case_id=case_id)
        case_checks_run(case=case, by=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        return _panel(request, case_id, status=exc.status_code, error=exc.message)
    return _panel(request, case_id)
