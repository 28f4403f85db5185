"""Reads about users: tenants, page permissions, PII visibility."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from bdcdj.accounts.models import PagePermission, User, UserTenant
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
        user._tenant_codes = cached  # type: ignore[union-attr]
    return cached


def require_tenant(*, user: AnyUser, region_code: str) -> None:
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
