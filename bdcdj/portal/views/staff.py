"""Console pages of the portal (staff login, page permissions): the development SMS outbox,
attendance of appointments, and the 好差评 statistics."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bdcdj.accounts.decorators import page_required
from bdcdj.cases.workflows import business_types
from bdcdj.core.errors import DomainError
from bdcdj.core.xlsx import xlsx_bytes, xlsx_response
from bdcdj.portal.selectors import appointments_for_day, rating_stats, sms_outbox
from bdcdj.portal.services import appointment_mark
from bdcdj.portal.sms import phone_index
from bdcdj.portal.views.common import page_number


@page_required("portal.sms")
def outbox(request: HttpRequest) -> HttpResponse:
    phone = "".join(request.GET.get("phone", "").split())[:20]
    page = sms_outbox(
        user=request.user, page=page_number(request), phone_index=phone_index(phone) if phone else ""
    )
    return render(request, "portal/console/outbox.html", {"page": page, "phone": phone})


def _day(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return dt.date.today()


@page_required("portal.appointments")
def attendance(request: HttpRequest) -> HttpResponse:
    day = _day(request.GET.get("day", ""))
    rows = appointments_for_day(user=request.user, day=day)
    names = {code: bt.name for code, bt in business_types().items()}
    return render(
        request,
        "portal/console/attendance.html",
        {
            "rows": rows,
            "day": day,
            "names": names,
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
        },
    )


@page_required("portal.appointments", write=True)
@require_POST
def mark(request: HttpRequest, appointment_id: int) -> HttpResponse:
    try:
        appointment = appointment_mark(
            appointment_id=appointment_id,
            attended=request.POST.get("attended") == "1",
            by=request.user,  # type: ignore[arg-type]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('portal_admin:attendance')}?day={request.POST.get('day', '')}")
    messages.success(request, f"已登记：{appointment.get_status_display()}")
    return redirect(f"{reverse('portal_admin:attendance')}?day={appointment.slot.day:%Y-%m-%d}")


@page_required("portal.ratings")
def ratings(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("business_type", "")
    code = code if code in business_types() else ""
    stats = rating_stats(user=request.user, business_type=code)
    if request.GET.get("format") == "xlsx":
        content, _ = xlsx_bytes(
            sheet_title="好差评统计",
            headers=["月份", "业务类型", "评价数", "平均分", "1分", "2分", "3分", "4分", "5分"],
            rows=([s.month, s.business_name, s.count, s.average, *s.distribution] for s in stats),
        )
        return xlsx_response(filename="好差评统计.xlsx", content=content)
    return render(
        request,
        "portal/console/ratings.html",
        {"stats": stats, "business_type": code, "business_types": list(business_types().values())},
    )
