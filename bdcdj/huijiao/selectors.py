"""Reads of 汇交 packages for the console, limited to the acting user's districts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from bdcdj.accounts.selectors import AnyUser, require_page, tenant_codes
from bdcdj.core.errors import NotFound
from bdcdj.huijiao.models import IncomingPackage, OutgoingPackage, PackageFinding

PAGE = "huijiao.packages"
SORTS = {"serial": "serial", "-serial": "-serial", "time": "created_at", "-time": "-created_at"}


@dataclass(frozen=True)
class PackageFilter:
    kind: str = ""
    status: str = ""
    search: str = ""
    sort: str = "-time"


def outgoing_packages(*, user: AnyUser, filters: PackageFilter | None = None) -> QuerySet[OutgoingPackage]:
    """Packages this node wrote for the user's districts; search by package id or district."""
    require_page(user=user, page=PAGE)
    filters = filters or PackageFilter()
    query = OutgoingPackage.objects.filter(region_code__in=tenant_codes(user=user))
    if filters.kind:
        query = query.filter(kind=filters.kind)
    if filters.status:
        query = query.filter(status=filters.status)
    if filters.search.strip():
        term = filters.search.strip()
        query = query.filter(Q(package_id__icontains=term) | Q(region_code__startswith=term))
    return query.order_by(SORTS.get(filters.sort, "-created_at"), "-id")


def incoming_packages(*, user: AnyUser, filters: PackageFilter | None = None) -> QuerySet[IncomingPackage]:
    """Packages received from lower nodes for the user's districts."""
    require_page(user=user, page=PAGE)
    filters = filters or PackageFilter()
    query = IncomingPackage.objects.filter(region_code__in=tenant_codes(user=user)).select_related("node")
    if filters.kind:
        query = query.filter(kind=filters.kind)
    if filters.search.strip():
        term = filters.search.strip()
        query = query.filter(Q(package_id__icontains=term) | Q(region_code__startswith=term))
    order = SORTS.get(filters.sort, "-created_at").replace("created_at", "imported_at")
    return query.order_by(order, "-id")


def outgoing_get(*, user: AnyUser, package_id: int) -> OutgoingPackage:
    require_page(user=user, page=PAGE)
    found = OutgoingPackage.objects.filter(pk=package_id, region_code__in=tenant_codes(user=user)).first()
    if found is None:
        raise NotFound(code="huijiao_package_not_found", message="汇交包不存在")
    return found


def incoming_get(*, user: AnyUser, package_id: int) -> IncomingPackage:
    require_page(user=user, page=PAGE)
    found = (
        IncomingPackage.objects.filter(pk=package_id, region_code__in=tenant_codes(user=user))
        .select_related("node")
        .first()
    )
    if found is None:
        raise NotFound(code="huijiao_package_not_found", message="汇交包不存在")
    return found


def package_findings(
    *, user: AnyUser, package: IncomingPackage, severity: str = ""
) -> QuerySet[PackageFinding]:
    require_page(user=user, page=PAGE)
    if package.region_code not in tenant_codes(user=user):
        raise NotFound(code="huijiao_package_not_found", message="汇交包不存在")
    query = package.findings.all()
    if severity:
        query = query.filter(severity=severity)
    return query.order_by("id")
