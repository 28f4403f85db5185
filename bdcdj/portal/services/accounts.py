"""Citizen accounts: SMS codes (hashed, expiring, rate-limited), registration, login with
lockout, real-name verification through the sharing app, and the face-check hook.

Failures that must count (wrong codes) are committed before the error is raised, so a
rejected attempt still advances the lockout. Nothing here logs or echoes a phone number,
name or ID number in clear: audit rows carry the masked phone only.
"""

from __future__ import annotations

import hmac
import math
import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from bdcdj.accounts import pii
from bdcdj.accounts.models import AuditLog
from bdcdj.accounts.selectors import node_region_code
from bdcdj.accounts.services import audit_record
from bdcdj.core.errors import Conflict, Forbidden, InvalidInput, invalid_fields
from bdcdj.portal import sms
from bdcdj.portal.face import face_checker
from bdcdj.portal.models import Citizen, LoginGuard, SmsCode, SmsPurpose
from bdcdj.portal.services import keys
from bdcdj.portal.services.errors import RateLimited, ServiceUnavailable
from bdcdj.sharing.services import CheckOutcome, identity_verify

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=5)
CODE_ATTEMPTS = 5  # wrong entries one code survives
PHONE_INTERVAL = timedelta(seconds=60)  # between two codes to one phone
PHONE_PER_HOUR = 5
ADDRESS_PER_HOUR = 20
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
FACE_MAX_BYTES = 5 * 1024 * 1024


def normalise_phone(raw: str) -> str:
    phone = "".join(str(raw or "").split()).removeprefix("+86")
    if not PHONE_RE.match(phone):
        raise invalid_fields({"phone": "请输入11位手机号码"})
    return phone


def _digest(phone_index: str, purpose: str, code: str) -> str:
    return pii.keyed_digest(f"{phone_index}:{purpose}:{code}", purpose="portal.sms")


def _operator(phone: str) -> str:
    return f"portal:{pii.mask_phone(phone)}"


def _audit(
    *, phone: str, action: str, outcome: str = AuditLog.Outcome.OK, detail: dict | None = None
) -> None:
    audit_record(
        actor=None,
        actor_name=_operator(phone),
        action=action,
        region_code=node_region_code(),
        outcome=outcome,
        detail=detail or {},
    )


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def _require_pass(
    result: CheckOutcome, *, phone: str, action: str, kind: str, failure: str, field: str
) -> None:
    """A check that could not run is a 503; one that failed is audited and refused on `field`."""
    if result.status == "unavailable":
        raise ServiceUnavailable(code=f"{kind}_unavailable", message=result.message)
    if not result.ok:
        _audit(phone=phone, action=action, outcome=AuditLog.Outcome.FAILED, detail={"status": result.status})
        raise InvalidInput(
            code=f"{kind}_mismatch", message=result.message or failure, fields={field: "核验未通过"}
        )


def _save_unique(citizen: Citizen, *, code: str, message: str) -> None:
    """Validate and save; a concurrent twin that wins the unique index is a conflict, not a 500."""
    citizen.full_clean()
    try:
        with transaction.atomic():
            citizen.save()
    except IntegrityError as exc:
        raise Conflict(code=code, message=message) from exc


def _guard(phone_index: str) -> LoginGuard:
    """The phone's failure counter, locked for this transaction (created on first use)."""
    try:
        with transaction.atomic():
            LoginGuard.objects.get_or_create(phone_index=phone_index)
    except IntegrityError:
        pass  # created concurrently
    return LoginGuard.objects.select_for_update().get(phone_index=phone_index)


