"""Machine API of the case engine, mounted at /api/cases/v1/ (session auth).

Thin: each endpoint validates its body (schemas.py), reads through a selector and writes
through one service. Party data is masked in every response except the case detail for
roles allowed to see personal data (audited there).
"""

from __future__ import annotations

from typing import Any, cast

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from bdcdj.accounts.models import User
from bdcdj.accounts.selectors import tenant_codes
from bdcdj.cases import selectors, services
from bdcdj.cases.models import Case
from bdcdj.cases.schemas import (
    AcceptIn,
    ArchiveIn,
    BusinessTypeOut,
    CaseCreateIn,
    CaseDetailOut,
    CaseOut,
    CorrectionIn,
    EventOut,
    GroupCreateIn,
    GroupOut,
    IssueIn,
    MaterialOut,
    QueueOut,
    ReasonIn,
    ReviewIn,
    SlaSummaryOut,
    WorkflowOut,
    WorkflowPublishIn,
    business_type_out,
    case_out,
    detail_out,
    event_out,
    workflow_out,
)
from bdcdj.core.errors import InvalidInput

router = Router(tags=["cases"])


def _user(request: HttpRequest) -> User:
    return cast(User, request.auth or request.user)  # type: ignore[attr-defined]


def _region(user: User, given: str | None) -> str:
    if given:
        return given
    codes = sorted(tenant_codes(user=user))
    if len(codes) != 1:
        raise InvalidInput(
            code="region_required", message="请指定行政区划代码", fields={"region_code": "必填"}
        )
    return codes[0]


def _case(request: HttpRequest, case_id: int) -> tuple[User, Case]:
    user = _user(request)
    return user, selectors.case_get(user=user, case_id=case_id)


@router.get("/business-types", response=list[BusinessTypeOut], summary="业务类型目录")
def business_type_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [business_type_out(bt) for bt in selectors.business_type_list()]


@router.get("/workflows", response=list[WorkflowOut], summary="本辖区业务流程定义")
def workflow_list(
    request: HttpRequest,
    business_type: str = Query("", max_length=40, pattern=r"^[a-z_]*$"),
    history: bool = False,
) -> list[dict[str, Any]]:
    rows = selectors.workflows(user=_user(request), business_type=business_type, include_history=history)
    return [workflow_out(r) for r in rows]


@router.post("/workflows/{business_type}", response={201: WorkflowOut}, summary="发布业务流程定义新版本")
def workflow_publish(request: HttpRequest, business_type: str, payload: WorkflowPublishIn) -> Status[Any]:
    user = _user(request)
    row = services.workflow_publish(
        region_code=_region(user, payload.region_code),
        business_type=business_type,
        definition=payload.definition,
        by=user,
        note=payload.note,
    )
    return Status(201, workflow_out(row))


@router.post("/cases", response={201: CaseOut}, summary="收件（创建登记业务）")
def case_create(request: HttpRequest, payload: CaseCreateIn) -> Status[Any]:
    user = _user(request)
    case = services.case_create(
        region_code=_region(user, payload.region_code),
        business_type=payload.business_type,
        unit_codes=payload.unit_codes,
        parties=[p.dict() for p in payload.parties],
        data=payload.data,
        by=user,
    )
    return Status(201, case_out(case))


@router.post("/groups", response={201: GroupOut}, summary="一并申请（多项业务一并收件）")
def group_create(request: HttpRequest, payload: GroupCreateIn) -> Status[Any]:
    user = _user(request)
    members = [
        {**m.dict(exclude={"region_code"}), "parties": [p.dict() for p in m.parties]} for m in payload.members
    ]
    group = services.case_group_create(
        region_code=_region(user, payload.region_code), members=members, by=user, name=payload.name
    )
    cases = list(group.cases.select_related("workflow").order_by("group_order"))
    return Status(201, {"id": group.pk, "name": group.name, "cases": [case_out(c) for c in cases]})


