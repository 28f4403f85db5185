"""Reads about users: tenants, page permissions, PII visibility, the audit trail.

Every selector takes the acting user first and never returns another district's rows.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from bdcdj.accounts.models import AuditLog, Organisation, PagePermission, Role, Tenant, User, UserTenant
from bdcdj.accounts.pages import PAGES
from bdcdj.core.errors import Forbidden

AnyUser = User | AnonymousUser


def tenant_codes(*, user: AnyUser) -> frozenset[str]:
    """Region codes the user may act in. Anonymous and tenant-less users get none."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_tenant_codes", None)
    if cached is None:
        cached = frozenset(UserTenant.objects.filter(user=user).values_list("region_code", flat=True))
        user._tenant_codes = cached  # type: ignore[attr-defined]
    return cached


def require_tenant(*, user: AnyUser, region_code: str) -> None:
    """Raise Forbidden unless the user may act in the district `region_code`."""
    if region_code not in tenant_codes(user=user):
        raise Forbidden(code="other_district", message="无权访问其他行政区的数据")


def page_level(*, user: AnyUser, page: str) -> str | None:
    """'write', 'read' or None. Superusers have write on every page."""
    if page not in PAGES:
        raise ValueError(f"unknown page {page!r}")
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return PagePermission.Level.WRITE
    levels = set(
        PagePermission.objects.filter(role__user_roles__user=user, page=page).values_list("level", flat=True)
    )
    if PagePermission.Level.WRITE in levels:
        return PagePermission.Level.WRITE
    if PagePermission.Level.READ in levels:
        return PagePermission.Level.READ
    return None


def user_can(*, user: AnyUser, page: str, write: bool = False) -> bool:
    level = page_level(user=user, page=page)
    if level is None:
        return False
    return level == PagePermission.Level.WRITE or not write


def require_page(*, user: AnyUser, page: str, write: bool = False) -> None:
    if not user_can(user=user, page=page, write=write):
        action = "修改" if write else "查看"
        raise Forbidden(code="page_forbidden", message=f"没有{action}“{PAGES[page]}”的权限")


def can_view_pii(*, user: AnyUser) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return User.objects.filter(pk=user.pk, user_roles__role__can_view_pii=True).exists()


def node_region_code() -> str:
    return settings.BDCDJ_REGION_CODE


def pages_for_user(*, user: AnyUser) -> dict[str, str]:
    """Every page the user may open, with its level ('read' or 'write'), in catalogue order."""
    if not user.is_authenticated or not user.is_active:
        return {}
    if user.is_superuser:
        return dict.fromkeys(PAGES, PagePermission.Level.WRITE)
    granted: dict[str, str] = {}
    for page, level in PagePermission.objects.filter(role__user_roles__user=user).values_list(
        "page", "level"
    ):
        if page in PAGES and granted.get(page) != PagePermission.Level.WRITE:
            granted[page] = level
    return {page: granted[page] for page in PAGES if page in granted}


@dataclass(frozen=True)
class Profile:
    user: User
    organisation: Organisation | None
    roles: list[Role]
    tenants: list[tuple[str, str]]  # (region code, name)
    pages: dict[str, str]
    can_view_pii: bool


def profile_get(*, user: User) -> Profile:
    """What the signed-in person is: organisation, roles, districts and page levels."""
    codes = sorted(tenant_codes(user=user))
    names = dict(Tenant.objects.filter(region_code__in=codes).values_list("region_code", "name"))
    return Profile(
        user=user,
        organisation=user.organisation,
        roles=list(Role.objects.filter(user_roles__user=user).order_by("code")),
        tenants=[(code, names.get(code, "")) for code in codes],
        pages=pages_for_user(user=user),
        can_view_pii=can_view_pii(user=user),
    )


@dataclass(frozen=True)
class AuditFilter:
    """Criteria of the audit viewer. Text criteria are exact except `actor` (contains) and
    `action` (a prefix ending in '.' selects a family, e.g. 'auth.')."""

    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    region_code: str = ""
    outcome: str = ""
    date_from: date | None = None
    date_to: date | None = None  # inclusive, in local time
    newest_first: bool = True


def audit_logs(*, user: AnyUser, filters: AuditFilter | None = None) -> QuerySet[AuditLog]:
    """Audit rows the user may read: rows of their districts, plus district-less rows (logins)
    of people who share one of their districts. Superusers read everything."""
    require_page(user=user, page="accounts.audit")
    f = filters or AuditFilter()
    qs = AuditLog.objects.select_related("actor")
    if not user.is_superuser:
        codes = tenant_codes(user=user)
        actor_in_my_districts = Exists(
            UserTenant.objects.filter(user=OuterRef("actor"), region_code__in=codes)
        )
        qs = qs.filter(Q(region_code__in=codes) | (Q(region_code="") & actor_in_my_districts))
    if f.actor:
        qs = qs.filter(actor_name__icontains=f.actor)
    if f.action:
        qs = qs.filter(action__startswith=f.action) if f.action.endswith(".") else qs.filter(action=f.action)
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    if f.region_code:
        qs = qs.filter(region_code=f.region_code)
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    if f.date_from:
        qs = qs.filter(at__gte=_local_midnight(f.date_from))
    if f.date_to:
        qs = qs.filter(at__lt=_local_midnight(f.date_to + timedelta(days=1)))
    return qs.order_by("-at", "-id") if f.newest_first else qs.order_by("at", "id")


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_daily_counts(
    *, region_code: str, actions: list[str], date_from: date, date_to: date
) -> list[dict[str, Any]]:
    """Rows (actor_id, actor_name, day, n) of the audited `actions` per staff member and local
    day in [date_from, date_to], for staff of the district (integrity supervision of queries on
    persons). Counted in the database; rows without an actor are left out."""
    from django.db.models import Count
    from django.db.models.functions import TruncDate

    in_district = Exists(UserTenant.objects.filter(user=OuterRef("actor"), region_code=region_code))
    return list(
        AuditLog.objects.filter(
            action__in=actions,
            actor__isnull=False,
            at__gte=_local_midnight(date_from),
            at__lt=_local_midnight(date_to + timedelta(days=1)),
        )
        .filter(in_district)
        .annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("actor_id", "actor_name", "day")
        .annotate(n=Count("id"))
        .order_by("actor_id", "day")
    )
