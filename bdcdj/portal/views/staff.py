"""Console pages of the portal (staff login, page permissions): the development SMS outbox,
attendance of appointments, and the 好差评 statistics."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bdcdj.accounts.decorators import page_required
from bdcdj.accounts.selectors import tenant_codes
from bdcdj.cases.workflows import business_types
from bdcdj.core.errors import DomainError, invalid_fields
from bdcdj.core.xlsx import xlsx_bytes, xlsx_response
from bdcdj.portal.models import Office, Window
from bdcdj.portal.selectors import (
    SERVICE_ORDERS,
    appointments_for_day,
    kiosk_devices,
    rating_stats,
    service_stats,
    sms_outbox,
)
from bdcdj.portal.services import (
    appointment_call,
    appointment_mark,
    appointment_serve,
    kiosk_device_disable,
    kiosk_device_register,
)
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
    windows: dict[int, list[Window]] = {}
    for window in Window.objects.filter(office_id__in={a.slot.office_id for a in rows}, is_active=True):
        windows.setdefault(window.office_id, []).append(window)
    return render(
        request,
        "portal/console/attendance.html",
        {
            "rows": rows,
            "windows": windows,
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


@page_required("portal.appointments", write=True)
@require_POST
def desk(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """叫号 (to a window) or 办结 at the window."""
    back = f"{reverse('portal_admin:attendance')}?day={request.POST.get('day', '')}"
    raw = request.POST.get("window", "")
    try:
        if request.POST.get("action") == "serve":
            appointment_serve(appointment_id=appointment_id, by=request.user)  # type: ignore[arg-type]
            messages.success(request, "已办结")
        else:
            appointment = appointment_call(
                appointment_id=appointment_id,
                window_id=int(raw) if raw.isdigit() else 0,
                by=request.user,  # type: ignore[arg-type]
            )
            messages.success(request, f"已叫号至{appointment.window}")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(back)


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


SERVICE_PAGE_SIZE = 20
SERVICE_HEADERS = [
    "办事大厅",
    "窗口",
    "办结人数",
    "有等候记录",
    "平均等候（分钟）",
    "最长等候（分钟）",
    "评价数",
    "好评",
    "中评",
    "差评",
    "平均分",
]


def _date(raw: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return default


@page_required("portal.ratings")
def service(request: HttpRequest) -> HttpResponse:
    """服务统计 per office and window over a date range: table (sortable, paginated), chart, XLSX."""
    today = timezone.localdate()
    start = _date(request.GET.get("start", ""), today.replace(day=1))
    end = _date(request.GET.get("end", ""), today)
    if end < start:
        start, end = end, start
    order = request.GET.get("sort", "office")
    order = order if order.lstrip("-") in SERVICE_ORDERS else "office"
    stats = service_stats(user=request.user, start=start, end=end, order=order)
    if request.GET.get("format") == "xlsx":
        content, _ = xlsx_bytes(
            sheet_title="服务统计",
            headers=SERVICE_HEADERS,
            rows=(
                [
                    s.office_name,
                    s.window_name or "（未关联窗口）",
                    s.served,
                    s.waited,
                    s.wait_avg_minutes,
                    s.wait_max_minutes,
                    s.ratings,
                    s.good,
                    s.medium,
                    s.bad,
                    s.rating_average,
                ]
                for s in stats
            ),
        )
        return xlsx_response(filename=f"服务统计-{start:%Y%m%d}-{end:%Y%m%d}.xlsx", content=content)
    page = Paginator(stats, SERVICE_PAGE_SIZE).get_page(page_number(request))
    chart = {
        "labels": [f"{s.office_name} {s.window_name or '未关联窗口'}" for s in stats],
        "served": [s.served for s in stats],
        "wait": [float(s.wait_avg_minutes) for s in stats],
        "good": [s.good for s in stats],
        "medium": [s.medium for s in stats],
        "bad": [s.bad for s in stats],
    }
    query = {"start": f"{start:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}"}
    return render(
        request,
        "portal/console/service.html",
        {
            "page": page,
            "stats": stats,
            "chart": chart,
            "start": start,
            "end": end,
            "sort": order,
            "query": urlencode(query),
            "query_sorted": urlencode({**query, "sort": order}),
            "columns": [
                ("office", "办事大厅 / 窗口"),
                ("served", "办结人数"),
                ("wait", "平均等候（分钟）"),
                ("ratings", "评价数"),
                ("bad", "差评"),
                ("average", "平均分"),
            ],
        },
    )


@page_required("portal.kiosks")
def kiosks(request: HttpRequest) -> HttpResponse:
    """自助终端登记: the terminals of the user's districts; register one (secret shown once)."""
    order = request.GET.get("sort", "device")
    context: dict[str, object] = {"sort": order, "errors": {}}
    status = 200
    if request.method == "POST":
        raw_office, raw_window = request.POST.get("office", ""), request.POST.get("window", "")
        office = Office.objects.filter(
            pk=int(raw_office) if raw_office.isdigit() else 0, region_code__in=tenant_codes(user=request.user)
        ).first()
        window = (
            Window.objects.filter(pk=int(raw_window), office=office).first() if raw_window.isdigit() else None
        )
        try:
            if office is None:
                raise invalid_fields({"office": "请选择办事大厅"})
            device, secret = kiosk_device_register(
                office=office,
                device_id=request.POST.get("device_id", ""),
                name=request.POST.get("name", ""),
                window=window,
                by=request.user,  # type: ignore[arg-type]
            )
            context.update(registered=device, secret=secret)
        except DomainError as exc:
            context.update(error=exc.message, errors=exc.fields)
            status = exc.status_code
    context["page"] = kiosk_devices(user=request.user, page=page_number(request), order=order)
    context["offices"] = Office.objects.filter(
        region_code__in=tenant_codes(user=request.user), is_active=True
    )
    return render(request, "portal/console/kiosks.html", context, status=status)


@page_required("portal.kiosks", write=True)
@require_POST
def kiosk_disable(request: HttpRequest, device_pk: int) -> HttpResponse:
    try:
        device = kiosk_device_disable(device_pk=device_pk, by=request.user)  # type: ignore[arg-type]
        messages.success(request, f"已停用 {device}")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("portal_admin:kiosks")
