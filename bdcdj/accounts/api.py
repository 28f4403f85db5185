"""Machine API of the accounts app: who am I, and the audit trail for auditors."""

from datetime import date, datetime
from typing import cast

from django.http import HttpRequest
from ninja import Query, Router, Schema

from bdcdj.accounts.decorators import ensure_page
from bdcdj.accounts.models import User
from bdcdj.accounts.pages import PAGES
from bdcdj.accounts.selectors import AuditFilter, audit_logs, profile_get

router = Router(tags=["accounts"])

AUDIT_API_MAX_LIMIT = 200


class OrganisationOut(Schema):
    code: str
    name: str
    kind: str
    region_code: str


class RoleOut(Schema):
    code: str
    name: str
    can_view_pii: bool


class TenantOut(Schema):
    region_code: str
    name: str


class PageOut(Schema):
    page: str
    title: str
    level: str


class MeOut(Schema):
    username: str
    display_name: str
    organisation: OrganisationOut | None
    roles: list[RoleOut]
    tenants: list[TenantOut]
    pages: list[PageOut]
    can_view_pii: bool


@router.get("/me", response=MeOut, summary="当前登录用户：机构、角色、行政区与页面权限")
def me(request: HttpRequest) -> MeOut:
    user = cast(User, request.user)  # the router's django_auth admits signed-in users only
    profile = profile_get(user=user)
    org = profile.organisation
    return MeOut(
        username=user.username,
        display_name=user.display_name,
        organisation=(
            OrganisationOut(code=org.code, name=org.name, kind=org.kind, region_code=org.region_code)
            if org
            else None
        ),
        roles=[RoleOut(code=r.code, name=r.name, can_view_pii=r.can_view_pii) for r in profile.roles],
        tenants=[TenantOut(region_code=code, name=name) for code, name in profile.tenants],
        pages=[PageOut(page=page, title=PAGES[page], level=level) for page, level in profile.pages.items()],
        can_view_pii=profile.can_view_pii,
    )


class AuditQuery(Schema):
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    region_code: str = ""
    outcome: str = ""
    date_from: date | None = None
    date_to: date | None = None
    offset: int = 0
    limit: int = 50


class AuditOut(Schema):
    id: int
    at: datetime
    actor_name: str
    action: str
    object_type: str
    object_id: str
    region_code: str
    ip_address: str | None
    outcome: str
    detail: dict


class AuditPage(Schema):
    count: int
    items: list[AuditOut]


@router.get("/audit", response=AuditPage, summary="审计日志查询（本人所辖行政区，按时间倒序）")
def audit(request: HttpRequest, q: Query[AuditQuery]) -> AuditPage:
    ensure_page(request, "accounts.audit")
    filters = AuditFilter(
        actor=q.actor,
        action=q.action,
        object_type=q.object_type,
        object_id=q.object_id,
        region_code=q.region_code,
        outcome=q.outcome,
        date_from=q.date_from,
        date_to=q.date_to,
    )
    logs = audit_logs(user=request.user, filters=filters)
    offset = max(q.offset, 0)
    limit = min(max(q.limit, 1), AUDIT_API_MAX_LIMIT)
    rows = logs[offset : offset + limit]
    return AuditPage(
        count=logs.count(), items=[AuditOut.model_validate(row, from_attributes=True) for row in rows]
    )
