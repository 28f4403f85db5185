"""Reads of the portal. A citizen's reads take the citizen and never return another person's
case (an unknown or foreign case id is the same NotFound); staff reads take the user and are
limited to the user's districts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import HttpRequest
from django.utils import timezone

from bdcdj.accounts.models import Tenant
from bdcdj.accounts.selectors import AnyUser, require_page, tenant_codes
from bdcdj.cases.models import (
    Case,
    CaseCertificate,
    CaseEvent,
    CaseStatus,
    FeeMode,
    MaterialForm,
    Notice,
    NoticeKind,
    Stage,
)
from bdcdj.cases.workflows import BusinessType, business_types
from bdcdj.certs.selectors import certificate_latest_pdf
from bdcdj.core.errors import NotFound
from bdcdj.portal.models import (
    Application,
    Appointment,
    AppointmentStatus,
    Citizen,
    CollectionCode,
    Office,
    Rating,
    Slot,
    SmsOutbox,
)
from bdcdj.portal.services.applications import GENERATED_MATERIAL, online_business_types, workflow_for
from bdcdj.portal.services.ratings import case_finished
from bdcdj.portal.session import SESSION_KEY

PAGE_SIZE = 10
STAFF_PAGE_SIZE = 30


def current_citizen(*, request: HttpRequest) -> Citizen | None:
    """The citizen of the portal session (separate from the staff login), or None."""
    if hasattr(request, "_portal_citizen"):
        return request._portal_citizen
    citizen_id = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    citizen = None
    if isinstance(citizen_id, int):
        citizen = Citizen.objects.filter(pk=citizen_id, is_active=True).first()
    request._portal_citizen = citizen  # type: ignore[attr-defined]
    return citizen


def citizen_owns_case(*, request: HttpRequest, case_id: int) -> bool:
    citizen = current_citizen(request=request)
    return citizen is not None and Application.objects.filter(case_id=case_id, citizen=citizen).exists()


# ---------------------------------------------------------------- districts and the guide


@dataclass(frozen=True)
class DistrictGroup:
    parent_code: str
    parent_name: str
    districts: tuple[Tenant, ...]


def district_groups() -> list[DistrictGroup]:
    """Every district of this deployment, grouped under its parent (市/省) for the landing page."""
    tenants = list(Tenant.objects.order_by("region_code"))
    names = {t.region_code: t.name for t in tenants}
    grouped: dict[str, list[Tenant]] = defaultdict(list)
    for tenant in tenants:
        grouped[tenant.parent_code or tenant.region_code[:4] + "00"].append(tenant)
    return [
        DistrictGroup(code, names.get(code, f"{code} 所辖"), tuple(items))
        for code, items in sorted(grouped.items())
    ]


def district_for_unit_code(code: str) -> str:
    """The district whose portal handles a unit: the region part (first 6 digits) of its code."""
    code = "".join(str(code or "").split()).upper()
    region = code[:6]
    if len(code) != 28 or not region.isdigit() or not Tenant.objects.filter(region_code=region).exists():
        raise NotFound(code="district_not_found", message="没有找到该不动产单元号所属行政区的网上登记服务")
    return region


@dataclass(frozen=True)
class GuideEntry:
    business: BusinessType
    steps: tuple[str, ...]
    materials: tuple[dict[str, Any], ...]
    fees: tuple[dict[str, Any], ...]
    time_limit_workdays: int
    version: int


def guide_categories() -> list[tuple[str, list[BusinessType]]]:
    grouped: dict[str, list[BusinessType]] = {}
    for bt in online_business_types():
        grouped.setdefault(bt.category, []).append(bt)
    return list(grouped.items())


def guide_entry(*, region_code: str, business_type: str) -> GuideEntry:
    """办事指南 of one business in one district, from its current workflow definition."""
    bt = business_types().get(business_type)
    if bt is None:
        raise NotFound(code="business_type_not_found", message="没有这项业务")
    workflow = workflow_for(region_code=region_code, business_type=business_type)
    materials = tuple(
        {
            **m,
            "form_label": MaterialForm(m["form"]).label if m.get("form") in MaterialForm.values else "",
            "generated": m["code"] == GENERATED_MATERIAL,
        }
        for m in workflow.materials
    )
    fees = tuple(
        {**f, "mode_label": FeeMode(f["mode"]).label if f.get("mode") in FeeMode.values else ""}
        for f in workflow.fees
    )
    steps = ("网上申请", *(s["name"] for s in workflow.steps))
    return GuideEntry(bt, steps, materials, fees, workflow.time_limit_workdays, workflow.version)


# ---------------------------------------------------------------- a citizen's cases


@dataclass(frozen=True)
class CaseRow:
    case: Case
    business_name: str
    status_label: str


def status_label(case: Case) -> str:
    if case.status == CaseStatus.SUSPENDED:
        return "待补正材料"
    if case.stage == Stage.INTAKE:
        return "已提交，待受理"
    if case.completed_at is not None and case.stage in {Stage.ISSUE}:
        return "已办结，待领证"
    if case.completed_at is not None:
        return "已办结"
    return Stage(case.stage).label


def my_cases(*, citizen: Citizen, page: int = 1) -> Page:
    """The citizen's online applications, newest first, PAGE_SIZE per page."""
    qs = (
        Case.objects.filter(portal_application__citizen=citizen)
        .only("id", "number", "business_type", "stage", "status", "created_at", "completed_at", "deadline")
        .order_by("-created_at", "-id")
    )
    paginator = Paginator(qs, PAGE_SIZE)
    result = paginator.get_page(page)
    names = {code: bt.name for code, bt in business_types().items()}
    rows: list[Any] = [
        CaseRow(c, names.get(c.business_type, c.business_type), status_label(c)) for c in result
    ]
    result.object_list = rows
    return result


