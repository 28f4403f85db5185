"""预约: a district's offices and free slots, booking, the citizen's bookings and cancelling."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from bdcdj.core.errors import DomainError
from bdcdj.portal.selectors import my_appointments, office_get, offices_of, slots_by_day
from bdcdj.portal.services import appointment_book, appointment_cancel, slots_ensure
from bdcdj.portal.services.applications import district_get, online_business_types
from bdcdj.portal.services.appointments import no_show_block_until
from bdcdj.portal.views.common import citizen_page, render_page, the_citizen


@citizen_page
def book(request: HttpRequest, region: str) -> HttpResponse:
    citizen = the_citizen(request)
    offices = offices_of(region_code=region)
    office = None
    if offices:
        raw = request.GET.get("office", "")
        office = office_get(region_code=region, office_id=int(raw)) if raw.isdigit() else offices[0]
    context: dict[str, object] = {
        "tenant": district_get(region),
        "offices": offices,
        "office": office,
        "blocked_until": no_show_block_until(citizen=citizen),
        "business_types": online_business_types(),
        "days": [],
    }
    if office is not None:
        if request.method == "POST":
            raw_slot = request.POST.get("slot", "")
            try:
                appointment_book(
                    citizen=citizen,
                    slot_id=int(raw_slot) if raw_slot.isdigit() else 0,
                    business_type=request.POST.get("business_type", ""),
                )
            except DomainError as exc:
                context["error"] = exc
                context["days"] = slots_by_day(office=office)
                return render_page(request, "portal/book.html", context, status=exc.status_code)
            messages.success(request, "预约成功，请按时到办事大厅办理")
            return redirect("portal:appointments")
        slots_ensure(office=office)
        context["days"] = slots_by_day(office=office)
    return render_page(request, "portal/book.html", context)


@citizen_page
def appointments(request: HttpRequest) -> HttpResponse:
    citizen = the_citizen(request)
    return render_page(
        request,
        "portal/appointments.html",
        {
            "appointments": my_appointments(citizen=citizen),
            "blocked_until": no_show_block_until(citizen=citizen),
        },
    )


@citizen_page
@require_POST
def cancel(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment_cancel(citizen=the_citizen(request), appointment_id=appointment_id)
    messages.success(request, "预约已取消")
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(reverse("portal:appointments"))
    return redirect("portal:appointments")
