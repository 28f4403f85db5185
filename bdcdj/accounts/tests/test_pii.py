"""Field encryption, blind index and masking of personal data, and the audited reveal."""

import base64
import json

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from bdcdj.accounts import pii
from bdcdj.accounts.models import AuditLog
from bdcdj.accounts.services import pii_reveal
from bdcdj.accounts.tests.conftest import HOME, OTHER
from bdcdj.core.errors import DomainError, Forbidden, InvalidInput

ID_NUMBER = "34012119900101123X"
OTHER_KEY = "ffeeddccbbaa99887766554433221100"


def test_encrypted_text_round_trips_and_hides_the_value():
    token = pii.encrypt_text("张小三")
    assert token != pii.encrypt_text("张小三")  # fresh IV each time
    assert "张" not in token
    assert len(base64.b64decode(token)) == 32
    assert pii.decrypt_text(token) == "张小三"


def test_empty_text_stays_empty():
    assert pii.encrypt_text("") == ""
    assert pii.decrypt_text("") == ""


def test_decrypting_with_another_key_fails():
    token = pii.encrypt_text("欧阳小三")
    with override_settings(BDCDJ_PII_KEY=OTHER_KEY), pytest.raises(pii.PiiDecryptError):
        pii.decrypt_text(token)
    assert pii.decrypt_text(token) == "欧阳小三"  # the cache follows the setting back


@pytest.mark.parametrize(
    "token",
    ["not base64!", base64.b64encode(b"short").decode(), base64.b64encode(bytes(31)).decode()],
)
def test_damaged_ciphertext_raises_a_pii_decrypt_error(token):
    with pytest.raises(pii.PiiDecryptError):
        pii.decrypt_text(token)


def test_tampered_ciphertext_does_not_return_the_value():
    raw = bytearray(base64.b64decode(pii.encrypt_text("张三")))
    raw[-1] ^= 0x01
    try:
        result: str | None = pii.decrypt_text(base64.b64encode(bytes(raw)).decode())
    except pii.PiiDecryptError:
        result = None
    assert result != "张三"


def test_blind_index_is_stable_and_normalised():
    index = pii.blind_index(ID_NUMBER)
    assert len(index) == 64
    assert pii.blind_index(ID_NUMBER) == index
    assert pii.blind_index("340121 19900101 123x") == index
    assert pii.blind_index(" 34012119900101123x\t") == index
    assert pii.blind_index("３４０１２１１９９００１０１１２３ｘ") == index  # full-width input
    assert pii.blind_index("340121199001011234") != index


def test_blind_index_of_nothing_is_empty():
    assert pii.blind_index("") == ""
    assert pii.blind_index("   ") == ""


def test_blind_index_is_keyed_and_separate_from_the_encryption_key():
    index = pii.blind_index(ID_NUMBER)
    with override_settings(BDCDJ_INDEX_KEY=OTHER_KEY):
        assert pii.blind_index(ID_NUMBER) != index
    with override_settings(BDCDJ_PII_KEY=OTHER_KEY):
        assert pii.blind_index(ID_NUMBER) != index  # derived index key follows the PII key
    assert pii.blind_index(ID_NUMBER) == index


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("张小三", "张*三"),
        ("欧阳小三", "欧**三"),
        ("阿卜杜拉·买买提", "阿******提"),
        ("李", "李"),
        (" 张小三 ", "张*三"),
        ("长丰县城市建设投资有限公司", "长丰县城市建设投资有限公司"),
        ("合肥科技农村商业银行", "合肥科技农村商业银行"),
        ("工商银行", "工商银行"),
    ],
)
def test_names_are_masked_except_organisations(name, masked):
    assert pii.mask_name(name) == masked


