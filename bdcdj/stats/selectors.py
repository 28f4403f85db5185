"""Aggregate reads behind the statistics pages.

Every figure is counted in the database (GROUP BY with conditional counts) over the user's
districts and a date range of local days; Python only names and merges the grouped rows, whose
number is bounded by business types, months or statuses — never by cases.

`stats` is a reporting read model across apps (cases, certs, payments, portal, sharing,
accounts' audit log): it reads their tables directly, read-only, instead of adding one
aggregate selector per figure to each of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from bdcdj.accounts.models import AuditLog
from bdcdj.accounts.selectors import AnyUser, require_page, tenant_codes, user_can
from bdcdj.cases.models import Case, CaseCertificate, CaseStatus, DocumentKind, Fee
from bdcdj.cases.workflows import business_types
from bdcdj.certs.models import CertificateVersion, VersionStatus
from bdcdj.core.errors import InvalidInput
from bdcdj.payments.models import OrderStatus, PaymentOrder
from bdcdj.portal.models import Application, Appointment, AppointmentStatus, Rating
from bdcdj.sharing.kinds import KINDS
from bdcdj.sharing.models import CheckStatus, SharingCheck

MAX_DAYS = 3 * 366
Row = dict[str, Any]


@dataclass(frozen=True)
class Scope:
    """Districts and local days [start, end] a statistics page covers."""

    regions: frozenset[str]
    start: dt.date
    end: dt.date

    @property
    def since(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def until(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min))

    def between(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.since, f"{field}__lt": self.until})


def scope_for(*, user: AnyUser, start: dt.date | None, end: dt.date | None, region: str = "") -> Scope:
    """The user's districts (or one of them) and the range; defaults to the last 30 days."""
    require_page(user=user, page="stats.dashboard")
    today = timezone.localdate()
    end = end or today
    start = start or end - dt.timedelta(days=29)
    if start > end:
        raise InvalidInput(
            code="range_invalid", message="开始日期不能晚于结束日期", fields={"start": "晚于结束日期"}
        )
    if (end - start).days > MAX_DAYS:
        raise InvalidInput(code="range_too_long", message="统计区间最长三年", fields={"start": "区间过长"})
    codes = tenant_codes(user=user)
    if region:
        if region not in codes:
            raise InvalidInput(
                code="region_invalid", message="无权查看该行政区", fields={"region": "无权查看"}
            )
        codes = frozenset({region})
    return Scope(frozenset(codes), start, end)


def _month(value: dt.datetime | dt.date | None) -> str:
    return f"{value:%Y-%m}" if value else ""


def _type_name(code: str) -> str:
    bt = business_types().get(code)
    return bt.name if bt else code


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1")) if whole else None


def _status_counts() -> dict[str, Count]:
    return {f"s{value}": Count("id", filter=Q(status=value)) for value in CaseStatus.values}


def _received(scope: Scope) -> Any:
    return Case.objects.filter(scope.between("created_at"), region_code__in=scope.regions)


def cases_by_business_type(scope: Scope) -> list[Row]:
    rows = _received(scope).values("business_type").annotate(total=Count("id"), **_status_counts()).order_by()
    return [{**r, "name": _type_name(r["business_type"])} for r in rows]


def cases_by_status(scope: Scope) -> list[Row]:
    labels = dict(CaseStatus.choices)
    rows = _received(scope).values("status").annotate(total=Count("id")).order_by()
    return [
        {"status": r["status"], "name": labels.get(r["status"], r["status"]), "total": r["total"]}
        for r in rows
    ]


def cases_by_office(scope: Scope) -> list[Row]:
    """受理机构: the organisation of the staff member who took the case in (收件)."""
    rows = (
        _received(scope)
        .values("region_code", "created_by__organisation__name")
        .annotate(total=Count("id"), **_status_counts())
        .order_by()
    )
    return [{**r, "office": r.pop("created_by__organisation__name") or "（未设机构）"} for r in rows]


def cases_by_month(scope: Scope) -> list[Row]:
    rows = (
        _received(scope)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            total=Count("id"), accepted=Count("id", filter=Q(accepted_at__isnull=False)), **_status_counts()
        )
        .order_by()
    )
    return [{**r, "month": _month(r["month"])} for r in rows]