@router.get("/cases", response=QueueOut, summary="业务工作队列（分页、检索）")
def case_queue(
    request: HttpRequest,
    stage: str = Query(
        "", max_length=20, description="阶段或队列：accept/review/record/certify/issue/archive"
    ),
    mine: bool = False,
    search: str = Query("", max_length=100),
    page: int = Query(1, ge=1, le=100_000),
    per_page: int = Query(20, ge=1, le=selectors.PER_PAGE_MAX),
    order: str = Query("deadline", max_length=20),
) -> dict[str, Any]:
    result = selectors.cases_for_queue(
        user=_user(request),
        stage=stage or None,
        mine=mine,
        search=search,
        page=page,
        per_page=per_page,
        order=order,
    )
    return {
        "items": [case_out(c) for c in result.items],
        "page": result.page,
        "per_page": result.per_page,
        "total": result.total,
        "has_next": result.has_next,
    }


@router.get("/sla/summary", response=SlaSummaryOut, summary="办理时限看板")
def sla_summary(request: HttpRequest) -> Any:
    return selectors.sla_summary(user=_user(request)).__dict__


@router.get("/sla/overdue", response=list[CaseOut], summary="已超期业务")
def sla_overdue(request: HttpRequest) -> list[dict[str, Any]]:
    return [case_out(c) for c in selectors.cases_overdue(user=_user(request))]


@router.get("/sla/near-deadline", response=list[CaseOut], summary="临近期限业务")
def sla_near(request: HttpRequest, within: int = Query(1, ge=0, le=30)) -> list[dict[str, Any]]:
    return [case_out(c) for c in selectors.cases_near_deadline(user=_user(request), within_workdays=within)]


@router.get("/cases/{case_id}", response=CaseDetailOut, summary="业务详情")
def case_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    detail = selectors.case_detail(user=_user(request), case_id=case_id)
    return detail_out(detail)


@router.get("/cases/{case_id}/timeline", response=list[EventOut], summary="业务进度（时间线）")
def case_timeline(request: HttpRequest, case_id: int, public_only: bool = False) -> list[dict[str, Any]]:
    events = selectors.case_timeline(user=_user(request), case_id=case_id, public_only=public_only)
    return [event_out(e) for e in events]


@router.post("/cases/{case_id}/materials", response={201: MaterialOut}, summary="收取材料（上传文件）")
def material_add(
    request: HttpRequest,
    case_id: int,
    file: UploadedFile = File(...),  # noqa: B008
    checklist_code: str = Form(..., min_length=1, max_length=40),
    form: str = Form("1", max_length=2),
    pages: int = Form(1, ge=1, le=1000),
) -> Status[Any]:
    user, case = _case(request, case_id)
    if file.size is not None and file.size > 20 * 1024 * 1024:
        raise InvalidInput(
            code="file_too_large", message="文件不能超过 20 MB", fields={"file": "文件不能超过 20 MB"}
        )
    material = services.case_material_add(
        case=case,
        checklist_code=checklist_code,
        content=file,
        content_type=file.content_type or "",
        form=form,
        pages=pages,
        by=user,
    )
    return Status(201, material)


@router.post("/cases/{case_id}/accept", response=CaseOut, summary="受理")
def case_accept(request: HttpRequest, case_id: int, payload: AcceptIn) -> dict[str, Any]:
    user, case = _case(request, case_id)
    return case_out(services.case_accept(case=case, by=user, fee_waivers=payload.fee_waivers))


@router.post("/cases/{case_id}/refuse", response=CaseOut, summary="不予受理")
def case_refuse(request: HttpRequest, case_id: int, payload: ReasonIn) -> dict[str, Any]:
    user, case = _case(request, case_id)
    return case_out(services.case_refuse(case=case, by=user, reason=payload.reason))


@router.post("/cases/{case_id}/correction", response=CaseOut, summary="通知补正（暂停计时）")
def case_correction(request: HttpRequest, case_id: int, payload: CorrectionIn) -> dict[str, Any]:
    user, case = _case(request, case_id)
    return case_out(
        services.case_request_correction(case=case, by=user, items=payload.items, note=payload.note)
    )


