"""Institutions, their API keys (shown once, kept as an SM3 digest) and the port supervisors close."""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from bdcdj.accounts.models import AuditLog, Organisation, User
from bdcdj.accounts.selectors import AnyUser, require_page, require_tenant
from bdcdj.accounts.services import audit_record, user_create
from bdcdj.channel.models import ApiKey, Institution, Scope
from bdcdj.core.crypto import sm3_hex
from bdcdj.core.errors import Conflict, DomainError, Forbidden, InvalidInput, invalid_fields

KEY_PREFIX = "bdk_"
PAGE = "channel.institutions"
CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
KEY_RE = re.compile(r"^bdk_([a-z0-9]{10})_([A-Za-z0-9_-]{20,100})$")
MAX_KEY_DAYS = 730
REASON_MAX = 500
SERVICE_ROLES = ["clerk"]  # 收件 and 受理 are the clerk's steps of every workflow
DEFAULT_SCOPES: dict[str, list[str]] = {
    Organisation.Kind.BANK: [Scope.MORTGAGE, Scope.STATUS],
    Organisation.Kind.DEVELOPER: [Scope.HANDOVER, Scope.STATUS],
}


class ChannelAuthError(DomainError):
    """No usable API key: answered 401 with a Chinese message."""

    status_code = 401


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    token: str  # shown once


def _authorize(*, by: AnyUser, region_code: str, action: str, object_id: str) -> None:
    try:
        if not isinstance(by, User) or not by.is_active:
            raise Forbidden(code="login_required", message="请先登录")
        require_tenant(user=by, region_code=region_code)
        require_page(user=by, page=PAGE, write=True)
    except Forbidden as exc:
        audit_record(
            actor=by,
            action=action,
            object_type="channel.institution",
            object_id=object_id,
            region_code=region_code,
            detail={"code": exc.code},
            outcome=AuditLog.Outcome.DENIED,
        )
        raise


def _reason(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise InvalidInput(code="reason_required", message="请填写原因", fields={"reason": "必填"})
    if len(text) > REASON_MAX:
        raise invalid_fields({"reason": f"最长{REASON_MAX}个字符"})
    return text


@transaction.atomic
def institution_register(
    *, organisation: Organisation, credit_code: str, by: User | None = None
) -> Institution:
    """Open the channel to a bank or developer: its service account (no usable password) is
    created with the clerk role in the organisation's district."""
    if by is not None:
        _authorize(
            by=by,
            region_code=organisation.region_code,
            action="channel.register",
            object_id=organisation.code,
        )
    errors: dict[str, str] = {}
    credit_code = (credit_code or "").strip().upper()
    if organisation.kind not in DEFAULT_SCOPES:
        errors["organisation"] = "只有金融机构和房地产开发企业可以开通机构通道"
    elif not organisation.is_active:
        errors["organisation"] = "机构已停用"
    elif Institution.objects.filter(organisation=organisation).exists():
        errors["organisation"] = "该机构已开通机构通道"
    if not CREDIT_CODE_RE.match(credit_code):
        errors["credit_code"] = "统一社会信用代码应为18位"
    if errors:
        raise invalid_fields(errors)
    service = user_create(
        username=f"channel-{organisation.code.lower()}"[:150],
        password=secrets.token_urlsafe(24) + "aA1!",
        display_name=f"{organisation.name}（机构通道）"[:50],
        organisation=organisation,
        roles=SERVICE_ROLES,
        region_codes=[organisation.region_code],
        is_staff=False,
        by=by,
    )
    service.set_unusable_password()
    service.save(update_fields=["password"])
    institution = Institution(
        organisation=organisation,
        region_code=organisation.region_code,
        credit_code=credit_code,
        service_user=service,
    )
    institution.full_clean()
    institution.save()
    audit_record(
        actor=by,
        action="channel.register",
        object_type="channel.institution",
        object_id=organisation.code,
        region_code=institution.region_code,
    )
    return institution


def _digest(secret: str) -> str:
    return sm3_hex(secret.encode("ascii"))


@transaction.atomic
def api_key_issue(
    *,
    institution: Institution,
    name: str,
    scopes: Sequence[str] | None = None,
    days: int = 365,
    by: User | None = None,
) -> IssuedKey:
    """A new key for the institution; the returned token is the only time it is shown."""
    if by is not None:
        _authorize(
            by=by,
            region_code=institution.region_code,
            action="channel.key_issue",
            object_id=str(institution.pk),
        )
    errors: dict[str, str] = {}
    name = " ".join((name or "").split())
    if not name or len(name) > 100:
        errors["name"] = "请填写用途（最长100个字符）"
    wanted = list(
        dict.fromkeys(scopes if scopes is not None else DEFAULT_SCOPES[institution.organisation.kind])
    )
    if not wanted or any(s not in Scope.values for s in wanted):
        errors["scopes"] = "权限范围应为：" + "、".join(f"{s.value}（{s.label}）" for s in Scope)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_KEY_DAYS:
        errors["days"] = f"有效期应为 1–{MAX_KEY_DAYS} 天"
    if errors:
        raise invalid_fields(errors)
    prefix = secrets.token_hex(5)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(
        institution=institution,
        name=name,
        prefix=prefix,
        key_hash=_digest(secret),
        scopes=wanted,
        expires_at=timezone.now() + dt.timedelta(days=days),
        created_by=by,
    )
    key.full_clean()
    key.save()
    audit_record(
        actor=by,
        action="channel.key_issue",
        object_type="channel.key",
        object_id=prefix,
        region_code=institution.region_code,
        detail={"institution": institution.organisation.code, "scopes": wanted, "days": days},
    )
    return IssuedKey(key=key, token=f"{KEY_PREFIX}{prefix}_{secret}")


@transaction.atomic
def api_key_revoke(*, key: ApiKey, by: User) -> ApiKey:
    institution = key.institution
    _authorize(by=by, region_code=institution.region_code, action="channel.key_revoke", object_id=key.prefix)
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        raise Conflict(code="key_revoked", message="该密钥已吊销")
    key.revoked_at, key.revoked_by = timezone.now(), by
    key.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=by,
        action="channel.key_revoke",
        object_type="channel.key",
        object_id=key.prefix,
        region_code=institution.region_code,
    )
    return key


