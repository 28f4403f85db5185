"""预约: offices and windows, slots per working day, booking and cancelling, attendance and the
no-show rule (3 no-shows within 90 days block booking for 30 days from the last one).

Capacity is never exceeded under concurrent bookings: a booking takes its place with one
conditional UPDATE (`booked < capacity`), which PostgreSQL re-evaluates on the latest row
version when two transactions race, and a CHECK constraint backs it up.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from bdcdj.accounts.models import User
from bdcdj.accounts.selectors import require_page, require_tenant
from bdcdj.accounts.services import audit_record
from bdcdj.cases.workflows import business_types
from bdcdj.core.errors import Conflict, Forbidden, NotFound, invalid_fields
from bdcdj.core.workdays import is_workday
from bdcdj.portal.models import Appointment, AppointmentStatus, Citizen, Office, Slot, Window

DEFAULT_SLOT_TIMES = (
    "09:00-10:00",
    "10:00-11:00",
    "11:00-12:00",
    "14:00-15:00",
    "15:00-16:00",
    "16:00-17:00",
)
SLOT_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
BOOKING_DAYS = 10  # working days ahead that can be booked
MAX_ACTIVE = 3  # future bookings one citizen may hold
NO_SHOW_LIMIT = 3
NO_SHOW_WINDOW = dt.timedelta(days=90)
NO_SHOW_BLOCK = dt.timedelta(days=30)
APPOINTMENTS_PAGE = "portal.appointments"


def _times(raw: Sequence[str]) -> list[tuple[dt.time, dt.time]]:
    result = []
    for index, text in enumerate(raw):
        match = SLOT_RE.match(str(text))
        start = dt.time(int(match[1]), int(match[2])) if match else None
        end = dt.time(int(match[3]), int(match[4])) if match else None
        if start is None or end is None or end <= start:
            raise invalid_fields({f"slot_times[{index}]": "时段应为 HH:MM-HH:MM，结束晚于开始"})
        result.append((start, end))
    return result


@transaction.atomic
def office_ensure(
    *,
    region_code: str,
    name: str,
    address: str = "",
    phone: str = "",
    slot_times: Sequence[str] = DEFAULT_SLOT_TIMES,
    windows: int = 3,
    per_window: int = 2,
) -> Office:
    """Create a district's 办事大厅 with numbered windows, or return the one of that name."""
    _times(slot_times)
    if not 1 <= windows <= 50 or not 1 <= per_window <= 50:
        raise invalid_fields({"windows": "窗口数与每窗口人数应为 1–50"})
    office = Office.objects.filter(region_code=region_code, name=name).first()
    if office is not None:
        return office
    office = Office(
        region_code=region_code,
        name=name,
        address=address,
        phone=phone,
        slot_times=list(slot_times),
        per_window=per_window,
    )
    office.full_clean()
    office.save()
    Window.objects.bulk_create([Window(office=office, name=f"{n}号窗口") for n in range(1, windows + 1)])
    return office


def _workdays_ahead(start: dt.date, count: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = start
    while len(days) < count:
        day += dt.timedelta(days=1)
        if is_workday(day):
            days.append(day)
    return days


def slots_ensure(*, office: Office, today: dt.date | None = None, days: int = BOOKING_DAYS) -> None:
    """Slots of the next `days` working days after today (idempotent; existing slots keep
    their capacity and bookings)."""
    today = today or timezone.localdate()
    capacity = office.windows.filter(is_active=True).count() * office.per_window
    if capacity <= 0:
        return
    rows = [
        Slot(region_code=office.region_code, office=office, day=day, start=start, end=end, capacity=capacity)
        for day in _workdays_ahead(today, days)
        for start, end in _times(office.slot_times)
    ]
    Slot.objects.bulk_create(rows, ignore_conflicts=True)


def no_show_block_until(*, citizen: Citizen, today: dt.date | None = None) -> dt.date | None:
    """The day booking opens again, when the citizen has too many recent no-shows."""
    today = today or timezone.localdate()
    days = list(
        Appointment.objects.filter(
            citizen=citizen, status=AppointmentStatus.NO_SHOW, slot__day__gt=today - NO_SHOW_WINDOW
        )
        .order_by("-slot__day")
        .values_list("slot__day", flat=True)
    )
    if len(days) < NO_SHOW_LIMIT:
        return None
    until = days[0] + NO_SHOW_BLOCK
    return until if until > today else None


def _slot_start(slot: Slot) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(slot.day, slot.start))


