"""What every page of the registration business shares: the login and error boundary, the
district the user works in, SLA badges and the names of business types."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django_htmx.http import HttpResponseClientRedirect

from bdcdj.accounts.models import User
from bdcdj.accounts.selectors import tenant_codes, user_can
from bdcdj.cases.models import OPEN_STAGES, Case, CaseStatus
from bdcdj.cases.selectors import QUEUES, business_type_list, case_sla
from bdcdj.core.errors import DomainError, Forbidden

View = TypeVar("View", bound=Callable[..., HttpResponseBase])

# The page whose write permission lets a user work a queue (its tab is shown only then).
QUEUE_PAGES = {
    "accept": "cases.accept",
    "review": "cases.review",
    "record": "cases.record",
    "certify": "cases.certify",
    "issue": "cases.certify",
    "archive": "cases.certify",
}
QUEUE_LABELS = {
    "accept": "受理",
    "review": "审核",
    "record": "登簿",
    "certify": "缮证",
    "issue": "发证",
    "archive": "归档",
}
assert set(QUEUE_PAGES) == set(QUEUES)


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def staff_page(view: View) -> View:
    """Sign-in required; a typed domain error becomes its status (400/403/404/409) with the
    Chinese message, as a fragment for htmx requests and as a page otherwise."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            return error_response(request, exc)

    return wrapped  # type: ignore[return-value]


def error_response(request: HttpRequest, exc: DomainError) -> HttpResponse:
    template = "cases/_error.html" if is_htmx(request) else "cases/error.html"
    return render(request, template, {"error": exc}, status=exc.status_code)


def acting_user(request: HttpRequest) -> User:
    """The signed-in user (`staff_page` lets no one else through)."""
    user = request.user
    if not isinstance(user, User):
        raise Forbidden(code="login_required", message="请先登录")
    return user


def require_write(request: HttpRequest, page: str) -> None:
    if not user_can(user=request.user, page=page, write=True):
        raise Forbidden(code="page_forbidden", message="没有办理该业务的权限")


def go(request: HttpRequest, url: str) -> HttpResponse:
    """Redirect after a successful write: a full page load for htmx, a 302 otherwise."""
    return HttpResponseClientRedirect(url) if is_htmx(request) else redirect(url)


def user_regions(request: HttpRequest) -> list[str]:
    return sorted(tenant_codes(user=request.user))


def allowed_queues(request: HttpRequest) -> list[tuple[str, str]]:
    """(queue, label) of the queues the user may work, in the order of the workflow."""
    return [
        (queue, QUEUE_LABELS[queue])
        for queue in QUEUES
        if user_can(user=request.user, page=QUEUE_PAGES[queue], write=True)
    ]


def business_type_names() -> dict[str, str]:
    return {bt.code: bt.name for bt in business_type_list()}


def business_type_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """Business types grouped by category, in catalogue order (for <optgroup>)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for bt in business_type_list():
        groups.setdefault(bt.category, []).append((bt.code, bt.name))
    return list(groups.items())


def sla_badge(case: Case) -> dict[str, str]:
    """The time-limit badge of a case: text and a style (ok, warn, overdue, muted)."""
    if case.status == CaseStatus.SUSPENDED:
        return {"text": "补正中，暂停计时", "style": "muted"}
    if case.accepted_at is None:
        return {"text": "未受理" if case.stage in OPEN_STAGES else "—", "style": "muted"}
    if case.completed_at is not None or case.stage not in OPEN_STAGES:
        return {"text": "已办结", "style": "ok"}
    remaining = case_sla(case).remaining
    if remaining < 0:
        return {"text": f"已超期 {-remaining} 个工作日", "style": "overdue"}
    if remaining == 0:
        return {"text": "今日到期", "style": "warn"}
    return {"text": f"剩余 {remaining} 个工作日", "style": "warn" if remaining <= 1 else "ok"}


def case_row(case: Case, names: dict[str, str]) -> dict[str, Any]:
    """One line of a case list (queue, SLA lists, exports)."""
    units = list(case.units.all())
    return {
        "case": case,
        "business_type": names.get(case.business_type, case.business_type),
        "location": units[0].location if units else "",
        "unit_count": len(units),
        "sla": sla_badge(case),
    }
