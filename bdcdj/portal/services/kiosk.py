"""24小时自助终端: registered terminals, identity at the terminal (ID card + face, both checked
by 公安 through the sharing app), and the rating given on the terminal after service.

A terminal proves itself with its id and secret (kept as a keyed digest). Nothing here keeps a
clear ID number: audit rows carry the terminal id and the masked number.
"""

from __future__ import annotations

import hmac
import re
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from bdcdj.accounts import pii
from bdcdj.accounts.models import AuditLog, User
from bdcdj.accounts.selectors import require_page, require_tenant
from bdcdj.accounts.services import audit_record, user_create
from bdcdj.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, invalid_fields
from bdcdj.portal.face import face_checker
from bdcdj.portal.kiosk_hardware import CardData, kiosk_hardware
from bdcdj.portal.models import Appointment, Citizen, KioskDevice, Office, Rating, RatingChannel, Window
from bdcdj.portal.services.accounts import resident_id_ok
from bdcdj.portal.services.errors import ServiceUnavailable
from bdcdj.sharing.services import CheckOutcome, identity_verify

DEVICE_ID_RE = re.compile(r"^[A-Za-z0-9_-]{3,40}$")
KIOSK_ROLE = "clerk"  # 发证 at the terminal is recorded under the district's kiosk account


def _secret_digest(secret: str) -> str:
    return pii.keyed_digest(secret, purpose="portal.kiosk")


DEVICES_PAGE = "portal.kiosks"


def kiosk_device_register(
    *, office: Office, device_id: str, name: str, window: Window | None = None, by: User | None = None
) -> tuple[KioskDevice, str]:
    """Register a terminal; returns it and its secret, which is shown this once only. `by`
    None is the command line (`manage.py kiosk_register`)."""
    if by is not None:
        require_page(user=by, page=DEVICES_PAGE, write=True)
        require_tenant(user=by, region_code=office.region_code)
    device_id = (device_id or "").strip()
    if not DEVICE_ID_RE.match(device_id):
        raise invalid_fields({"device_id": "终端编号为3–40位字母、数字、下划线或短横线"})
    if window is not None and window.office_id != office.pk:
        raise invalid_fields({"window": "窗口不属于该办事大厅"})
    secret = secrets.token_urlsafe(24)
    device = KioskDevice(
        region_code=office.region_code,
        office=office,
        window=window,
        device_id=device_id,
        name=(name or "").strip()[:100] or device_id,
        secret_digest=_secret_digest(secret),
    )
    device.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            device.save()
    except IntegrityError as exc:
        raise Conflict(
            code="device_exists", message="该终端编号已登记", fields={"device_id": "已登记"}
        ) from exc
    audit_record(
        actor=by,
        actor_name=None if by is not None else f"kiosk:{device_id}",
        action="portal.kiosk_register",
        object_type="portal.kiosk",
        object_id=str(device.pk),
        region_code=device.region_code,
        detail={"device_id": device_id},
    )
    return device, secret


def kiosk_device_disable(*, device_pk: int, by: User) -> KioskDevice:
    """停用: the terminal's cookie stops working at once (register it again to re-enable)."""
    require_page(user=by, page=DEVICES_PAGE, write=True)
    device = KioskDevice.objects.filter(pk=device_pk).first()
    if device is None:
        raise NotFound(code="device_not_found", message="终端不存在")
    require_tenant(user=by, region_code=device.region_code)
    if not device.is_active:
        raise Conflict(code="device_disabled", message="该终端已停用")
    device.is_active = False
    device.save(update_fields=["is_active"])
    audit_record(
        actor=by,
        action="portal.kiosk_disable",
        object_type="portal.kiosk",
        object_id=str(device.pk),
        region_code=device.region_code,
        detail={"device_id": device.device_id},
    )
    return device


UNREGISTERED = "本终端未登记或已停用，不能进入自助模式"


def kiosk_device_authenticate(*, device_id: str, secret: str) -> KioskDevice:
    """The active terminal with this id and secret, or Forbidden (same answer for every miss)."""
    device = (
        KioskDevice.objects.select_related("office", "window")
        .filter(device_id=(device_id or "")[:40], is_active=True, office__is_active=True)
        .first()
    )
    expected = device.secret_digest if device is not None else "0" * 64
    if device is None or not hmac.compare_digest(expected, _secret_digest(secret or "")):
        raise Forbidden(code="kiosk_unregistered", message=UNREGISTERED)
    return device


def kiosk_device_seen(*, device: KioskDevice) -> None:
    KioskDevice.objects.filter(pk=device.pk).update(last_seen_at=timezone.now())


