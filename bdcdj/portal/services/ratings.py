"""好差评: the applicant rates a finished case once (1–5 and an optional comment)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from bdcdj.cases.models import Case
from bdcdj.core.errors import Conflict, NotFound, invalid_fields
from bdcdj.portal.models import Application, Citizen, Rating

COMMENT_MAX = 500


def case_finished(case: Case) -> bool:
    """办结 (issued, or archived when nothing is issued) or closed (不予受理/不予登记/撤回)."""
    return case.completed_at is not None or case.closed_at is not None


def rating_submit(*, citizen: Citizen, case_id: int, score: int, comment: str = "") -> Rating:
    application = Application.objects.select_related("case").filter(case_id=case_id, citizen=citizen).first()
    if application is None:
        raise NotFound(code="case_not_found", message="业务不存在")
    errors: dict[str, str] = {}
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        errors["score"] = "请选择1–5分"
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX or "\x00" in comment:
        errors["comment"] = f"评价内容最长{COMMENT_MAX}个字符"
    if errors:
        raise invalid_fields(errors)
    case = application.case
    if not case_finished(case):
        raise Conflict(code="not_finished", message="业务办结后才能评价")
    rating = Rating(
        region_code=case.region_code,
        case=case,
        citizen=citizen,
        business_type=case.business_type,
        score=score,
        comment=comment,
        created_at=timezone.now(),
    )
    rating.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError as exc:
        raise Conflict(code="already_rated", message="该业务已评价，每件业务只能评价一次") from exc
    return rating
