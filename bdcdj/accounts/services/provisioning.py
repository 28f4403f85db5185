"""Provisioning of tenants, organisations, users and the default roles.

Used by the admin tooling and by the demo loader; every rule a person would be told about
(weak password, unknown role, missing district) is an InvalidInput with Chinese messages.
"""

import re

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bdcdj.accounts.models import Organisation, PagePermission, Role, Tenant, User, UserRole, UserTenant
from bdcdj.accounts.pages import DEFAULT_ROLES, apply_default_roles
from bdcdj.accounts.services.audit import audit_record
from bdcdj.core.errors import invalid_fields

REGION_CODE_RE = re.compile(r"^\d{6}$")


def _region_code_error(code: str) -> str | None:
    return None if REGION_CODE_RE.match(code) else "应为 6 位数字的行政区划代码"


@transaction.atomic
def tenant_ensure(*, region_code: str, name: str, province_abbr: str = "", parent_code: str = "") -> Tenant:
    """Create the district (租户) or bring its name and parent up to date; idempotent."""
    errors: dict[str, str] = {}
    if msg := _region_code_error(region_code):
        errors["region_code"] = msg
    if parent_code and (msg := _region_code_error(parent_code)):
        errors["parent_code"] = msg
    if not name.strip():
        errors["name"] = "必填"
    if errors:
        raise invalid_fields(errors)
    values = {"name": name.strip(), "province_abbr": province_abbr, "parent_code": parent_code}
    tenant = Tenant.objects.select_for_update().filter(region_code=region_code).first()
    if tenant is None:
        tenant = Tenant(region_code=region_code, **values)
    elif all(getattr(tenant, key) == value for key, value in values.items()):
        return tenant
    else:
        for key, value in values.items():
            setattr(tenant, key, value)
    try:
        tenant.full_clean()
    except ValidationError as exc:
        raise invalid_fields({k: "；".join(v) for k, v in exc.message_dict.items()}) from exc
    tenant.save()
    return tenant


@transaction.atomic
def organisation_create(
    *, code: str, name: str, kind: str, region_code: str, is_active: bool = True, by: User | None = None
) -> Organisation:
    """Register an organisation (登记机构, 部门, 银行, 开发企业…) in a district."""
    errors: dict[str, str] = {}
    code, name = code.strip(), name.strip()
    if not code:
        errors["code"] = "必填"
    elif Organisation.objects.filter(code=code).exists():
        errors["code"] = "机构代码已存在"
    if not name:
        errors["name"] = "必填"
    if kind not in Organisation.Kind.values:
        errors["kind"] = "机构类型无效，应为：" + "、".join(Organisation.Kind.labels)
    if msg := _region_code_error(region_code):
        errors["region_code"] = msg
    if errors:
        raise invalid_fields(errors)
    org = Organisation(code=code, name=name, kind=kind, region_code=region_code, is_active=is_active)
    org.full_clean()
    org.save()
    audit_record(
        actor=by,
        action="accounts.organisation_create",
        object_type="organisation",
        object_id=code,
        region_code=region_code,
    )
    return org


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    display_name: str,
    organisation: Organisation | None,
    roles: list[str],
    region_codes: list[str],
    is_staff: bool = True,
    by: User | None = None,
) -> User:
    """Create an account with roles and districts after checking the password policy.

    Districts must exist as tenants (see `tenant_ensure`); role codes must exist.
    """
    username = username.strip()
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = "必填"
    elif len(username) > 150:
        errors["username"] = "最长 150 个字符"
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            errors["username"] = "账号只能包含字母、数字和 @ . + - _"
        else:
            if User.objects.filter(username=username).exists():
                errors["username"] = "账号已存在"
    if len(display_name.strip()) > 50:
        errors["display_name"] = "最长 50 个字符"
    if organisation is not None and not organisation.is_active:
        errors["organisation"] = "机构已停用"
    role_codes = list(dict.fromkeys(roles))
    found_roles = {r.code: r for r in Role.objects.filter(code__in=role_codes)}
    if missing := [code for code in role_codes if code not in found_roles]:
        errors["roles"] = "角色不存在：" + "、".join(missing)
    regions = list(dict.fromkeys(region_codes))
    if bad := [code for code in regions if _region_code_error(code)]:
        errors["region_codes"] = "行政区划代码应为 6 位数字：" + "、".join(bad)
    else:
        known = set(Tenant.objects.filter(region_code__in=regions).values_list("region_code", flat=True))
        if unknown := [code for code in regions if code not in known]:
            errors["region_codes"] = "租户（行政区）不存在，请先创建：" + "、".join(unknown)
    user = User(
        username=username, display_name=display_name.strip(), organisation=organisation, is_staff=is_staff
    )
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        errors["password"] = "；".join(exc.messages)
    if errors:
        raise invalid_fields(errors)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.full_clean(exclude=["password"])
    user.save()
    UserRole.objects.bulk_create([UserRole(user=user, role=found_roles[code]) for code in role_codes])
    UserTenant.objects.bulk_create([UserTenant(user=user, region_code=code) for code in regions])
    audit_record(
        actor=by,
        action="accounts.user_create",
        object_type="user",
        object_id=str(user.pk),
        detail={"username": username, "roles": role_codes, "region_codes": regions},
    )
    return user


@transaction.atomic
def roles_sync_defaults(*, by: User | None = None) -> list[Role]:
    """Create or refresh the default roles from `accounts.pages.DEFAULT_ROLES`."""
    apply_default_roles(Role, PagePermission)
    audit_record(actor=by, action="accounts.roles_sync")
    return list(Role.objects.filter(code__in=[spec.code for spec in DEFAULT_ROLES]))