@dataclass
class CaseView:
    case: Case
    application: Application
    business: BusinessType
    status_label: str
    events: list[CaseEvent]
    notices: list[Notice]
    certificates: list[CaseCertificate]
    correction: Notice | None
    materials: list[Any]
    checklist: list[dict[str, Any]]
    rating: Rating | None
    can_rate: bool
    can_upload: bool
    extra: dict[str, Any] = field(default_factory=dict)


def citizen_case_get(*, citizen: Citizen, case_id: int) -> Case:
    case = (
        Case.objects.filter(pk=case_id, portal_application__citizen=citizen)
        .select_related("workflow")
        .first()
    )
    if case is None:
        raise NotFound(code="case_not_found", message="业务不存在")
    return case


def case_progress(*, citizen: Citizen, case_id: int) -> list[CaseEvent]:
    case = citizen_case_get(citizen=citizen, case_id=case_id)
    return list(case.events.filter(public=True).order_by("at", "id"))


def citizen_case(*, citizen: Citizen, case_id: int) -> CaseView:
    case = citizen_case_get(citizen=citizen, case_id=case_id)
    application = Application.objects.get(case=case)
    notices = list(case.notices.order_by("issued_at", "id"))
    correction = None
    if case.status == CaseStatus.SUSPENDED:
        correction = next((n for n in reversed(notices) if n.kind == NoticeKind.CORRECTION), None)
    rating = Rating.objects.filter(case=case).first()
    return CaseView(
        case=case,
        application=application,
        business=business_types()[case.business_type],
        status_label=status_label(case),
        events=list(case.events.filter(public=True).order_by("at", "id")),
        notices=notices,
        certificates=list(case.certificates.filter(rendered_at__isnull=False).order_by("id")),
        correction=correction,
        materials=list(case.materials.order_by("received_at", "id")),
        checklist=[m for m in case.workflow.materials if m["code"] != GENERATED_MATERIAL],
        rating=rating,
        can_rate=rating is None and case_finished(case),
        can_upload=case.status == CaseStatus.SUSPENDED
        or (case.stage == Stage.INTAKE and case.status == CaseStatus.RUNNING),
    )


def citizen_file(*, citizen: Citizen, case_id: int, kind: str, file_id: int) -> tuple[bytes, str]:
    """(PDF bytes, download name) of a notice, the signed 申请书 or a certificate (its latest
    signed electronic version, from the certs app) of the citizen's own case."""
    case = citizen_case_get(citizen=citizen, case_id=case_id)
    missing = NotFound(code="file_not_found", message="文件不存在")
    if kind == "certificate":
        certificate = case.certificates.filter(pk=file_id, rendered_at__isnull=False).first()
        if certificate is None:
            raise missing
        pdf = certificate_latest_pdf(certificate=certificate)
        if pdf is None:
            raise missing
        return pdf, f"{certificate.number}.pdf"
    field_file, name = None, ""
    if kind == "notice":
        notice = case.notices.filter(pk=file_id).first()
        field_file, name = (notice.file, f"{notice.number}.pdf") if notice else (None, "")
    elif kind == "application":
        application = Application.objects.select_related("material").get(case=case)
        if application.pk == file_id and application.material is not None:
            field_file, name = application.material.file, f"申请书-{case.number}.pdf"
    if field_file is None or not field_file.name:
        raise missing
    with field_file.open("rb") as handle:
        return handle.read(), name