@router.post("/cases/{case_id}/resume", response=CaseOut, summary="补正材料已收取（恢复计时）")
def case_resume(request: HttpRequest, case_id: int) -> dict[str, Any]:
    user, case = _case(request, case_id)
    return case_out(services.case_resume(case=case, by=user))


@router.post("/cases/{case_id}/withdraw", response=CaseOut, summary="申请人撤回申请")
def case_withdraw(request: HttpRequest, case_id: int, payload: ReasonIn) -> dict[str, Any]:
    user, case = _case(request, case_id)
    return case_out(services.case_withdraw(case=case, by=user, reason=payload.reason))


@router.post("/cases/{case_id}/review", response=CaseOut, summary="审核意见（同意/回退/退件/转件）")
def case_review(request: HttpRequest, case_id: int, payload: ReviewIn) -> dict[str, Any]:
    user, case = _case(request, case_id)
    to_user = None
    if payload.to_user_id is not None:
        to_user = User.objects.filter(pk=payload.to_user_id, is_active=True).first()
    result = services.case_review(
        case=case,
        by=user,
        result=payload.result,
        text=payload.text,
        to_user=to_user,
        template=payload.template,
    )
    return case_out(result)


@router.post("/cases/{case_id}/refresh-units", response=CaseOut, summary="确认不动产单元最新状态")
def case_refresh_units(request: HttpRequest, case_id: int) -> dict[str, Any]:
    user, case = _case(request, case_id)
    return case_out(services.case_units_refresh(case=case, by=user))


@router.post("/cases/{case_id}/register", response=CaseOut, summary="登簿")
def case_register(request: HttpRequest, case_id: int) -> dict[str, Any]:
    user, case = _case(request, case_id)
    return case_out(services.case_register(case=case, by=user))


@router.post("/cases/{case_id}/certify", response=CaseOut, summary="缮证")
def case_certify(request: HttpRequest, case_id: int) -> dict[str, Any]:
    user, case = _case(request, case_id)
    return case_out(services.case_certify(case=case, by=user))


@router.post("/cases/{case_id}/issue", response=CaseOut, summary="发证")
def case_issue(request: HttpRequest, case_id: int, payload: IssueIn) -> dict[str, Any]:
    user, case = _case(request, case_id)
    result = services.case_issue(
        case=case,
        by=user,
        receiver_name=payload.receiver_name,
        receiver_id_type=payload.receiver_id_type,
        receiver_id_number=payload.receiver_id_number,
        id_checked=payload.id_checked,
    )
    return case_out(result)


@router.post("/cases/{case_id}/archive", response=CaseOut, summary="归档")
def case_archive(request: HttpRequest, case_id: int, payload: ArchiveIn) -> dict[str, Any]:
    user, case = _case(request, case_id)
    return case_out(
        services.case_archive(
            case=case, by=user, archive_number=payload.archive_number, location=payload.location
        )
    )


def _download(request: HttpRequest, case_id: int, kind: str, file_id: int) -> FileResponse:
    field_file, name, content_type = selectors.case_file(
        user=_user(request), case_id=case_id, kind=kind, file_id=file_id
    )
    return FileResponse(field_file.open("rb"), as_attachment=True, filename=name, content_type=content_type)


@router.get("/cases/{case_id}/notices/{notice_id}/pdf", summary="下载通知书/决定书 PDF")
def notice_pdf(request: HttpRequest, case_id: int, notice_id: int) -> FileResponse:
    return _download(request, case_id, "notice", notice_id)


@router.get("/cases/{case_id}/certificates/{certificate_id}/pdf", summary="下载不动产权证书/登记证明 PDF")
def certificate_pdf(request: HttpRequest, case_id: int, certificate_id: int) -> FileResponse:
    return _download(request, case_id, "certificate", certificate_id)


@router.get("/cases/{case_id}/materials/{material_id}/file", summary="下载收件材料")
def material_file(request: HttpRequest, case_id: int, material_id: int) -> FileResponse:
    return _download(request, case_id, "material", material_id)
