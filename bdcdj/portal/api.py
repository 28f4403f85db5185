"""JSON of the portal (`/api/portal/v1/`), authenticated by the portal session (not staff)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from bdcdj.portal.models import Citizen
from bdcdj.portal.selectors import case_progress, citizen_case_get, current_citizen, status_label


def portal_session(request: HttpRequest) -> Citizen | None:
    return current_citizen(request=request)


router = Router(auth=portal_session, tags=["网上登记"])


class EventOut(Schema):
    at: datetime
    kind: str
    label: str
    message: str


class ProgressOut(Schema):
    case_id: int
    number: str
    status: str
    events: list[EventOut]


@router.get("/cases/{case_id}/progress", response=ProgressOut, summary="办理进度（本人申请的业务）")
def progress(request: HttpRequest, case_id: int) -> ProgressOut:
    citizen: Citizen = request.auth  # type: ignore[attr-defined]
    case = citizen_case_get(citizen=citizen, case_id=case_id)
    events = case_progress(citizen=citizen, case_id=case_id)
    return ProgressOut(
        case_id=case.pk,
        number=case.number,
        status=status_label(case),
        events=[
            EventOut(at=e.at, kind=e.kind, label=e.get_kind_display(), message=e.message) for e in events
        ],
    )
