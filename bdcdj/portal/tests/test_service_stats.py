"""Window service: 叫号/办结 on the attendance page, kiosk ratings attributed to the window that
served the person, and the statistics per office and window (counts, waits, 好中差评)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from bdcdj.core.errors import Conflict
from bdcdj.portal.kiosk_hardware import CardData
from bdcdj.portal.models import Appointment, Rating, RatingChannel, Slot
from bdcdj.portal.selectors import service_stats
from bdcdj.portal.services import (
    appointment_book,
    appointment_call,
    appointment_mark,
    appointment_serve,
    kiosk_device_register,
    kiosk_rating_submit,
    office_ensure,
    slots_ensure,
)
from bdcdj.portal.tests.conftest import OTHER_REGION, PASSWORD, REGION

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(districts):
    office = office_ensure(region_code=REGION, name="长丰县不动产登记中心办事大厅", windows=2, per_window=3)
    slots_ensure(office=office)
    return office


def _served(citizen, office, clerk, *, wait_minutes: float, window) -> Appointment:
    """Book, then (today) 到场 → 叫号 → 办结, with the wait set to `wait_minutes`."""
    slot = Slot.objects.filter(office=office, day__gt=timezone.localdate()).order_by("day", "start").first()
    appointment = appointment_book(citizen=citizen, slot_id=slot.pk)
    Slot.objects.filter(pk=slot.pk).update(day=timezone.localdate())
    appointment_mark(appointment_id=appointment.pk, attended=True, by=clerk)
    appointment_call(appointment_id=appointment.pk, window_id=window.pk, by=clerk)
    called = timezone.now()
    Appointment.objects.filter(pk=appointment.pk).update(
        marked_at=called - dt.timedelta(minutes=wait_minutes), called_at=called
    )
    return appointment_serve(appointment_id=appointment.pk, by=clerk)


def test_serve_needs_a_call_and_a_call_needs_check_in(hall, verified, make_staff):
    clerk = make_staff(roles=("clerk",))
    citizen = verified(0)
    slot = Slot.objects.filter(office=hall).order_by("day", "start").first()
    appointment = appointment_book(citizen=citizen, slot_id=slot.pk)
    window = hall.windows.first()
    with pytest.raises(Conflict, match="已到场"):
        appointment_call(appointment_id=appointment.pk, window_id=window.pk, by=clerk)
    Slot.objects.filter(pk=slot.pk).update(day=timezone.localdate())
    appointment_mark(appointment_id=appointment.pk, attended=True, by=clerk)
    with pytest.raises(Conflict, match="已叫号"):
        appointment_serve(appointment_id=appointment.pk, by=clerk)
    client = Client()
    client.login(username=clerk.username, password=PASSWORD)
    day = f"{timezone.localdate():%Y-%m-%d}"
    page = client.get("/portal-admin/appointments/", {"day": day})
    assert f'data-testid="call-{appointment.pk}"' in page.content.decode()
    client.post(
        f"/portal-admin/appointments/{appointment.pk}/desk/",
        {"action": "call", "window": window.pk, "day": day},
    )
    client.post(f"/portal-admin/appointments/{appointment.pk}/desk/", {"action": "serve", "day": day})
    appointment.refresh_from_db()
    assert appointment.window == window and appointment.called_at and appointment.served_at
    assert appointment.served_by == clerk


def test_kiosk_rating_goes_to_the_window_that_served_the_person(hall, verified, make_staff, people):
    clerk = make_staff(roles=("clerk",))
    second = hall.windows.order_by("id")[1]
    citizen = verified(1)
    appointment = _served(citizen, hall, clerk, wait_minutes=10, window=second)
    device, _ = kiosk_device_register(office=hall, device_id="K-1", name="大厅终端")
    name, id_number = people[1]
    rating = kiosk_rating_submit(device=device, score=5, person=CardData(name, id_number))
    assert (rating.office, rating.window, rating.appointment, rating.citizen) == (
        hall,
        second,
        appointment,
        citizen,
    )
    assert rating.channel == RatingChannel.KIOSK
    # Served and rated: the next rating of the same person falls back to the terminal's place.
    again = kiosk_rating_submit(device=device, score=2, person=CardData(name, id_number))
    assert again.window is None and again.appointment is None and again.office == hall
    anonymous = kiosk_rating_submit(device=device, score=3)
    assert anonymous.citizen is None and anonymous.office == hall


def test_service_statistics_count_waits_and_ratings_per_window(hall, verified, make_staff, people):
    clerk = make_staff(roles=("clerk",))
    admin = make_staff(roles=("admin",))
    first, second = hall.windows.order_by("id")
    device, _ = kiosk_device_register(office=hall, device_id="K-2", name="大厅终端")
    for index, (wait, score) in enumerate(((12.5, 5), (7.5, 1))):
        citizen = verified(index + 2)
        _served(citizen, hall, clerk, wait_minutes=wait, window=second)
        name, id_number = people[index + 2]
        kiosk_rating_submit(device=device, score=score, person=CardData(name, id_number))
    _served(verified(4), hall, clerk, wait_minutes=3, window=first)
    kiosk_rating_submit(device=device, score=3)  # anonymous: the hall, no window
    today = timezone.localdate()
    rows = {s.window_id: s for s in service_stats(user=admin, start=today, end=today)}
    assert set(rows) == {first.pk, second.pk, None}
    at_second = rows[second.pk]
    assert (at_second.served, at_second.waited) == (2, 2)
    assert at_second.wait_avg_minutes == Decimal("10.0") and at_second.wait_max_minutes == Decimal("12.5")
    assert (at_second.ratings, at_second.good, at_second.medium, at_second.bad) == (2, 1, 0, 1)
    assert at_second.rating_average == Decimal("3.00")
    assert rows[first.pk].served == 1 and rows[first.pk].ratings == 0
    assert rows[None].served == 0 and rows[None].medium == 1
    by_served = service_stats(user=admin, start=today, end=today, order="-served")
    assert by_served[0].window_id == second.pk
    yesterday = today - dt.timedelta(days=1)
    assert service_stats(user=admin, start=yesterday, end=yesterday) == []
    outsider = make_staff(roles=("admin",), regions=(OTHER_REGION,))
    assert service_stats(user=outsider, start=today, end=today) == []
    client = Client()
    client.login(username=admin.username, password=PASSWORD)
    page = client.get("/portal-admin/service/", {"start": f"{today}", "end": f"{today}", "sort": "-wait"})
    text = page.content.decode()
    assert page.status_code == 200 and "2号窗口" in text and "10.0" in text and "service-chart" in text
    export = client.get("/portal-admin/service/", {"start": f"{today}", "end": f"{today}", "format": "xlsx"})
    assert export.status_code == 200 and export.content.startswith(b"PK")
    assert Rating.objects.filter(office__isnull=False).count() == 3
    client.login(username=clerk.username, password=PASSWORD)
    assert client.get("/portal-admin/service/").status_code == 403
