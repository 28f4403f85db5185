"""The public query: natural status and restriction flags by unit code, certificate number or
坐落, paginated, rate-limited, never a name or ID number."""

import json

import pytest
from django.test import Client

from bdcdj.cases.tests import helpers as h
from bdcdj.certs.tests.helpers import sale
from bdcdj.query.selectors import public_query
from bdcdj.register.models import Party

pytestmark = pytest.mark.django_db


@pytest.fixture
def houses(staff):
    rows = h.titled_house(staff.registrar, owner=h.SELLER, households=3)
    h.mortgage(staff.registrar, rows[0][0], owner=h.SELLER)
    return rows


def _no_personal_data(text: str) -> None:
    for person in (h.SELLER, h.BANK):
        assert person.name not in text and person.id_number not in text
    for party in Party.objects.all():
        if party.party_type == "1":
            assert party.name_masked not in text and party.id_masked not in text


def test_query_by_unit_code_on_the_page_shows_status_and_mortgage_without_people(houses):
    unit, _ = houses[0]
    page = Client().get("/query/", {"by": "unit", "q": unit.code})
    body = page.content.decode()
    assert page.status_code == 200 and unit.code in body and unit.location in body
    assert 'data-kind="mortgage"><span class="badge seized">有' in body and 'data-kind="seizure">无' in body
    _no_personal_data(body)


def test_query_by_location_pages_through_units_in_the_api(houses):
    location = houses[0][0].location[:6]
    first = Client().get("/api/query/v1/public", {"by": "location", "q": location, "page_size": 2}).json()
    second = (
        Client()
        .get("/api/query/v1/public", {"by": "location", "q": location, "page_size": 2, "page": 2})
        .json()
    )
    assert (
        first["total"] == 3 and first["pages"] == 2 and len(first["items"]) == 2 and len(second["items"]) == 1
    )
    assert first["items"][0]["mortgaged"] is True and first["items"][1]["mortgaged"] is False
    assert first["items"][0]["restrictions"][0]["label"] == "抵押"
    _no_personal_data(json.dumps([first, second], ensure_ascii=False))


def test_query_by_certificate_number(staff, houses):
    case = sale(staff, unit_code=houses[1][0].code)
    found = public_query(by="certificate", text=case.certificates.get().number)
    assert [u.status.unit_code for u in found.items] == [houses[1][0].code]
    assert found.items[0].right_type_label and not found.items[0].has("mortgage")


def test_bad_input_is_answered_in_chinese():
    client = Client()
    malformed = client.get("/api/query/v1/public", {"by": "unit", "q": "123"})
    assert malformed.status_code == 400 and malformed.json()["message"]
    short = client.get("/query/", {"by": "location", "q": "路"})
    assert short.status_code == 400 and "坐落查询至少输入2个字" in short.content.decode()
    kind = client.get("/api/query/v1/public", {"by": "owner", "q": "张三"})
    assert kind.status_code == 400 and kind.json()["message"] == "请选择查询方式"
    missing = client.get("/api/query/v1/public", {"by": "unit", "q": "340121001001GB00001F00010099"})
    assert missing.status_code == 404 and "未查询到" in missing.json()["message"]


def test_public_query_is_rate_limited_per_client(settings, houses):
    settings.BDCDJ_PUBLIC_RATE_LIMIT = "2/600"
    client = Client(REMOTE_ADDR="198.51.100.9")
    codes = [client.get("/query/", {"by": "unit", "q": houses[0][0].code}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    api = client.get("/api/query/v1/public", {"by": "unit", "q": houses[0][0].code})
    assert api.status_code == 429 and "查询过于频繁" in api.json()["message"]