def appointment_book(*, citizen: Citizen, slot_id: int, business_type: str = "") -> Appointment:
    if not citizen.is_verified:
        raise Forbidden(code="not_verified", message="请先完成实名核验再预约")
    if business_type and business_type not in business_types():
        raise invalid_fields({"business_type": "办理事项无效"})
    until = no_show_block_until(citizen=citizen)
    if until is not None:
        raise Conflict(
            code="booking_blocked",
            message=f"您近90天内有{NO_SHOW_LIMIT}次预约未到场，{until:%Y-%m-%d}前不能预约",
        )
    slot = Slot.objects.select_related("office").filter(pk=slot_id, office__is_active=True).first()
    if slot is None:
        raise NotFound(code="slot_not_found", message="预约时段不存在")
    if _slot_start(slot) <= timezone.now():
        raise Conflict(code="slot_past", message="该时段已开始或已过，不能预约")
    active = Appointment.objects.filter(
        citizen=citizen, status=AppointmentStatus.BOOKED, slot__day__gte=timezone.localdate()
    ).count()
    if active >= MAX_ACTIVE:
        raise Conflict(code="too_many_bookings", message=f"您已有{MAX_ACTIVE}个未办理的预约，请先办理或取消")
    try:
        with transaction.atomic():
            taken = Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1)
            if not taken:
                raise Conflict(code="slot_full", message="该时段已约满，请选择其他时段")
            appointment = Appointment(
                region_code=slot.region_code, citizen=citizen, slot=slot, business_type=business_type
            )
            appointment.full_clean(validate_constraints=False)
            appointment.save()
    except IntegrityError as exc:
        raise Conflict(code="already_booked", message="您已预约该时段") from exc
    return appointment


def appointment_cancel(*, citizen: Citizen, appointment_id: int) -> Appointment:
    """Cancel one's own booking before the slot starts; the place returns to the slot."""
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update()
            .select_related("slot")
            .filter(pk=appointment_id, citizen=citizen)
            .first()
        )
        if appointment is None:
            raise NotFound(code="appointment_not_found", message="预约不存在")
        if appointment.status != AppointmentStatus.BOOKED:
            raise Conflict(code="not_booked", message="该预约不是“已预约”状态，不能取消")
        if _slot_start(appointment.slot) <= timezone.now():
            raise Conflict(code="slot_past", message="预约时段已开始，不能取消")
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancelled_at = timezone.now()
        appointment.save(update_fields=["status", "cancelled_at"])
        Slot.objects.filter(pk=appointment.slot_id, booked__gt=0).update(booked=F("booked") - 1)
    return appointment


def appointment_mark(*, appointment_id: int, attended: bool, by: User) -> Appointment:
    """Staff record 到场 or 未到场 on or after the slot's day (page `portal.appointments`)."""
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update().select_related("slot").filter(pk=appointment_id).first()
        )
        if appointment is None:
            raise NotFound(code="appointment_not_found", message="预约不存在")
        require_tenant(user=by, region_code=appointment.region_code)
        require_page(user=by, page=APPOINTMENTS_PAGE, write=True)
        if appointment.status != AppointmentStatus.BOOKED:
            raise Conflict(code="not_booked", message="该预约已登记或已取消")
        if appointment.slot.day > timezone.localdate():
            raise Conflict(code="not_yet", message="预约日期未到，不能登记到场情况")
        appointment.status = AppointmentStatus.ATTENDED if attended else AppointmentStatus.NO_SHOW
        appointment.marked_at = timezone.now()
        appointment.marked_by = by
        appointment.save(update_fields=["status", "marked_at", "marked_by"])
        audit_record(
            actor=by,
            action="portal.appointment_mark",
            object_type="portal.appointment",
            object_id=str(appointment.pk),
            region_code=appointment.region_code,
            detail={"status": appointment.status},
        )
    return appointment


def _locked_for_desk(appointment_id: int, by: User) -> Appointment:
    appointment = (
        Appointment.objects.select_for_update().select_related("slot").filter(pk=appointment_id).first()
    )
    if appointment is None:
        raise NotFound(code="appointment_not_found", message="预约不存在")
    require_tenant(user=by, region_code=appointment.region_code)
    require_page(user=by, page=APPOINTMENTS_PAGE, write=True)
    return appointment


def appointment_call(*, appointment_id: int, window_id: int, by: User) -> Appointment:
    """叫号: a checked-in (到场) person is called to a window of the slot's office; the wait
    counted in the service statistics runs from 到场 to this moment. Calling again (another
    window) keeps the first call time."""
    with transaction.atomic():
        appointment = _locked_for_desk(appointment_id, by)
        if appointment.status != AppointmentStatus.ATTENDED or appointment.served_at is not None:
            raise Conflict(code="not_waiting", message="只能对已到场、未办结的预约叫号")
        window = Window.objects.filter(
            pk=window_id, office_id=appointment.slot.office_id, is_active=True
        ).first()
        if window is None:
            raise invalid_fields({"window": "请选择本大厅的窗口"})
        appointment.window = window
        appointment.called_at = appointment.called_at or timezone.now()
        appointment.save(update_fields=["window", "called_at"])
        audit_record(
            actor=by,
            action="portal.appointment_call",
            object_type="portal.appointment",
            object_id=str(appointment.pk),
            region_code=appointment.region_code,
            detail={"window": window.name},
        )
    return appointment


def appointment_serve(*, appointment_id: int, by: User) -> Appointment:
    """办结: the called person's business at the window is done (counted as served)."""
    with transaction.atomic():
        appointment = _locked_for_desk(appointment_id, by)
        if appointment.called_at is None or appointment.served_at is not None:
            raise Conflict(code="not_called", message="只能对已叫号、未办结的预约办结")
        appointment.served_at = timezone.now()
        appointment.served_by = by
        appointment.save(update_fields=["served_at", "served_by"])
        audit_record(
            actor=by,
            action="portal.appointment_serve",
            object_type="portal.appointment",
            object_id=str(appointment.pk),
            region_code=appointment.region_code,
        )
    return appointment
