from datetime import timedelta

import pytest
from django.utils import timezone

from bdcdj.accounts.models import AuditLog
from bdcdj.core.errors import Conflict, InvalidInput
from bdcdj.portal import sms
from bdcdj.portal.models import Citizen, SmsCode, SmsOutbox
from bdcdj.portal.services import RateLimited, citizen_login, citizen_register
from bdcdj.portal.tests.conftest import last_code

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def _age_codes(phone: str, *, minutes: int) -> None:
    SmsCode.objects.filter(phone_index=sms.phone_index(phone)).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_register_then_login_with_codes_from_the_outbox(districts, send):
    send(PHONE, "register", "10.0.0.1")
    citizen = citizen_register(phone=PHONE, code=last_code(PHONE))
    assert citizen.phone_masked == "139****5678"
    assert PHONE not in citizen.phone_enc and not citizen.is_verified
    _age_codes(PHONE, minutes=2)
    send(PHONE, "login", "10.0.0.1")
    assert citizen_login(phone=PHONE, code=last_code(PHONE)).pk == citizen.pk


def test_codes_are_stored_only_as_keyed_digests(districts, send):
    send(PHONE, "register", None)
    code = last_code(PHONE)
    row = SmsCode.objects.get()
    assert code not in row.code_digest and len(row.code_digest) == 64
    assert row.expires_at - row.created_at == timedelta(minutes=5)


def test_a_wrong_code_is_refused_and_counted(districts, send):
    send(PHONE, "register", None)
    code = last_code(PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    with pytest.raises(InvalidInput) as exc:
        citizen_register(phone=PHONE, code=wrong)
    assert exc.value.fields == {"code": "验证码错误"}
    assert SmsCode.objects.get().attempts == 1
    assert not Citizen.objects.exists()
    assert AuditLog.objects.filter(action="portal.register", outcome="failed").exists()


def test_an_expired_code_is_refused(districts, send):
    send(PHONE, "register", None)
    SmsCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(InvalidInput) as exc:
        citizen_register(phone=PHONE, code=last_code(PHONE))
    assert exc.value.code == "code_expired"


def test_a_code_works_once_and_only_for_its_purpose(districts, send):
    send(PHONE, "register", None)
    code = last_code(PHONE)
    with pytest.raises(InvalidInput):
        citizen_login(phone=PHONE, code=code)  # a registration code does not log in
    citizen_register(phone=PHONE, code=code)
    with pytest.raises(InvalidInput):
        citizen_register(phone=PHONE, code=code)


def test_registering_a_phone_twice_is_a_conflict(districts, send):
    send(PHONE, "register", None)
    citizen_register(phone=PHONE, code=last_code(PHONE))
    _age_codes(PHONE, minutes=2)
    send(PHONE, "register", None)
    with pytest.raises(Conflict):
        citizen_register(phone=PHONE, code=last_code(PHONE))


def test_codes_to_one_phone_are_limited_per_minute_and_per_hour(districts, send):
    send(PHONE, "login", None)
    with pytest.raises(RateLimited) as exc:
        send(PHONE, "login", None)
    assert exc.value.code == "sms_too_soon" and exc.value.status_code == 429
    for _ in range(4):
        _age_codes(PHONE, minutes=2)
        send(PHONE, "login", None)
    _age_codes(PHONE, minutes=2)
    with pytest.raises(RateLimited) as exc:
        send(PHONE, "login", None)
    assert exc.value.code == "sms_phone_limit"
    assert SmsOutbox.objects.count() == 5


def test_codes_from_one_address_are_limited_per_hour(districts, send):
    for n in range(20):
        send(f"1370000{n:04d}", "login", "192.0.2.7")
    with pytest.raises(RateLimited) as exc:
        send("13711112222", "login", "192.0.2.7")
    assert exc.value.code == "sms_address_limit"
    send("13711112222", "login", "192.0.2.8")


def test_guessing_codes_locks_the_phone_even_for_the_right_code(districts, send, settings):
    settings.BDCDJ_LOGIN_MAX_FAILURES = 5
    send(PHONE, "register", None)
    code = last_code(PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(4):
        with pytest.raises(InvalidInput):
            citizen_register(phone=PHONE, code=wrong)
    with pytest.raises(InvalidInput):
        citizen_register(phone=PHONE, code=wrong)  # the fifth failure locks
    with pytest.raises(RateLimited) as exc:
        citizen_register(phone=PHONE, code=code)
    assert exc.value.code == "phone_locked"
    with pytest.raises(RateLimited):
        send(PHONE, "register", None)
    assert AuditLog.objects.filter(action="portal.register", outcome="locked").exists()
    assert not Citizen.objects.exists()


def test_phone_numbers_are_validated_and_never_audited_in_clear(districts, send):
    with pytest.raises(InvalidInput):
        send("12345", "login", None)
    send(PHONE, "login", None)
    row = AuditLog.objects.get(action="portal.sms_send")
    assert PHONE not in row.actor_name and PHONE not in str(row.detail)
