"""Audit trail writes (等保 安全审计) and the audited reveal of personal data."""

import ipaddress
from typing import Any

from django.db import transaction

from bdcdj.accounts import pii
from bdcdj.accounts.middleware import current_request_context
from bdcdj.accounts.models import AuditLog, User
from bdcdj.accounts.selectors import AnyUser, can_view_pii, require_tenant
from bdcdj.core.crypto import sm3_hex
from bdcdj.core.errors import DomainError, Forbidden, InvalidInput

PURPOSE_MAX_CHARS = 200


def _client_ip(raw: str) -> str | None:
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return None


@transaction.atomic
def audit_record(
    *,
    actor: AnyUser | None,
    action: str,
    object_type: str = "",
    object_id: str = "",
    region_code: str = "",
    detail: dict[str, Any] | None = None,
    outcome: str = AuditLog.Outcome.OK,
    actor_name: str | None = None,
) -> AuditLog:
    """Append one audit row; client address and agent come from the current request.

    `detail` must not contain names, ID numbers, passwords or keys: pass masked values or
    digests. `actor_name` overrides the recorded account name (used for masked unknown
    login names); by default it is the actor's user name.
    """
    if not action or len(action) > 64:
        raise InvalidInput(
            code="audit_action_invalid", message="审计操作代码无效", fields={"action": "必填，最长 64 字符"}
        )
    if outcome not in AuditLog.Outcome.values:
        raise InvalidInput(code="audit_outcome_invalid", message=f"未知的审计结果：{outcome}")
    user = actor if isinstance(actor, User) and actor.pk is not None else None
    ctx = current_request_context()
    entry = AuditLog(
        actor=user,
        actor_name=(actor_name if actor_name is not None else (user.username if user else ""))[:150],
        action=action,
        object_type=object_type[:64],
        object_id=str(object_id)[:64],
        region_code=region_code,
        ip_address=_client_ip(ctx.get("ip", "")),
        user_agent=ctx.get("user_agent", "")[:200],
        outcome=outcome,
        detail=dict(detail or {}),
    )
    entry.full_clean(exclude=["actor"])  # the actor instance is in hand; skip a lookup
    entry.save()
    return entry


def pii_reveal(
    *, user: AnyUser, ciphertext: str, purpose: str, object_type: str, object_id: str, region_code: str
) -> str:
    """Decrypt one stored personal value for a person allowed to see it, and audit the read.

    Raises Forbidden (and records the refusal) when the user may not see personal data or
    acts outside their districts. The audit row carries the purpose and a fingerprint of the
    ciphertext, never the clear value.
    """
    purpose = purpose.strip()
    if not purpose:
        raise InvalidInput(code="purpose_required", message="请填写查看原因", fields={"purpose": "必填"})
    purpose = purpose[:PURPOSE_MAX_CHARS]
    target = {"object_type": object_type, "object_id": object_id, "region_code": region_code}
    fingerprint = sm3_hex(ciphertext.encode("ascii", "replace"))[:16]
    detail = {"purpose": purpose, "ciphertext_sm3": fingerprint}
    try:
        require_tenant(user=user, region_code=region_code)
        if not can_view_pii(user=user):
            raise Forbidden(code="pii_forbidden", message="没有查看未脱敏个人信息的权限")
    except Forbidden as exc:
        audit_record(
            actor=user,
            action="pii.reveal",
            outcome=AuditLog.Outcome.DENIED,
            detail={**detail, "code": exc.code},
            **target,
        )
        raise
    try:
        clear = pii.decrypt_text(ciphertext)
    except pii.PiiDecryptError as exc:
        audit_record(actor=user, action="pii.reveal", outcome=AuditLog.Outcome.ERROR, detail=detail, **target)
        raise DomainError(code="pii_undecryptable", message="个人信息无法解密：密钥不符或数据已损坏") from exc
    audit_record(actor=user, action="pii.reveal", detail=detail, **target)
    return clear