def test_the_caller_can_say_whether_a_party_is_an_organisation():
    assert pii.mask_name("王建设", organisation=True) == "王建设"
    assert pii.mask_name("中心小学", organisation=False) == "中**学"


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("340121199001011234", "3401**********1234"),
        ("34012119900101123x", "3401**********123X"),
        ("340121900101123", "3401*******1123"),  # old 15-digit number
        ("12345678", "********"),
        ("", ""),
    ],
)
def test_id_numbers_keep_region_prefix_and_last_four(number, masked):
    assert pii.mask_id_number(number) == masked


def test_phone_and_username_masks():
    assert pii.mask_phone("138 0013 8000") == "138****8000"
    assert pii.mask_username("zhangsan") == "z***"
    assert pii.mask_username("My-Secret-Passw0rd") == "M***"
    assert pii.mask_username("") == ""


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_encrypt_decrypt_round_trip_property(text):
    assert pii.decrypt_text(pii.encrypt_text(text)) == text


@settings(max_examples=100, deadline=None)
@given(
    digits=st.text(alphabet="0123456789", min_size=17, max_size=17),
    check=st.sampled_from("0123456789Xx"),
    cuts=st.lists(st.integers(min_value=0, max_value=18), max_size=4),
)
def test_blind_index_ignores_spaces_and_case_property(digits, check, cuts):
    number = digits + check
    spaced = number
    for cut in sorted(set(cuts), reverse=True):
        spaced = spaced[:cut] + " " + spaced[cut:]
    assert pii.blind_index(spaced) == pii.blind_index(number.upper())


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="0123456789X", min_size=9, max_size=20))
def test_masked_id_number_keeps_length_and_ends_property(number):
    masked = pii.mask_id_number(number)
    assert len(masked) == len(number)
    assert masked[:4] == number[:4] and masked[-4:] == number[-4:]
    assert set(masked[4:-4]) <= {"*"}


# --- the audited reveal ---


def _reveal(user, token, region=HOME, purpose="核对权利人身份"):
    return pii_reveal(
        user=user, ciphertext=token, purpose=purpose, object_type="party", object_id="42", region_code=region
    )


def test_registrar_can_reveal_and_the_read_is_audited_without_the_value(registrar):
    token = pii.encrypt_text(ID_NUMBER)
    assert _reveal(registrar, token) == ID_NUMBER
    entry = AuditLog.objects.get(action="pii.reveal")
    assert (entry.actor, entry.outcome, entry.object_type, entry.object_id, entry.region_code) == (
        registrar,
        "ok",
        "party",
        "42",
        HOME,
    )
    assert entry.detail["purpose"] == "核对权利人身份"
    stored = json.dumps([entry.detail, entry.actor_name, entry.object_id], ensure_ascii=False)
    assert ID_NUMBER not in stored and ID_NUMBER.lower() not in stored
    assert token not in stored


def test_clerk_without_pii_role_is_refused_and_the_refusal_is_audited(clerk):
    with pytest.raises(Forbidden) as exc:
        _reveal(clerk, pii.encrypt_text("张小三"))
    assert exc.value.code == "pii_forbidden"
    assert "权限" in exc.value.message
    entry = AuditLog.objects.get(action="pii.reveal")
    assert entry.outcome == "denied"


def test_reveal_in_another_district_is_refused(registrar):
    with pytest.raises(Forbidden) as exc:
        _reveal(registrar, pii.encrypt_text("张小三"), region=OTHER)
    assert exc.value.code == "other_district"
    assert AuditLog.objects.get(action="pii.reveal").outcome == "denied"


def test_reveal_needs_a_purpose(registrar):
    with pytest.raises(InvalidInput) as exc:
        _reveal(registrar, pii.encrypt_text("张小三"), purpose="  ")
    assert exc.value.fields == {"purpose": "必填"}
    assert not AuditLog.objects.filter(action="pii.reveal").exists()


def test_reveal_of_damaged_data_is_a_domain_error_and_audited(registrar):
    with pytest.raises(DomainError) as exc:
        _reveal(registrar, "AAAA" * 8)
    assert exc.value.code == "pii_undecryptable"
    assert AuditLog.objects.get(action="pii.reveal").outcome == "error"
