import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from bdcdj.core.errors import Conflict, Forbidden, NotFound
from bdcdj.core.workdays import is_workday
from bdcdj.portal.models import Appointment, AppointmentStatus, Slot
from bdcdj.portal.services import (
    appointment_book,
    appointment_cancel,
    appointment_mark,
    office_ensure,
    slots_ensure,
)
from bdcdj.portal.services.appointments import no_show_block_until
from bdcdj.portal.tests.conftest import OTHER_REGION, REGION

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(districts):
    office = office_ensure(region_code=REGION, name="长丰县不动产登记中心办事大厅", windows=2, per_window=1)
    slots_ensure(office=office)
    return office


def _first_slot(office):
    return Slot.objects.filter(office=office).order_by("day", "start").first()


def test_slots_are_made_for_working_days_only_with_windows_times_capacity(office):
    days = sorted(set(Slot.objects.filter(office=office).values_list("day", flat=True)))
    assert len(days) == 10
    assert all(is_workday(day) for day in days)
    assert all(day > timezone.localdate() for day in days)
    assert set(Slot.objects.values_list("capacity", flat=True)) == {2}
    slots_ensure(office=office)  # idempotent
    assert Slot.objects.filter(office=office).count() == 10 * 6


def test_booking_takes_a_place_and_cancelling_gives_it_back(office, verified):
    citizen = verified(0)
    slot = _first_slot(office)
    appointment = appointment_book(citizen=citizen, slot_id=slot.pk, business_type="house_transfer_sale")
    slot.refresh_from_db()
    assert slot.booked == 1 and appointment.status == AppointmentStatus.BOOKED
    with pytest.raises(Conflict) as exc:
        appointment_book(citizen=citizen, slot_id=slot.pk)
    assert exc.value.code == "already_booked"
    slot.refresh_from_db()
    assert slot.booked == 1  # the refused second booking took nothing
    appointment_cancel(citizen=citizen, appointment_id=appointment.pk)
    slot.refresh_from_db()
    assert slot.booked == 0
    with pytest.raises(Conflict):
        appointment_cancel(citizen=citizen, appointment_id=appointment.pk)


def test_a_full_slot_refuses_more_bookings(office, verified):
    slot = _first_slot(office)
    appointment_book(citizen=verified(0), slot_id=slot.pk)
    appointment_book(citizen=verified(1), slot_id=slot.pk)
    with pytest.raises(Conflict) as exc:
        appointment_book(citizen=verified(2), slot_id=slot.pk)
    assert exc.value.code == "slot_full"
    assert Appointment.objects.filter(slot=slot).count() == 2


def test_an_unverified_citizen_cannot_book(office, make_citizen):
    with pytest.raises(Forbidden):
        appointment_book(citizen=make_citizen(), slot_id=_first_slot(office).pk)


def test_another_citizens_booking_cannot_be_cancelled(office, verified):
    appointment = appointment_book(citizen=verified(0), slot_id=_first_slot(office).pk)
    with pytest.raises(NotFound):
        appointment_cancel(citizen=verified(1), appointment_id=appointment.pk)


def _no_show(citizen, office, staff, *, days_ago: int):
    slot = Slot.objects.filter(office=office, booked=0).order_by("day", "start").first()
    appointment = appointment_book(citizen=citizen, slot_id=slot.pk)
    Slot.objects.filter(pk=slot.pk).update(day=timezone.localdate() - dt.timedelta(days=days_ago))
    return appointment_mark(appointment_id=appointment.pk, attended=False, by=staff)


def test_three_no_shows_in_90_days_block_booking_for_30_days(office, verified, make_staff):
    clerk = make_staff(roles=("clerk",))
    citizen = verified(0)
    _no_show(citizen, office, clerk, days_ago=80)
    _no_show(citizen, office, clerk, days_ago=20)
    assert no_show_block_until(citizen=citizen) is None
    _no_show(citizen, office, clerk, days_ago=5)
    until = no_show_block_until(citizen=citizen)
    assert until == timezone.localdate() + dt.timedelta(days=25)
    with pytest.raises(Conflict) as exc:
        appointment_book(citizen=citizen, slot_id=_first_slot(office).pk)
    assert exc.value.code == "booking_blocked"
    assert no_show_block_until(citizen=citizen, today=timezone.localdate() + dt.timedelta(days=25)) is None


def test_old_no_shows_do_not_block(office, verified, make_staff):
    clerk = make_staff(roles=("clerk",))
    citizen = verified(0)
    for days_ago in (120, 100, 10):
        _no_show(citizen, office, clerk, days_ago=days_ago)
    assert no_show_block_until(citizen=citizen) is None


def test_attendance_needs_the_page_the_district_and_the_day(office, verified, make_staff):
    appointment = appointment_book(citizen=verified(0), slot_id=_first_slot(office).pk)
    clerk = make_staff(roles=("clerk",))
    with pytest.raises(Conflict) as exc:
        appointment_mark(appointment_id=appointment.pk, attended=True, by=clerk)
    assert exc.value.code == "not_yet"
    Slot.objects.filter(pk=appointment.slot_id).update(day=timezone.localdate())
    with pytest.raises(Forbidden):
        appointment_mark(appointment_id=appointment.pk, attended=True, by=make_staff(roles=("reviewer",)))
    with pytest.raises(Forbidden):
        appointment_mark(
            appointment_id=appointment.pk,
            attended=True,
            by=make_staff(roles=("clerk",), regions=(OTHER_REGION,)),
        )
    marked = appointment_mark(appointment_id=appointment.pk, attended=True, by=clerk)
    assert marked.status == AppointmentStatus.ATTENDED and marked.marked_by == clerk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_never_overbook_a_slot(office, verified):
    citizens = [verified(i) for i in range(8)]
    slot = _first_slot(office)
    Slot.objects.filter(pk=slot.pk).update(capacity=3)
    barrier = threading.Barrier(len(citizens))
    outcomes: list[str] = []
    lock = threading.Lock()

    def book(citizen):
        try:
            barrier.wait()
            appointment_book(citizen=citizen, slot_id=slot.pk)
            result = "ok"
        except Conflict as exc:
            result = exc.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=book, args=(c,)) for c in citizens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    slot.refresh_from_db()
    assert sorted(outcomes) == ["ok"] * 3 + ["slot_full"] * 5
    assert slot.booked == 3
    assert Appointment.objects.filter(slot=slot, status=AppointmentStatus.BOOKED).count() == 3
