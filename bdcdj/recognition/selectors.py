"""Reads of 智能审核, tenant-scoped through the case engine's own selector: a user who cannot
see a case cannot see what its materials said."""

from __future__ import annotations

from dataclasses import dataclass

from bdcdj.accounts.selectors import AnyUser, user_can
from bdcdj.cases.models import Case
from bdcdj.cases.selectors import case_get
from bdcdj.core.errors import Forbidden
from bdcdj.recognition.models import Recognition, ReviewRun

READ_PAGES = ("cases.review", "cases.record", "cases.accept")
WRITE_PAGES = READ_PAGES


@dataclass(frozen=True)
class CaseResults:
    case: Case
    run: ReviewRun | None
    recognitions: list[Recognition]  # the newest per material
    can_run: bool


def _require_read(user: AnyUser) -> None:
    if not any(user_can(user=user, page=page) for page in READ_PAGES):
        raise Forbidden(code="page_forbidden", message="没有查看智能审核结果的权限")


def case_results(*, user: AnyUser, case_id: int) -> CaseResults:
    case = case_get(user=user, case_id=case_id)
    _require_read(user)
    run = ReviewRun.objects.filter(case=case).order_by("-created_at", "-id").first()
    newest: dict[int, Recognition] = {}
    for row in (
        Recognition.objects.filter(case=case).select_related("material").order_by("-created_at", "-id")
    ):
        newest.setdefault(row.material_id, row)
    return CaseResults(
        case=case,
        run=run,
        recognitions=sorted(newest.values(), key=lambda r: r.material_id),
        can_run=any(user_can(user=user, page=page, write=True) for page in WRITE_PAGES),
    )


def latest_opinion(*, case: Case) -> str:
    """The opinion drafted by the newest run at the case's current step ("" when none)."""
    return (
        ReviewRun.objects.filter(case=case, step_code=case.step_code)
        .order_by("-created_at", "-id")
        .values_list("opinion", flat=True)
        .first()
        or ""
    )