def sms_code_send(*, phone: str, purpose: str, ip_address: str | None) -> None:
    """Send a 6-digit code valid 5 minutes. Limits: one per minute and five per hour per phone,
    twenty per hour per client address; a locked phone gets none."""
    phone = normalise_phone(phone)
    if purpose not in SmsPurpose.values:
        raise invalid_fields({"purpose": "用途无效"})
    index = sms.phone_index(phone)
    now = timezone.now()
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    with transaction.atomic():
        guard = _guard(index)  # serialises sends to one phone
        if guard.locked_until and guard.locked_until > now:
            minutes = _minutes_left(guard.locked_until, now)
            raise RateLimited(code="phone_locked", message=f"验证码错误次数过多，请{minutes}分钟后再试")
        recent = SmsCode.objects.filter(phone_index=index, created_at__gt=now - timedelta(hours=1))
        latest = recent.order_by("-created_at").values_list("created_at", flat=True).first()
        if latest is not None and latest > now - PHONE_INTERVAL:
            wait = math.ceil((latest + PHONE_INTERVAL - now).total_seconds())
            raise RateLimited(code="sms_too_soon", message=f"验证码发送过于频繁，请{wait}秒后再试")
        if recent.count() >= PHONE_PER_HOUR:
            raise RateLimited(code="sms_phone_limit", message="该手机号一小时内获取验证码次数已达上限")
        if ip_address and (
            SmsCode.objects.filter(ip_address=ip_address, created_at__gt=now - timedelta(hours=1)).count()
            >= ADDRESS_PER_HOUR
        ):
            raise RateLimited(code="sms_address_limit", message="本网络一小时内获取验证码次数已达上限")
        row = SmsCode(
            phone_index=index,
            purpose=purpose,
            code_digest=_digest(index, purpose, code),
            ip_address=ip_address or None,
            created_at=now,
            expires_at=now + CODE_TTL,
        )
        row.full_clean()
        row.save()
        label = SmsPurpose(purpose).label
        text = f"【不动产登记】您的{label}验证码为{code}，5分钟内有效。如非本人操作，请忽略。"
        transaction.on_commit(lambda: sms.sender().send(phone=phone, text=text))
    _audit(phone=phone, action="portal.sms_send", detail={"purpose": purpose})


def _check_code(*, phone: str, purpose: str, code: str) -> None:
    """Consume a valid code, or count the failure (committed) and raise."""
    index = sms.phone_index(phone)
    now = timezone.now()
    max_failures = settings.BDCDJ_LOGIN_MAX_FAILURES
    error: Exception | None = None
    with transaction.atomic():
        guard = _guard(index)
        if guard.locked_until and guard.locked_until > now:
            minutes = _minutes_left(guard.locked_until, now)
            error = RateLimited(code="phone_locked", message=f"验证码错误次数过多，请{minutes}分钟后再试")
        else:
            if guard.locked_until:
                guard.failures, guard.locked_until = 0, None
            row = (
                SmsCode.objects.select_for_update()
                .filter(phone_index=index, purpose=purpose, used_at__isnull=True)
                .order_by("-created_at", "-id")
                .first()
            )
            given = "".join(str(code or "").split())
            if row is None or row.expires_at <= now or row.attempts >= CODE_ATTEMPTS:
                error = invalid_fields({"code": "验证码已失效，请重新获取"}, code="code_expired")
            elif not hmac.compare_digest(row.code_digest, _digest(index, purpose, given)):
                row.attempts += 1
                row.save(update_fields=["attempts"])
                error = invalid_fields({"code": "验证码错误"}, code="code_wrong")
            else:
                row.used_at = now
                row.save(update_fields=["used_at"])
                guard.failures = 0
                guard.save(update_fields=["failures", "locked_until", "updated_at"])
                return
            guard.failures += 1
            if guard.failures >= max_failures:
                guard.locked_until = now + timedelta(minutes=settings.BDCDJ_LOGIN_LOCK_MINUTES)
            guard.save(update_fields=["failures", "locked_until", "updated_at"])
    outcome = AuditLog.Outcome.LOCKED if isinstance(error, RateLimited) else AuditLog.Outcome.FAILED
    _audit(
        phone=phone,
        action=f"portal.{purpose}",
        outcome=outcome,
        detail={"reason": getattr(error, "code", "")},
    )
    assert error is not None
    raise error


def citizen_register(*, phone: str, code: str) -> Citizen:
    """A new account for a phone whose code checks out; real-name verification comes next."""
    phone = normalise_phone(phone)
    _check_code(phone=phone, purpose=SmsPurpose.REGISTER, code=code)
    index = sms.phone_index(phone)
    if Citizen.objects.filter(phone_index=index).exists():
        raise Conflict(
            code="phone_registered", message="该手机号已注册，请直接登录", fields={"phone": "已注册"}
        )
    citizen = Citizen(
        phone_enc=pii.encrypt_text(phone),
        phone_index=index,
        phone_masked=pii.mask_phone(phone),
        last_login_at=timezone.now(),
    )
    _save_unique(citizen, code="phone_registered", message="该手机号已注册，请直接登录")
    _audit(phone=phone, action="portal.register")
    return citizen


