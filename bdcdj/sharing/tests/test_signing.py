"""Signatures and replay protection, both directions, over the real network hop."""

import json
import urllib.error
import urllib.request

import pytest

from bdcdj.sharing import signing
from bdcdj.sharing.client import key_for
from bdcdj.sharing.services import identity_verify
from bdcdj.sharing.simulator.population import demo_population

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def person():
    people = demo_population(("small",)).people
    number = sorted(people)[1]
    return people[number], number


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _signed(sim, body: bytes, *, key: bytes | None = None) -> tuple[str, dict[str, str]]:
    path = "/police/identity.id_card"
    headers = signing.sign_request(
        key=key or key_for("police"), method="POST", path=path, body=body, department="police"
    )
    return sim.url + path, headers


def test_department_refuses_a_tampered_request(sim, person):
    body = json.dumps(
        {"kind": "identity.id_card", "params": {"name": person[0], "id_number": person[1]}}
    ).encode()
    url, headers = _signed(sim, body)
    status, answer = _post(url, body.replace(b"identity", b"identitx"), headers)
    assert status == 401 and "验签失败" in answer["message"]
    status, answer = _post(url, body, _signed(sim, body, key=b"k" * 16)[1])
    assert status == 401


def test_department_refuses_a_replayed_request(sim, person):
    body = json.dumps(
        {"kind": "identity.id_card", "params": {"name": person[0], "id_number": person[1]}}
    ).encode()
    url, headers = _signed(sim, body)
    assert _post(url, body, headers)[0] == 200
    status, answer = _post(url, body, headers)
    assert status == 409 and "重复" in answer["message"]


def test_department_refuses_a_stale_request(sim, person):
    body = b'{"kind": "identity.id_card", "params": {}}'
    url, headers = _signed(sim, body)
    headers[signing.H_TIME] = str(int(headers[signing.H_TIME]) - 3600)
    assert _post(url, body, headers)[0] == 401


def test_client_refuses_a_tampered_response(sim, person):
    sim.control("tamper", {"response_signature": True})
    outcome = identity_verify(name=person[0], id_number=person[1], operator="clerk")
    assert outcome.status == "unavailable" and "验签" in outcome.message


def test_client_refuses_a_replayed_response(sim, person):
    assert identity_verify(name=person[0], id_number=person[1], operator="clerk").ok
    sim.control("tamper", {"replay_response": True})
    outcome = identity_verify(name=person[0], id_number=person[1], operator="clerk")
    assert outcome.status == "unavailable" and "重放" in outcome.message


def test_verify_response_accepts_only_the_matching_request():
    key = b"0123456789abcdef"
    headers = signing.sign_response(key=key, status=200, request_nonce="n1", body=b"{}")
    signing.verify_response(key=key, status=200, request_nonce="n1", body=b"{}", headers=headers)
    with pytest.raises(signing.SignatureError):
        signing.verify_response(key=key, status=200, request_nonce="n2", body=b"{}", headers=headers)
    with pytest.raises(signing.SignatureError):
        signing.verify_response(key=key, status=201, request_nonce="n1", body=b"{}", headers=headers)
