"""Queues, single cases, timelines, files and workflow reads; every read is limited to the
acting user's districts (another district's case is NotFound, like a missing one)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.files import File
from django.core.files.base import ContentFile
from django.db.models import F, Q, QuerySet

from bdcdj.accounts import pii
from bdcdj.accounts.selectors import AnyUser, tenant_codes, user_can
from bdcdj.accounts.services import audit_record
from bdcdj.cases.models import Case, CaseCertificate, CaseEvent, Material, Notice, Stage, WorkflowDefinition
from bdcdj.cases.workflows import BusinessType, business_types
from bdcdj.core.errors import Forbidden, InvalidInput, NotFound

READ_PAGES = ("cases.queue", "cases.accept", "cases.review", "cases.record", "cases.certify")
PER_PAGE_MAX = 100
ORDERS = {
    "deadline": (F("deadline").asc(nulls_last=True), "created_at", "id"),
    "-deadline": (F("deadline").desc(nulls_last=True), "-created_at", "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "number": ("number",),
}
# Work queues of the console, by the stages each one lists.
QUEUES: dict[str, tuple[str, ...]] = {
    "accept": (Stage.INTAKE,),
    "review": (Stage.ACCEPTED, Stage.REVIEW),
    "record": (Stage.REGISTER,),
    "certify": (Stage.CERTIFY,),
    "issue": (Stage.ISSUE,),
    "archive": (Stage.ARCHIVE,),
}


@dataclass(frozen=True)
class CasePage:
    items: list[Case]
    page: int
    per_page: int
    total: int

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total


def _require_reader(user: AnyUser) -> None:
    if not any(user_can(user=user, page=page) for page in READ_PAGES):
        raise Forbidden(code="page_forbidden", message="没有查看登记业务的权限")


def district_cases(user: AnyUser) -> QuerySet[Case]:
    """Cases of the user's districts; Forbidden without any cases page."""
    _require_reader(user)
    return Case.objects.filter(region_code__in=tenant_codes(user=user))


def case_get(*, user: AnyUser, case_id: int) -> Case:
    case = district_cases(user).select_related("workflow", "group", "assigned_to").filter(pk=case_id).first()
    if case is None:
        raise NotFound(code="case_not_found", message=f"未找到业务：{case_id}")
    return case


def _search(qs: QuerySet[Case], text: str) -> QuerySet[Case]:
    text = " ".join(text.replace("\x00", "").split())[:100]
    if not text:
        return qs
    condition = Q(number__icontains=text) | Q(units__unit_code__istartswith=text.upper())
    types = [bt.code for bt in business_types().values() if text in bt.name]
    if types:
        condition |= Q(business_type__in=types)
    index = pii.blind_index(text)
    if index and len(text) >= 6:
        condition |= Q(parties__id_index=index)
    return qs.filter(condition).distinct()


def cases_for_queue(
    *,
    user: AnyUser,
    stage: str | Sequence[str] | None = None,
    mine: bool = False,
    search: str = "",
    page: int = 1,
    per_page: int = 20,
    order: str = "deadline",
) -> CasePage:
    """A page of the district's cases. `stage` is a Stage value, several, or a queue name of
    `QUEUES` ("review" lists accepted + review); `mine` keeps cases transferred to the user."""
    if order not in ORDERS:
        raise InvalidInput(code="order_invalid", message="排序方式无效", fields={"order": "、".join(ORDERS)})
    qs = district_cases(user).select_related("workflow", "assigned_to").prefetch_related("units")
    if stage:
        stages = QUEUES.get(stage, (stage,)) if isinstance(stage, str) else tuple(stage)
        unknown = [s for s in stages if s not in Stage.values]
        if unknown:
            raise InvalidInput(code="stage_invalid", message="阶段无效", fields={"stage": "、".join(unknown)})
        qs = qs.filter(stage__in=stages)
    if mine:
        qs = qs.filter(assigned_to_id=user.pk)
    qs = _search(qs, search)
    per_page = max(1, min(int(per_page), PER_PAGE_MAX))
    page = max(1, int(page))
    total = qs.count()
    start = (page - 1) * per_page
    items = list(qs.order_by(*ORDERS[order])[start : start + per_page])
    return CasePage(items=items, page=page, per_page=per_page, total=total)


def case_timeline(*, user: AnyUser, case_id: int, public_only: bool = False) -> list[CaseEvent]:
    case = case_get(user=user, case_id=case_id)
    events = case.events.select_related("by").order_by("at", "id")
    if public_only:
        events = events.filter(public=True)
    return list(events)


def workflow_current(*, region_code: str, business_type: str) -> WorkflowDefinition:
    """The current version; NotFound when the district has none (see workflow_ensure_defaults)."""
    found = WorkflowDefinition.objects.filter(
        region_code=region_code, business_type=business_type, is_active=True
    ).first()
    if found is None:
        raise NotFound(
            code="workflow_not_found", message=f"行政区 {region_code} 没有业务“{business_type}”的流程定义"
        )
    return found


def workflows(
    *, user: AnyUser, business_type: str = "", include_history: bool = False
) -> list[WorkflowDefinition]:
    """Workflow definitions of the user's districts: current versions, or every version."""
    if not (
        user_can(user=user, page="cases.workflows") or any(user_can(user=user, page=p) for p in READ_PAGES)
    ):
        raise Forbidden(code="page_forbidden", message="没有查看业务流程配置的权限")
    qs = WorkflowDefinition.objects.filter(region_code__in=tenant_codes(user=user))
    if business_type:
        qs = qs.filter(business_type=business_type)
    if not include_history:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("region_code", "business_type", "-version"))


def case_file(*, user: AnyUser, case_id: int, kind: str, file_id: int) -> tuple[File, str, str]:
    """A stored file of the case (notice, certificate or material) as (file, name, type);
    the download is audited. A certificate is its latest signed electronic version."""
    case = case_get(user=user, case_id=case_id)
    model: Any = {"notice": Notice, "certificate": CaseCertificate, "material": Material}.get(kind)
    if model is None:
        raise NotFound(code="file_not_found", message="未找到文件")
    row = model.objects.filter(case=case, pk=file_id).first()
    stored: File | None = row.file if row is not None and row.file else None
    if row is not None and kind == "certificate" and apps.is_installed("bdcdj.certs"):
        from bdcdj.certs.selectors import certificate_latest_pdf

        pdf = certificate_latest_pdf(certificate=row)
        stored = ContentFile(pdf) if pdf is not None else stored
    if row is None or stored is None:
        raise NotFound(code="file_not_found", message="未找到文件")
    content_type = getattr(row, "content_type", "application/pdf")
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[content_type]
    name = f"{case.number}-{kind}-{row.pk}.{extension}"
    audit_record(
        actor=user,
        action="cases.file_download",
        object_type=f"cases.{kind}",
        object_id=str(row.pk),
        region_code=case.region_code,
        detail={"case": case.number},
    )
    return stored, name, content_type


def business_type_list() -> list[BusinessType]:
    return list(business_types().values())