def citizen_login(*, phone: str, code: str) -> Citizen:
    phone = normalise_phone(phone)
    _check_code(phone=phone, purpose=SmsPurpose.LOGIN, code=code)
    citizen = Citizen.objects.filter(phone_index=sms.phone_index(phone)).first()
    if citizen is None:
        raise InvalidInput(
            code="not_registered", message="该手机号尚未注册，请先注册", fields={"phone": "未注册"}
        )
    if not citizen.is_active:
        raise Forbidden(code="citizen_disabled", message="账号已停用，请联系登记机构")
    citizen.last_login_at = timezone.now()
    citizen.save(update_fields=["last_login_at"])
    _audit(phone=phone, action="portal.login")
    return citizen


def resident_id_ok(value: str) -> bool:
    """18-digit 居民身份证号 with its ISO 7064 check character."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == value[17]


def citizen_verify(*, citizen: Citizen, name: str, id_number: str) -> Citizen:
    """实名核验: name + 居民身份证号 checked by the 公安 service (through sharing); on success the
    identity is stored encrypted and the applicant's SM2 signing key pair is made."""
    name = " ".join(str(name or "").split())
    id_number = pii.normalise_id_number(str(id_number or ""))
    errors: dict[str, str] = {}
    if not 2 <= len(name) <= 50 or "\x00" in name:
        errors["name"] = "请填写身份证上的姓名"
    if not resident_id_ok(id_number):
        errors["id_number"] = "居民身份证号码格式或校验位有误"
    if errors:
        raise invalid_fields(errors)
    if citizen.is_verified:
        raise Conflict(code="already_verified", message="账号已完成实名核验")
    index = pii.blind_index(id_number)
    if Citizen.objects.filter(id_index=index).exclude(pk=citizen.pk).exists():
        raise Conflict(
            code="id_bound", message="该身份证号已绑定其他账号", fields={"id_number": "已绑定其他账号"}
        )
    phone = pii.decrypt_text(citizen.phone_enc)
    result = identity_verify(name=name, id_number=id_number, operator=_operator(phone))
    _require_pass(
        result,
        phone=phone,
        action="portal.verify",
        kind="identity",
        failure="姓名与身份证号核验未通过",
        field="name",
    )
    private_hex = keys.key_generate()
    with transaction.atomic():
        locked = Citizen.objects.select_for_update().get(pk=citizen.pk)
        if locked.is_verified:
            raise Conflict(code="already_verified", message="账号已完成实名核验")
        locked.name_enc = pii.encrypt_text(name)
        locked.name_masked = pii.mask_name(name, organisation=False)
        locked.id_number_enc = pii.encrypt_text(id_number)
        locked.id_masked = pii.mask_id_number(id_number)
        locked.id_index = index
        locked.verified_at = timezone.now()
        locked.sign_public_key = keys.public_key_of(private_hex)
        locked.sign_private_enc = keys.seal(private_hex)
        _save_unique(locked, code="id_bound", message="该身份证号已绑定其他账号")
    _audit(phone=phone, action="portal.verify")
    return locked


def citizen_face_check(*, citizen: Citizen, image: bytes) -> Citizen:
    """人脸核验 through the configured checker (JPEG or PNG, at most 5 MB)."""
    if not citizen.is_verified:
        raise Conflict(code="not_verified", message="请先完成实名核验")
    if not image:
        raise invalid_fields({"photo": "请上传照片"})
    if len(image) > FACE_MAX_BYTES:
        raise invalid_fields({"photo": "照片不能超过 5 MB"})
    if not (image.startswith(b"\xff\xd8\xff") or image.startswith(b"\x89PNG\r\n\x1a\n")):
        raise invalid_fields({"photo": "只接受 JPEG 或 PNG 照片"})
    phone = pii.decrypt_text(citizen.phone_enc)
    result = face_checker().check(
        id_number=pii.decrypt_text(citizen.id_number_enc), image=image, operator=_operator(phone)
    )
    _require_pass(
        result, phone=phone, action="portal.face", kind="face", failure="人脸核验未通过", field="photo"
    )
    citizen.face_checked_at = timezone.now()
    citizen.save(update_fields=["face_checked_at"])
    _audit(phone=phone, action="portal.face")
    return citizen
