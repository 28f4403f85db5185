"""Reads of the window service: statistics per office and window (served, waits, 好差评) and
the registry of self-service terminals. Staff reads, limited to the user's districts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils import timezone

from bdcdj.accounts.selectors import AnyUser, require_page, tenant_codes
from bdcdj.portal.models import Appointment, KioskDevice, Office, Rating, Window

DEVICES_PAGE_SIZE = 30


# ---------------------------------------------------------------- service per office and window


@dataclass(frozen=True)
class ServiceStat:
    """One office × window over a date range. `window_id` None: not at a window (a terminal's
    own rating, or served before windows were recorded)."""

    region_code: str
    office_id: int
    office_name: str
    window_id: int | None
    window_name: str
    served: int  # appointments 办结 in the range
    waited: int  # of those, with 到场 and 叫号 times
    wait_avg_minutes: Decimal
    wait_max_minutes: Decimal
    ratings: int
    good: int  # 4–5
    medium: int  # 3
    bad: int  # 1–2
    rating_average: Decimal


SERVICE_ORDERS = ("office", "served", "wait", "ratings", "average", "bad")


def _range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


def _minutes(seconds: float) -> Decimal:
    return (Decimal(seconds) / Decimal(60)).quantize(Decimal("0.1"))


def service_stats(
    *, user: AnyUser, start: dt.date, end: dt.date, office_id: int | None = None, order: str = "office"
) -> list[ServiceStat]:
    """Served count, waiting time (到场 → 叫号) and 好差评 per office and window in the user's
    districts, `start`–`end` inclusive (local days). Online case ratings (no office) are not
    here; they are in `rating_stats`."""
    require_page(user=user, page="portal.ratings")
    if end < start:
        start, end = end, start
    since, until = _range(start, end)
    codes = tenant_codes(user=user)
    served_qs = Appointment.objects.filter(
        region_code__in=codes, served_at__gte=since, served_at__lt=until
    ).values_list("slot__office_id", "window_id", "marked_at", "called_at")
    rated_qs = Rating.objects.filter(
        region_code__in=codes, office__isnull=False, created_at__gte=since, created_at__lt=until
    ).values_list("office_id", "window_id", "score")
    if office_id is not None:
        served_qs = served_qs.filter(slot__office_id=office_id)
        rated_qs = rated_qs.filter(office_id=office_id)
    acc: dict[tuple[int, int | None], dict[str, Any]] = defaultdict(
        lambda: {"served": 0, "waits": [], "scores": [0, 0, 0, 0, 0]}
    )
    for served_office, served_window, marked, called in served_qs.iterator():
        row = acc[(served_office, served_window)]
        row["served"] += 1
        if marked is not None and called is not None and called >= marked:
            row["waits"].append((called - marked).total_seconds())
    for rated_office, rated_window, score in rated_qs.iterator():
        acc[(rated_office, rated_window)]["scores"][score - 1] += 1
    found = Office.objects.filter(pk__in={k[0] for k in acc}).values_list("pk", "name", "region_code")
    offices = {pk: name for pk, name, _ in found}
    regions = {pk: region for pk, _, region in found}
    windows = dict(Window.objects.filter(pk__in={k[1] for k in acc if k[1]}).values_list("pk", "name"))
    stats = []
    for (office, window), row in acc.items():
        waits, dist = row["waits"], row["scores"]
        count = sum(dist)
        total = sum((i + 1) * n for i, n in enumerate(dist))
        stats.append(
            ServiceStat(
                region_code=regions.get(office, ""),
                office_id=office,
                office_name=offices.get(office, ""),
                window_id=window,
                window_name=windows.get(window, "") if window else "",
                served=row["served"],
                waited=len(waits),
                wait_avg_minutes=_minutes(sum(waits) / len(waits)) if waits else Decimal("0.0"),
                wait_max_minutes=_minutes(max(waits)) if waits else Decimal("0.0"),
                ratings=count,
                good=dist[3] + dist[4],
                medium=dist[2],
                bad=dist[0] + dist[1],
                rating_average=(Decimal(total) / Decimal(count)).quantize(Decimal("0.01"))
                if count
                else Decimal("0"),
            )
        )
    return _service_sorted(stats, order)


def _service_sorted(stats: list[ServiceStat], order: str) -> list[ServiceStat]:
    key = order.lstrip("-")
    key = key if key in SERVICE_ORDERS else "office"
    keys: dict[str, Any] = {
        "office": lambda s: (s.region_code, s.office_name, s.window_id is None, s.window_name),
        "served": lambda s: s.served,
        "wait": lambda s: s.wait_avg_minutes,
        "ratings": lambda s: s.ratings,
        "average": lambda s: s.rating_average,
        "bad": lambda s: s.bad,
    }
    return sorted(stats, key=keys[key], reverse=order.startswith("-"))


KIOSK_ORDERS = {
    "device": ("device_id",),
    "office": ("office__name", "device_id"),
    "seen": ("last_seen_at", "device_id"),
}


def kiosk_devices(*, user: AnyUser, page: int = 1, order: str = "device") -> Page:
    """Registered terminals of the user's districts, DEVICES_PAGE_SIZE per page."""
    require_page(user=user, page="portal.kiosks")
    fields = KIOSK_ORDERS.get(order.lstrip("-"), KIOSK_ORDERS["device"])
    ordering = [f"-{f}" if order.startswith("-") else f for f in fields]
    qs = (
        KioskDevice.objects.filter(region_code__in=tenant_codes(user=user))
        .select_related("office", "window")
        .order_by(*ordering, "id")
    )
    return Paginator(qs, DEVICES_PAGE_SIZE).get_page(page)
