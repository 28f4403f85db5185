"""The register's machine API: masked reads, page permission, tenant isolation, error shapes."""

import pytest
from django.test import Client

from bdcdj.register.models import RegisterEvent
from bdcdj.register.services import record
from bdcdj.register.tests import factories as f

BASE = "/api/register/v1"


@pytest.fixture
def client_for():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def house(registrar):
    unit, title = f.registered_house(registrar)
    record(item=f.mortgage(unit), by=registrar)
    return unit, title


def test_unit_state_is_returned_with_masked_parties(client_for, registrar, house):
    unit, title = house
    response = client_for(registrar).get(f"{BASE}/units/{unit.code}")
    assert response.status_code == 200
    body = response.json()
    assert body["unit"]["code"] == unit.code and body["is_mortgaged"] and not body["is_seized"]
    assert body["title"]["id"] == title.pk and body["title"]["right_type_label"].startswith(
        "国有建设用地使用权"
    )
    holder = body["title"]["parties"][0]
    assert holder["name"] == "张*三" and holder["id_number"] == "3401**********1234"
    assert body["mortgages"][0]["detail"]["rank"] == 1
    assert body["mortgages"][0]["detail"]["secured_amount"] == "80.0000"
    assert f.SELLER.id_number not in response.content.decode()


def test_lowercase_code_is_accepted(client_for, registrar, house):
    unit, _ = house
    assert client_for(registrar).get(f"{BASE}/units/{unit.code.lower()}").status_code == 200


def test_pii_viewers_also_get_masked_parties_here(client_for, pii_user, house):
    unit, _ = house
    body = client_for(pii_user).get(f"{BASE}/units/{unit.code}").json()
    assert body["title"]["parties"][0]["name"] == "张*三"


def test_invalid_unit_code_is_400_with_the_parser_message(client_for, registrar, db):
    response = client_for(registrar).get(f"{BASE}/units/34012100100")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_unit_code" and "28位" in body["message"]


def test_other_district_unit_is_404(client_for, other_district_user, house):
    unit, _ = house
    response = client_for(other_district_user).get(f"{BASE}/units/{unit.code}")
    assert response.status_code == 404 and response.json()["code"] == "unit_not_found"
    assert client_for(other_district_user).get(f"{BASE}/units/{unit.code}/history").status_code == 404


def test_page_permission_is_required(client_for, no_page_user, house):
    unit, _ = house
    response = client_for(no_page_user).get(f"{BASE}/units/{unit.code}")
    assert response.status_code == 403 and response.json()["code"] == "page_forbidden"


def test_anonymous_is_401(house):
    unit, _ = house
    assert Client().get(f"{BASE}/units/{unit.code}").status_code == 401


def test_state_as_of(client_for, registrar, house):
    unit, title = house
    moment = title.registered_at.isoformat()
    body = client_for(registrar).get(f"{BASE}/units/{unit.code}", {"as_of": moment}).json()
    assert body["title"]["id"] == title.pk and body["mortgages"] == []


def test_history(client_for, registrar, house):
    unit, title = house
    record(item=f.transfer(unit, target=title), by=registrar)
    body = client_for(registrar).get(f"{BASE}/units/{unit.code}/history").json()
    assert [e["kind"] for e in body] == ["create", "create", "transfer"]
    assert body[2]["rights_created"][0]["predecessor_id"] == title.pk
    assert body[0]["rights_created"][0]["successor_ids"] == [body[2]["rights_created"][0]["right"]["id"]]


def test_location_search(client_for, registrar, house):
    response = client_for(registrar).get(f"{BASE}/units", {"location": "幸福路", "page": 1})
    assert response.status_code == 200
    body = response.json()
    assert [u["code"] for u in body["items"]] == [house[0].code] and not body["has_next"]


def test_location_search_too_short_is_400(client_for, registrar, db):
    assert client_for(registrar).get(f"{BASE}/units", {"location": "幸"}).status_code == 400


def test_search_by_owner_takes_the_id_number_in_the_body(client_for, registrar, house):
    client = client_for(registrar)
    response = client.post(
        f"{BASE}/units/search-by-owner", {"id_number": f.SELLER.id_number}, content_type="application/json"
    )
    assert response.status_code == 200 and [u["code"] for u in response.json()] == [house[0].code]
    assert (
        client.post(f"{BASE}/units/search-by-owner", {}, content_type="application/json").status_code == 422
    )


def test_chain_verify_endpoint(client_for, registrar, other_district_user, house):
    body = client_for(registrar).get(f"{BASE}/chain/{f.REGION}/verify").json()
    assert body["ok"] and body["checked"] == RegisterEvent.objects.count()
    assert body["message"] == f"链校验通过 {body['checked']} 条"
    assert client_for(other_district_user).get(f"{BASE}/chain/{f.REGION}/verify").status_code == 403


def test_chain_verify_needs_its_page(client_for, house):
    user = f.make_user(pages=("register.units",))
    assert client_for(user).get(f"{BASE}/chain/{f.REGION}/verify").status_code == 403