def completion_vs_limit(scope: Scope) -> list[Row]:
    """Cases completed (办结) in the range per business type and legal limit: on time when the
    completion day is not after the deadline (which already counts working days and
    suspensions)."""
    rows = (
        Case.objects.filter(
            scope.between("completed_at"), region_code__in=scope.regions, deadline__isnull=False
        )
        .annotate(done_day=TruncDate("completed_at", tzinfo=timezone.get_current_timezone()))
        .values("business_type", "time_limit_workdays")
        .annotate(completed=Count("id"), on_time=Count("id", filter=Q(done_day__lte=F("deadline"))))
        .order_by()
    )
    out = []
    for r in rows:
        late = r["completed"] - r["on_time"]
        out.append(
            {
                **r,
                "name": _type_name(r["business_type"]),
                "late": late,
                "rate": _rate(r["on_time"], r["completed"]),
            }
        )
    return out


def overdue_running(scope: Scope) -> int:
    """Running cases past their deadline today (suspended cases wait for the applicant)."""
    return Case.objects.filter(
        region_code__in=scope.regions,
        status=CaseStatus.RUNNING,
        accepted_at__isnull=False,
        completed_at__isnull=True,
        deadline__lt=timezone.localdate(),
    ).count()


def fees_by_business_type(scope: Scope) -> list[Row]:
    """Fee items of cases accepted in the range: charged and waived (减免) amounts."""
    rows = (
        Fee.objects.filter(scope.between("case__accepted_at"), case__region_code__in=scope.regions)
        .values("case__business_type")
        .annotate(
            items=Count("id"),
            due=Sum("amount"),
            charged=Sum("amount", filter=Q(waived=False)),
            waived_items=Count("id", filter=Q(waived=True)),
            waived=Sum("amount", filter=Q(waived=True)),
        )
        .order_by()
    )
    return [
        {
            "business_type": r["case__business_type"],
            "name": _type_name(r["case__business_type"]),
            "items": r["items"],
            "amount": r["due"] or Decimal("0"),
            "charged": r["charged"] or Decimal("0"),
            "waived_items": r["waived_items"],
            "waived": r["waived"] or Decimal("0"),
        }
        for r in rows
    ]


def payments_by_month(scope: Scope) -> list[Row]:
    rows = (
        PaymentOrder.objects.filter(
            scope.between("paid_at"), region_code__in=scope.regions, status=OrderStatus.PAID
        )
        .annotate(month=TruncMonth("paid_at"))
        .values("month")
        .annotate(orders=Count("id"), amount=Sum("amount"))
        .order_by()
    )
    return [
        {"month": _month(r["month"]), "orders": r["orders"], "amount": r["amount"] or Decimal("0")}
        for r in rows
    ]


