"""Reads of the channel: an institution's items and their progress (for the API), and the
supervisors' list of institutions (district-scoped)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse

from bdcdj.accounts.selectors import AnyUser, tenant_codes
from bdcdj.cases.models import Case, CaseStatus, Stage
from bdcdj.cases.services.automation import auto_advance_note
from bdcdj.cases.workflows import business_type_get
from bdcdj.channel.models import ChannelItem, Institution
from bdcdj.core.errors import NotFound
from bdcdj.payments.selectors import payment_summary

PER_PAGE = 20


@dataclass(frozen=True)
class CertificateInfo:
    id: int
    kind: str
    number: str
    rendered: bool
    pdf_url: str


@dataclass(frozen=True)
class CaseProgress:
    number: str
    business_type: str
    business_type_name: str
    stage: str
    stage_label: str
    status_label: str
    step_name: str
    auto_note: str
    payment_total: str
    paid: bool
    payment_status: str
    certificates: list[CertificateInfo] = field(default_factory=list)


def item_get(*, institution: Institution, key: str) -> ChannelItem:
    item = (
        ChannelItem.objects.select_related("case__workflow", "mortgage_case__workflow")
        .filter(institution=institution, idempotency_key=key)
        .first()
    )
    if item is None:
        raise NotFound(code="item_not_found", message=f"未找到幂等键为 {key[:64]} 的申请")
    return item


def items_for_institution(*, institution: Institution, kind: str = "", page: int = 1) -> Page:
    rows = ChannelItem.objects.filter(institution=institution).select_related("case", "mortgage_case")
    if kind:
        rows = rows.filter(kind=kind)
    return Paginator(rows.order_by("-created_at", "-id"), PER_PAGE).get_page(page)


def _rendered(certificate: object) -> bool:
    if getattr(certificate, "rendered_at", None) is None:
        return False
    return bool(certificate.versions.exists())  # type: ignore[attr-defined]


def case_progress(*, case: Case, key: str) -> CaseProgress:
    step = case.workflow.step(case.step_code) if case.step_code else {"name": ""}
    summary = payment_summary(case=case)
    certificates = [
        CertificateInfo(
            id=c.pk,
            kind=c.kind,
            number=c.number,
            rendered=_rendered(c),
            pdf_url=reverse("api:channel_certificate_pdf", kwargs={"key": key, "certificate_id": c.pk}),
        )
        for c in case.certificates.order_by("id")
    ]
    open_stage = case.stage in {Stage.ACCEPTED, Stage.REVIEW, Stage.REGISTER, Stage.CERTIFY}
    return CaseProgress(
        number=case.number,
        business_type=case.business_type,
        business_type_name=business_type_get(case.business_type).name,
        stage=case.stage,
        stage_label=Stage(case.stage).label,
        status_label=CaseStatus(case.status).label,
        step_name=str(step["name"]),
        auto_note=auto_advance_note(case=case) if open_stage else "",
        payment_total=f"{summary.total:.2f}",
        paid=summary.paid,
        payment_status=summary.status_label,
        certificates=certificates,
    )


# -- supervisors' pages ---------------------------------------------------------------------
def institutions_for_user(*, user: AnyUser, search: str = "", status: str = "") -> QuerySet[Institution]:
    rows = (
        Institution.objects.filter(region_code__in=tenant_codes(user=user))
        .select_related("organisation", "closed_by")
        .annotate(
            key_count=Count("keys", filter=Q(keys__revoked_at__isnull=True), distinct=True),
            last_used=Max("keys__last_used_at"),
        )
    )
    text = " ".join((search or "").replace("\x00", "").split())[:50]
    if text:
        rows = rows.filter(Q(organisation__name__icontains=text) | Q(organisation__code__icontains=text))
    if status == "open":
        rows = rows.filter(port_open=True)
    elif status == "closed":
        rows = rows.filter(port_open=False)
    return rows.order_by("region_code", "organisation__code")


def institution_get(*, user: AnyUser, institution_id: int) -> Institution:
    found = (
        Institution.objects.filter(region_code__in=tenant_codes(user=user), pk=institution_id)
        .select_related("organisation", "closed_by", "service_user")
        .first()
    )
    if found is None:
        raise NotFound(code="institution_not_found", message="未找到该机构")
    return found