def _refuse(message: str, *, reason: str, prefix: str = "", region_code: str = "") -> ChannelAuthError:
    audit_record(
        actor=None,
        action="channel.auth",
        object_type="channel.key",
        object_id=prefix,
        region_code=region_code,
        detail={"reason": reason},
        outcome=AuditLog.Outcome.DENIED,
    )
    return ChannelAuthError(code="api_key_invalid", message=message)


def api_key_authenticate(*, token: str, scope: str) -> ApiKey:
    """The key behind `token`, usable for `scope`. 401 for a missing, unknown, wrong, revoked or
    expired key; 403 when the institution's port is closed or the key lacks the scope."""
    token = (token or "").strip()
    if not token:
        raise _refuse("缺少接口密钥（请求头 X-Api-Key）", reason="missing")
    match = KEY_RE.match(token)
    if match is None:
        raise _refuse("接口密钥无效", reason="malformed")
    prefix, secret = match.groups()
    key = ApiKey.objects.select_related("institution__organisation").filter(prefix=prefix).first()
    if key is None or not hmac.compare_digest(key.key_hash, _digest(secret)):
        raise _refuse("接口密钥无效", reason="wrong", prefix=prefix)
    institution = key.institution
    if key.revoked_at is not None:
        raise _refuse("接口密钥已吊销", reason="revoked", prefix=prefix, region_code=institution.region_code)
    now = timezone.now()
    if key.expires_at <= now:
        raise _refuse("接口密钥已过期", reason="expired", prefix=prefix, region_code=institution.region_code)
    refusal = ""
    if not institution.port_open:
        refusal = f"{institution.organisation.name}的机构通道接口已被关闭：{institution.closed_reason}"
    elif not institution.organisation.is_active:
        refusal = "机构已停用，不能使用机构通道"
    elif scope not in key.scopes:
        refusal = f"接口密钥无“{Scope(scope).label}”权限"
    if refusal:
        audit_record(
            actor=institution.service_user,
            action="channel.auth",
            object_type="channel.key",
            object_id=prefix,
            region_code=institution.region_code,
            detail={"reason": "port_closed" if not institution.port_open else "forbidden", "scope": scope},
            outcome=AuditLog.Outcome.DENIED,
        )
        raise Forbidden(
            code="channel_closed" if not institution.port_open else "channel_forbidden", message=refusal
        )
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


def port_close(*, institution: Institution, by: User, reason: str) -> Institution:
    """Close the institution's port: every call answers 403 with the reason until reopened."""
    return _port_set(institution=institution, by=by, reason=reason, open_=False)


def port_open(*, institution: Institution, by: User, reason: str) -> Institution:
    return _port_set(institution=institution, by=by, reason=reason, open_=True)


@transaction.atomic
def _port_set(*, institution: Institution, by: User, reason: str, open_: bool) -> Institution:
    action = "channel.port_open" if open_ else "channel.port_close"
    _authorize(by=by, region_code=institution.region_code, action=action, object_id=str(institution.pk))
    text = _reason(reason)
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    if institution.port_open == open_:
        if open_:
            raise Conflict(code="port_open", message="该机构的接口已处于开放状态")
        raise Conflict(code="port_closed", message="该机构的接口已处于关闭状态")
    if open_:
        institution.port_open, institution.closed_reason = True, ""
        institution.closed_at = institution.closed_by = None
    else:
        institution.port_open = False
        institution.closed_reason, institution.closed_at, institution.closed_by = text, timezone.now(), by
    institution.save(update_fields=["port_open", "closed_reason", "closed_at", "closed_by"])
    audit_record(
        actor=by,
        action=action,
        object_type="channel.institution",
        object_id=institution.organisation.code,
        region_code=institution.region_code,
        detail={"reason": text},
    )
    return institution