def certificates_by_month(scope: Scope) -> list[Row]:
    """证书/证明 issued (发证) per month and kind, and e-certificate versions voided."""
    issued = (
        CaseCertificate.objects.filter(scope.between("issued_at"), region_code__in=scope.regions)
        .annotate(month=TruncMonth("issued_at"))
        .values("month")
        .annotate(
            certificates=Count("id", filter=Q(kind=DocumentKind.CERTIFICATE)),
            proofs=Count("id", filter=Q(kind=DocumentKind.PROOF)),
        )
        .order_by()
    )
    voided = (
        CertificateVersion.objects.filter(
            scope.between("voided_at"), region_code__in=scope.regions, status=VersionStatus.VOIDED
        )
        .annotate(month=TruncMonth("voided_at"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    return _merge_months(
        ("certificates", "proofs", "voided"),
        [({"certificates": r["certificates"], "proofs": r["proofs"]}, r["month"]) for r in issued],
        [({"voided": r["n"]}, r["month"]) for r in voided],
    )


def _merge_months(columns: tuple[str, ...], *sources: list[tuple[Row, Any]]) -> list[Row]:
    merged: dict[str, Row] = {}
    for source in sources:
        for values, month in source:
            row = merged.setdefault(_month(month), {"month": _month(month), **dict.fromkeys(columns, 0)})
            row.update(values)
    return list(merged.values())


def portal_by_month(scope: Scope) -> list[Row]:
    """Online applications, appointments (booked, attended, no-show) and portal logins."""

    def monthly(qs: Any, field: str, **counts: Any) -> list[tuple[Row, Any]]:
        rows = qs.annotate(month=TruncMonth(field)).values("month").annotate(**counts).order_by()
        return [({k: r[k] for k in counts}, r["month"]) for r in rows]

    regions = scope.regions
    return _merge_months(
        ("applications", "appointments", "attended", "no_show", "logins"),
        monthly(
            Application.objects.filter(scope.between("submitted_at"), region_code__in=regions),
            "submitted_at",
            applications=Count("id"),
        ),
        monthly(
            Appointment.objects.filter(scope.between("created_at"), region_code__in=regions),
            "created_at",
            appointments=Count("id"),
            attended=Count("id", filter=Q(status=AppointmentStatus.ATTENDED)),
            no_show=Count("id", filter=Q(status=AppointmentStatus.NO_SHOW)),
        ),
        monthly(
            AuditLog.objects.filter(
                scope.between("at"), region_code__in=regions, action="portal.login", outcome="ok"
            ),
            "at",
            logins=Count("id"),
        ),
    )


def ratings_by_business_type(scope: Scope) -> list[Row]:
    """好差评 per business type: count, average and the good (4–5) / medium (3) / bad (1–2) split."""
    rows = (
        Rating.objects.filter(scope.between("created_at"), region_code__in=scope.regions)
        .values("business_type")
        .annotate(
            ratings=Count("id"),
            average=Avg("score"),
            good=Count("id", filter=Q(score__gte=4)),
            medium=Count("id", filter=Q(score=3)),
            bad=Count("id", filter=Q(score__lte=2)),
        )
        .order_by()
    )
    return [
        {
            **r,
            "name": _type_name(r["business_type"]) if r["business_type"] else "（窗口服务）",
            "average": Decimal(str(r["average"] or 0)).quantize(Decimal("0.01")),
            "good_rate": _rate(r["good"], r["ratings"]),
        }
        for r in rows
    ]


def service_by_window(scope: Scope, *, user: AnyUser) -> list[Row]:
    """Per office/window service (served, waiting, ratings) from the portal's own selector;
    empty for users without the 好差评统计 page."""
    if not user_can(user=user, page="portal.ratings"):
        return []
    from bdcdj.portal.selectors import service_stats

    rows = service_stats(user=user, start=scope.start, end=scope.end)
    return [
        {
            "office": s.office_name,
            "window": s.window_name or "（非窗口）",
            "served": s.served,
            "wait_avg_minutes": s.wait_avg_minutes,
            "ratings": s.ratings,
            "good": s.good,
            "bad": s.bad,
            "rating_average": s.rating_average,
        }
        for s in rows
        if s.region_code in scope.regions
    ]


def sharing_by_kind(scope: Scope) -> list[Row]:
    """Department sharing calls (共享核验) archived in the range per interface kind."""
    rows = (
        SharingCheck.objects.filter(scope.between("created_at"), region_code__in=scope.regions)
        .values("kind")
        .annotate(
            total=Count("id"),
            ok=Count("id", filter=Q(status=CheckStatus.OK)),
            mismatch=Count("id", filter=Q(status__in=[CheckStatus.MISMATCH, CheckStatus.NOT_FOUND])),
            unavailable=Count("id", filter=Q(status=CheckStatus.UNAVAILABLE)),
            pending=Count("id", filter=Q(status=CheckStatus.PENDING)),
            latency=Avg("latency_ms"),
            attempts=Sum("attempts"),
        )
        .order_by()
    )
    return [
        {
            **r,
            "name": KINDS[r["kind"]].label if r["kind"] in KINDS else r["kind"],
            "latency": int(r["latency"]) if r["latency"] is not None else None,
        }
        for r in rows
    ]


@dataclass(frozen=True)
class Summary:
    received: int
    completed: int
    on_time_rate: Decimal | None
    overdue: int
    fees_charged: Decimal
    fees_waived: Decimal
    certificates: int
    applications: int
    ratings: int
    rating_average: Decimal | None
    sharing_calls: int


def summary(scope: Scope) -> Summary:
    """The dashboard's tiles, each one aggregate query."""
    done = completion_vs_limit(scope)
    completed, on_time = sum(r["completed"] for r in done), sum(r["on_time"] for r in done)
    fees = Fee.objects.filter(
        scope.between("case__accepted_at"), case__region_code__in=scope.regions
    ).aggregate(charged=Sum("amount", filter=Q(waived=False)), waived=Sum("amount", filter=Q(waived=True)))
    rating = Rating.objects.filter(scope.between("created_at"), region_code__in=scope.regions).aggregate(
        n=Count("id"), avg=Avg("score")
    )
    return Summary(
        received=_received(scope).count(),
        completed=completed,
        on_time_rate=_rate(on_time, completed),
        overdue=overdue_running(scope),
        fees_charged=fees["charged"] or Decimal("0"),
        fees_waived=fees["waived"] or Decimal("0"),
        certificates=CaseCertificate.objects.filter(
            scope.between("issued_at"), region_code__in=scope.regions
        ).count(),
        applications=Application.objects.filter(
            scope.between("submitted_at"), region_code__in=scope.regions
        ).count(),
        ratings=rating["n"],
        rating_average=Decimal(str(rating["avg"])).quantize(Decimal("0.01"))
        if rating["avg"] is not None
        else None,
        sharing_calls=SharingCheck.objects.filter(
            scope.between("created_at"), region_code__in=scope.regions
        ).count(),
    )


ReportQuery = Callable[..., list[Row]]
