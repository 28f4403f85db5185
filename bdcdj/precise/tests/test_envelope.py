"""The envelope: SM2 key wrapping checked against gmssl, signatures over every field, tamper."""

from __future__ import annotations

import base64
import json

import pytest
from asn1crypto.core import Integer, OctetString, Sequence
from gmssl import sm2

from bdcdj.core.errors import Forbidden, InvalidInput
from bdcdj.precise import envelope
from bdcdj.precise.tests.conftest import COUNTY_KEY, NATIONAL_KEY


class Sm2Cipher(Sequence):
    _fields = [("x", Integer), ("y", Integer), ("hash", OctetString), ("cipher", OctetString)]


def test_sm2_wrapped_key_decrypts_with_an_independent_implementation():
    secret = b"0123456789abcdef"
    der = envelope.sm2_encrypt(public_key_hex=envelope.public_key_of(COUNTY_KEY), plaintext=secret)
    parsed = Sm2Cipher.load(der)
    c1 = f"{parsed['x'].native:064x}{parsed['y'].native:064x}"
    c1c3c2 = bytes.fromhex(c1) + parsed["hash"].native + parsed["cipher"].native
    crypt = sm2.CryptSM2(private_key=COUNTY_KEY, public_key=envelope.public_key_of(COUNTY_KEY)[2:], mode=1)
    assert crypt.decrypt(c1c3c2) == secret


def _sealed(payload=None) -> bytes:
    return envelope.seal(
        kind="result",
        sender="340121",
        recipient="100000",
        task="JQ1",
        payload=payload if payload is not None else {"units": ["340121001001GB00001F00010001"]},
        recipient_public_key_hex=envelope.public_key_of(NATIONAL_KEY),
        signing_key_hex=COUNTY_KEY,
    )


def test_only_the_recipient_reads_the_payload_and_the_bytes_hide_it():
    raw = _sealed()
    assert b"340121001001GB00001F00010001" not in raw
    env = envelope.parse(raw)
    envelope.verify(env, public_key_hex=envelope.public_key_of(COUNTY_KEY))
    assert envelope.open_payload(env, private_key_hex=NATIONAL_KEY)["units"] == [
        "340121001001GB00001F00010001"
    ]
    with pytest.raises(InvalidInput) as refused:
        envelope.open_payload(env, private_key_hex=COUNTY_KEY)
    assert refused.value.code == "envelope_undecryptable"


@pytest.mark.parametrize("field", ["data", "key", "task", "nonce", "recipient", "sent_at"])
def test_any_changed_field_breaks_the_signature(field):
    fields = json.loads(_sealed())
    if field in {"data", "key"}:
        raw = bytearray(base64.b64decode(fields[field]))
        raw[-1] ^= 1
        fields[field] = base64.b64encode(bytes(raw)).decode()
    elif field == "nonce":
        fields[field] = "0" * 32
    elif field == "sent_at":
        fields[field] = "2030-01-01T00:00:00Z"
    else:
        fields[field] = "340122" if field == "recipient" else "JQ2"
    env = envelope.parse(json.dumps(fields).encode())
    with pytest.raises(Forbidden) as refused:
        envelope.verify(env, public_key_hex=envelope.public_key_of(COUNTY_KEY))
    assert refused.value.code == "signature_invalid"


def test_a_signature_by_another_key_is_refused():
    env = envelope.parse(_sealed())
    with pytest.raises(Forbidden):
        envelope.verify(env, public_key_hex=envelope.public_key_of(NATIONAL_KEY))


def test_resealing_keeps_the_content_and_changes_nonce_and_signature():
    raw = _sealed()
    again = envelope.reseal(raw, signing_key_hex=COUNTY_KEY)
    first, second = json.loads(raw), json.loads(again)
    assert (first["key"], first["data"]) == (second["key"], second["data"])
    assert first["nonce"] != second["nonce"]
    envelope.verify(envelope.parse(again), public_key_hex=envelope.public_key_of(COUNTY_KEY))


@pytest.mark.parametrize("raw", [b"", b"not json", b"[]", b'{"v": 1}', '{"v":1,"x":"中"}'.encode()])
def test_malformed_envelopes_are_refused_as_invalid_input(raw):
    with pytest.raises(InvalidInput):
        envelope.parse(raw)
