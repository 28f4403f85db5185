"""Real-name verification through the sharing app, against the department simulator."""

import pytest

from bdcdj.accounts import pii
from bdcdj.core.errors import Conflict, InvalidInput
from bdcdj.portal.services import ServiceUnavailable, citizen_face_check, citizen_verify, keys

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_verified_identity_is_encrypted_masked_and_gets_a_signing_key(verified, people):
    name, id_number = people[0]
    citizen = verified(0)
    assert citizen.is_verified
    assert pii.decrypt_text(citizen.name_enc) == name and name not in citizen.name_enc
    assert citizen.id_index == pii.blind_index(id_number)
    assert citizen.id_masked == pii.mask_id_number(id_number)
    private_hex = keys.open_sealed(citizen.sign_private_enc)
    assert private_hex not in citizen.sign_private_enc
    signature = keys.sign_as(sealed_private_key=citizen.sign_private_enc, data=b"application")
    assert keys.verify(public_key_hex=citizen.sign_public_key, data=b"application", signature_hex=signature)
    assert not keys.verify(public_key_hex=citizen.sign_public_key, data=b"tampered", signature_hex=signature)


def test_a_wrong_name_fails_the_police_check(make_citizen, sim, people):
    _, id_number = people[1]
    citizen = make_citizen()
    with pytest.raises(InvalidInput) as exc:
        citizen_verify(citizen=citizen, name="查无此名", id_number=id_number)
    assert exc.value.code == "identity_mismatch"
    citizen.refresh_from_db()
    assert not citizen.is_verified and citizen.id_index == ""


def test_a_bad_check_digit_is_refused_before_asking_the_department(make_citizen, sim, people):
    name, id_number = people[0]
    wrong = id_number[:17] + ("0" if id_number[17] != "0" else "1")
    with pytest.raises(InvalidInput) as exc:
        citizen_verify(citizen=make_citizen(), name=name, id_number=wrong)
    assert exc.value.fields == {"id_number": "居民身份证号码格式或校验位有误"}


def test_one_person_binds_one_account(verified, make_citizen, people):
    verified(2)
    name, id_number = people[2]
    with pytest.raises(Conflict) as exc:
        citizen_verify(citizen=make_citizen(), name=name, id_number=id_number)
    assert exc.value.code == "id_bound"


def test_department_down_is_service_unavailable(make_citizen, sim, people):
    sim.control("outage", {"down": True})
    name, id_number = people[3]
    with pytest.raises(ServiceUnavailable) as exc:
        citizen_verify(citizen=make_citizen(), name=name, id_number=id_number)
    assert exc.value.status_code == 503


def test_face_check_asks_the_police_with_a_digest(verified):
    citizen = verified(4)
    with pytest.raises(InvalidInput) as exc:
        citizen_face_check(citizen=citizen, image=PNG)  # not this person's registered photo
    assert exc.value.code == "face_mismatch"
    with pytest.raises(InvalidInput):
        citizen_face_check(citizen=citizen, image=b"MZ\x90\x00 not an image")
    citizen.refresh_from_db()
    assert citizen.face_checked_at is None
