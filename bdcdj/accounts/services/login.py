"""Login attempts with lockout (等保 登录失败处理), and unlocking by an administrator.

Failure counting covers unknown user names too (in `LoginThrottle`, keyed by a digest), so
wrong passwords and unknown names look the same from outside, including when they lock.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bdcdj.accounts import pii
from bdcdj.accounts.models import AuditLog, LoginThrottle, User
from bdcdj.accounts.selectors import node_region_code
from bdcdj.accounts.services.audit import audit_record

LOGIN_ACTION = "auth.login"
# Rows for unknown names are dropped once untouched this long and no longer locked.
THROTTLE_RETENTION = timedelta(days=1)


@dataclass(frozen=True)
class LoginResult:
    """`user` is set only when `outcome` is ok; `locked_minutes` only when it is locked."""

    outcome: str
    user: User | None = None
    locked_minutes: int = 0

    @property
    def locked(self) -> bool:
        return self.outcome == AuditLog.Outcome.LOCKED


def _minutes_left(locked_until: datetime, now: datetime) -> int:
    return max(1, math.ceil((locked_until - now).total_seconds() / 60))


def _lock_window() -> tuple[int, timedelta]:
    return settings.BDCDJ_LOGIN_MAX_FAILURES, timedelta(minutes=settings.BDCDJ_LOGIN_LOCK_MINUTES)


@transaction.atomic
def login_attempt(*, username: str, password: str) -> LoginResult:
    """Check a user name and password, counting failures and locking after too many.

    While an account is locked the password is not even checked. Every attempt is audited
    as `auth.login` with outcome ok, failed or locked.
    """
    now = timezone.now()
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None:
        return _unknown_user_attempt(username=username, password=password, now=now)
    max_failures, lock_for = _lock_window()
    if user.locked_until and user.locked_until > now:
        audit_record(
            actor=user, action=LOGIN_ACTION, outcome=AuditLog.Outcome.LOCKED, detail={"reason": "locked"}
        )
        return LoginResult(
            outcome=AuditLog.Outcome.LOCKED, locked_minutes=_minutes_left(user.locked_until, now)
        )
    if user.locked_until:  # lock expired: a fresh series of attempts
        user.failed_logins, user.locked_until = 0, None
    password_ok = user.check_password(password)
    if password_ok and user.is_active:
        user.failed_logins, user.locked_until = 0, None
        user.save(update_fields=["failed_logins", "locked_until"])
        audit_record(actor=user, action=LOGIN_ACTION)
        return LoginResult(outcome=AuditLog.Outcome.OK, user=user)
    user.failed_logins += 1
    reason = "inactive" if password_ok else "bad_password"
    if user.failed_logins >= max_failures:
        user.locked_until = now + lock_for
        user.save(update_fields=["failed_logins", "locked_until"])
        detail = {
            "reason": reason,
            "failures": user.failed_logins,
            "lock_minutes": settings.BDCDJ_LOGIN_LOCK_MINUTES,
        }
        audit_record(actor=user, action=LOGIN_ACTION, outcome=AuditLog.Outcome.LOCKED, detail=detail)
        return LoginResult(
            outcome=AuditLog.Outcome.LOCKED, locked_minutes=_minutes_left(user.locked_until, now)
        )
    user.save(update_fields=["failed_logins", "locked_until"])
    detail = {"reason": reason, "failures": user.failed_logins}
    audit_record(actor=user, action=LOGIN_ACTION, outcome=AuditLog.Outcome.FAILED, detail=detail)
    return LoginResult(outcome=AuditLog.Outcome.FAILED)


def _unknown_user_attempt(*, username: str, password: str, now: datetime) -> LoginResult:
    # Hash the password anyway so an unknown name costs as much time as a known one.
    User().set_password(password)
    max_failures, lock_for = _lock_window()
    key = pii.keyed_digest(username, purpose="login")
    LoginThrottle.objects.filter(updated_at__lt=now - THROTTLE_RETENTION).exclude(
        locked_until__gt=now
    ).delete()
    throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(key=key)
    masked = pii.mask_username(username)
    base: dict[str, object] = {"reason": "unknown_user", "name_digest": key[:16]}

    def audit(outcome: str, detail: dict[str, object]) -> None:
        # No account, so no district of its own: the attempt belongs to this node's district.
        audit_record(
            actor=None,
            actor_name=masked,
            action=LOGIN_ACTION,
            region_code=node_region_code(),
            outcome=outcome,
            detail=detail,
        )

    if throttle.locked_until and throttle.locked_until > now:
        audit(AuditLog.Outcome.LOCKED, base)
        return LoginResult(
            outcome=AuditLog.Outcome.LOCKED, locked_minutes=_minutes_left(throttle.locked_until, now)
        )
    if throttle.locked_until:
        throttle.failures, throttle.locked_until = 0, None
    throttle.failures += 1
    outcome = AuditLog.Outcome.FAILED
    if throttle.failures >= max_failures:
        throttle.locked_until = now + lock_for
        outcome = AuditLog.Outcome.LOCKED
    throttle.save()
    detail = {**base, "failures": throttle.failures}
    audit(outcome, detail)
    if throttle.locked_until:
        return LoginResult(outcome=outcome, locked_minutes=_minutes_left(throttle.locked_until, now))
    return LoginResult(outcome=outcome)


@transaction.atomic
def user_unlock(*, user: User, by: User | None) -> User:
    """Clear the failure counter and lock of an account (administrator action)."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.failed_logins, locked.locked_until = 0, None
    locked.save(update_fields=["failed_logins", "locked_until"])
    audit_record(actor=by, action="accounts.user_unlock", object_type="user", object_id=str(locked.pk))
    return locked