def _operator(device: KioskDevice) -> str:
    return f"kiosk:{device.device_id}"


def _audit(device: KioskDevice, action: str, *, outcome: str = AuditLog.Outcome.OK, **detail: object) -> None:
    audit_record(
        actor=None,
        actor_name=_operator(device),
        action=action,
        object_type="portal.kiosk",
        object_id=str(device.pk),
        region_code=device.region_code,
        outcome=outcome,
        detail=dict(detail),
    )


def kiosk_card_read(*, device: KioskDevice, keyed: str) -> CardData:
    """读卡: the card's name and number (the simulated reader takes the keyed number)."""
    id_number = pii.normalise_id_number(str(keyed or ""))
    if not resident_id_ok(id_number):
        raise invalid_fields({"id_number": "居民身份证号码格式或校验位有误"})
    card = kiosk_hardware().read_card(keyed=id_number)
    if card is None:
        raise InvalidInput(
            code="card_unreadable", message="未能读取身份证，请重新放置证件", fields={"id_number": "读卡失败"}
        )
    return card


def _require(result: CheckOutcome, *, device: KioskDevice, card: CardData, kind: str, failure: str) -> None:
    if result.status == "unavailable":
        raise ServiceUnavailable(code=f"{kind}_unavailable", message=result.message or "核验服务暂不可用")
    if not result.ok:
        _audit(
            device,
            "portal.kiosk_identify",
            outcome=AuditLog.Outcome.FAILED,
            id=pii.mask_id_number(card.id_number),
            step=kind,
        )
        raise InvalidInput(
            code=f"{kind}_mismatch", message=result.message or failure, fields={kind: "核验未通过"}
        )


def kiosk_identify(*, device: KioskDevice, card: CardData, photo: bytes = b"") -> CardData:
    """身份核验: the card's name and number against 公安, then the camera frame against the
    photo 公安 holds for that number. Both must pass."""
    result = identity_verify(name=card.name, id_number=card.id_number, operator=_operator(device))
    _require(result, device=device, card=card, kind="identity", failure="身份证信息核验未通过")
    image = kiosk_hardware().capture_face(card=card, posted=photo)
    face = face_checker().check(id_number=card.id_number, image=image, operator=_operator(device))
    _require(face, device=device, card=card, kind="face", failure="人脸比对未通过")
    _audit(device, "portal.kiosk_identify", id=pii.mask_id_number(card.id_number))
    return card


def kiosk_account(*, region_code: str) -> User:
    """The district's terminal account (role 受理人员, no usable password): 发证 done at a
    terminal is recorded under it. Created on first use."""
    username = f"kiosk-{region_code}"
    found = User.objects.filter(username=username).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            account = user_create(
                username=username,
                password="Ks#" + secrets.token_urlsafe(24),
                display_name=f"自助终端（{region_code}）",
                organisation=None,
                roles=[KIOSK_ROLE],
                region_codes=[region_code],
                is_staff=False,
            )
            account.set_unusable_password()
            account.save(update_fields=["password"])
    except (IntegrityError, DomainError):
        concurrent = User.objects.filter(username=username).first()
        if concurrent is None:
            raise
        return concurrent
    return account


def kiosk_rating_submit(
    *, device: KioskDevice, score: int, person: CardData | None = None, comment: str = ""
) -> Rating:
    """好差评 on the terminal. With an identified person whose appointment was served today in
    this district, the rating belongs to that office and window (once per appointment);
    otherwise to the terminal's own office and window."""
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise invalid_fields({"score": "请选择评价等级"})
    comment = " ".join((comment or "").split())[:500]
    now = timezone.now()
    appointment = None
    citizen = None
    if person is not None:
        index = pii.blind_index(person.id_number)
        citizen = Citizen.objects.filter(id_index=index).first()
        appointment = (
            Appointment.objects.select_related("slot__office", "window")
            .filter(
                citizen__id_index=index,
                region_code=device.region_code,
                served_at__date=timezone.localdate(now),
                rating__isnull=True,
            )
            .order_by("-served_at", "-id")
            .first()
        )
    rating = Rating(
        region_code=device.region_code,
        citizen=citizen,
        business_type=appointment.business_type if appointment else "",
        score=score,
        comment=comment,
        created_at=now,
        channel=RatingChannel.KIOSK,
        office=appointment.slot.office if appointment else device.office,
        window=appointment.window if appointment else device.window,
        appointment=appointment,
        device=device,
    )
    rating.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError as exc:
        raise Conflict(code="already_rated", message="本次服务已评价") from exc
    _audit(device, "portal.kiosk_rate", score=score, window=rating.window_id)
    return rating
