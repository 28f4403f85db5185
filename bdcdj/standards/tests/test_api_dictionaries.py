"""The public reference API under /api/standards/: no login, Chinese errors, OpenAPI summaries."""

import pytest
from django.test import Client

from bdcdj.api import api

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous() -> Client:
    return Client()


def test_dictionary_list_is_public_and_shows_every_version(anonymous):
    response = anonymous.get("/api/standards/dictionaries")
    assert response.status_code == 200
    rows = {(row["code"], row["version"]): row for row in response.json()}
    assert rows[("QLLX", "2015")]["name"] == "权利类型"
    assert ("QLLX", "2021") in rows and ("QLRTZ", "2021") in rows and ("QLRTZ", "2015") not in rows
    assert rows[("FWYT", "2021")]["source"] == "A17"


def test_dictionary_list_can_be_limited_to_one_version(anonymous):
    rows = anonymous.get("/api/standards/dictionaries", {"version": "2015"}).json()
    assert rows and {row["version"] for row in rows} == {"2015"}


def test_dictionary_detail_defaults_to_2021(anonymous):
    body = anonymous.get("/api/standards/dictionaries/QLLX").json()
    assert (body["code"], body["version"], body["name"]) == ("QLLX", "2021", "权利类型")
    assert {"code": "37", "label": "抵押权", "parent_code": ""} in body["items"]


def test_dictionary_detail_of_an_older_version_and_lower_case_code(anonymous):
    body = anonymous.get("/api/standards/dictionaries/qllx", {"version": "2015"}).json()
    assert body["version"] == "2015"
    assert "37" not in {item["code"] for item in body["items"]}


def test_hierarchical_items_carry_their_parent(anonymous):
    items = anonymous.get("/api/standards/dictionaries/TDYT").json()["items"]
    assert {"code": "071", "label": "城镇住宅用地", "parent_code": "07"} in items


def test_unknown_dictionary_is_404_with_a_chinese_message(anonymous):
    response = anonymous.get("/api/standards/dictionaries/NOPE")
    assert response.status_code == 404
    assert response.json() == {
        "code": "unknown_dictionary",
        "message": "字典 NOPE 不存在",
        "fields": {"code": "字典 NOPE 不存在"},
    }
    response = anonymous.get("/api/standards/dictionaries/QLLX", {"version": "1999"})
    assert response.status_code == 404 and "没有 1999 版本" in response.json()["message"]


def test_rectypes_default_to_the_revised_scheme(anonymous):
    rows = anonymous.get("/api/standards/rectypes").json()
    assert len(rows) == 64 and {row["scheme"] for row in rows} == {"revised"}
    mortgage = next(row for row in rows if row["rectype"] == "1003701")
    assert mortgage["main_table"] == "QLF_QL_DYAQ" and "DJF_DJ_DB" in mortgage["tables"]
    assert len(anonymous.get("/api/standards/rectypes", {"scheme": "2015"}).json()) == 43


def test_unknown_rectype_scheme_is_400(anonymous):
    response = anonymous.get("/api/standards/rectypes", {"scheme": "2019"})
    assert response.status_code == 400 and response.json()["code"] == "unknown_rectype_scheme"


def test_every_standards_endpoint_has_a_chinese_summary_and_no_security():
    schema = api.get_openapi_schema()
    operations = [
        op
        for path, item in schema["paths"].items()
        if path.startswith("/api/standards/")
        for op in item.values()
    ]
    assert len(operations) == 3
    for op in operations:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in op["summary"]), op["summary"]
        assert not op.get("security")