def collection_code_pending(*, case: Case) -> bool:
    """Whether the case has a 领证码 that still works (a new one would void it)."""
    return CollectionCode.objects.filter(
        case=case, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()


# ---------------------------------------------------------------- appointments


def offices_of(*, region_code: str) -> list[Office]:
    return list(Office.objects.filter(region_code=region_code, is_active=True).order_by("id"))


def office_get(*, region_code: str, office_id: int) -> Office:
    office = Office.objects.filter(pk=office_id, region_code=region_code, is_active=True).first()
    if office is None:
        raise NotFound(code="office_not_found", message="办事大厅不存在")
    return office


def slots_by_day(*, office: Office) -> list[tuple[dt.date, list[Slot]]]:
    now = timezone.localtime()
    grouped: dict[dt.date, list[Slot]] = {}
    for slot in Slot.objects.filter(office=office, day__gte=now.date()).order_by("day", "start"):
        if slot.day == now.date() and slot.start <= now.time():
            continue
        grouped.setdefault(slot.day, []).append(slot)
    return list(grouped.items())


def my_appointments(*, citizen: Citizen) -> list[Appointment]:
    return list(
        Appointment.objects.filter(citizen=citizen)
        .select_related("slot", "slot__office")
        .order_by("-slot__day", "-slot__start")[:50]
    )


# ---------------------------------------------------------------- staff pages


def sms_outbox(*, user: AnyUser, page: int = 1, phone_index: str = "") -> Page:
    require_page(user=user, page="portal.sms")
    qs = SmsOutbox.objects.order_by("-created_at", "-id")
    if phone_index:
        qs = qs.filter(phone_index=phone_index)
    return Paginator(qs, STAFF_PAGE_SIZE).get_page(page)


def appointments_for_day(*, user: AnyUser, day: dt.date) -> list[Appointment]:
    require_page(user=user, page="portal.appointments")
    return list(
        Appointment.objects.filter(region_code__in=tenant_codes(user=user), slot__day=day)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("slot", "slot__office", "citizen")
        .order_by("slot__office_id", "slot__start", "id")
    )


@dataclass(frozen=True)
class RatingStat:
    business_type: str
    business_name: str
    month: str
    count: int
    average: Decimal
    distribution: tuple[int, int, int, int, int]  # how many 1, 2, 3, 4, 5


def rating_stats(*, user: AnyUser, business_type: str = "") -> list[RatingStat]:
    """好差评 per business type and month in the user's districts: count, average, 1–5 counts."""
    require_page(user=user, page="portal.ratings")
    qs = Rating.objects.filter(region_code__in=tenant_codes(user=user))
    if business_type:
        qs = qs.filter(business_type=business_type)
    rows = (
        qs.annotate(month=TruncMonth("created_at"))
        .values("business_type", "month", "score")
        .annotate(n=Count("id"))
        .order_by()
    )
    buckets: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for row in rows:
        month = row["month"]
        label = f"{month:%Y-%m}" if month else ""
        buckets[(row["business_type"], label)][row["score"] - 1] += row["n"]
    names = {code: bt.name for code, bt in business_types().items()}
    stats = []
    for (code, month), dist in buckets.items():
        count = sum(dist)
        total = sum((i + 1) * n for i, n in enumerate(dist))
        average = (Decimal(total) / Decimal(count)).quantize(Decimal("0.01")) if count else Decimal("0")
        name = names.get(code, code) or "窗口服务（自助终端评价）"
        stats.append(RatingStat(code, name, month, count, average, tuple(dist)))  # type: ignore[arg-type]
    return sorted(stats, key=lambda s: (s.month, s.business_type), reverse=True)


# The window service reads live in their own module; re-exported for callers of this package.
from bdcdj.portal.selectors.service import KIOSK_ORDERS as KIOSK_ORDERS  # noqa: E402
from bdcdj.portal.selectors.service import SERVICE_ORDERS as SERVICE_ORDERS  # noqa: E402
from bdcdj.portal.selectors.service import ServiceStat as ServiceStat  # noqa: E402
from bdcdj.portal.selectors.service import kiosk_devices as kiosk_devices  # noqa: E402
from bdcdj.portal.selectors.service import service_stats as service_stats  # noqa: E402
