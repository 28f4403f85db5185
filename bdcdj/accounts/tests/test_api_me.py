"""`GET /api/accounts/v1/me` and the audit API."""

from bdcdj.accounts.services import audit_record
from bdcdj.accounts.tests.conftest import HOME, OTHER

ME = "/api/accounts/v1/me"


def test_me_needs_a_signed_in_user(client, db):
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json() == {"code": "not_authenticated", "message": "请先登录", "fields": {}}


def test_me_describes_the_user(client, make_user, authority):
    user = make_user(
        "wang",
        roles=("registrar", "inquirer"),
        regions=(HOME, OTHER),
        organisation=authority,
        display_name="王五",
    )
    client.force_login(user)
    body = client.get(ME).json()
    assert body["username"] == "wang"
    assert body["display_name"] == "王五"
    assert body["organisation"] == {
        "code": "11340121MB0000001X",
        "name": "长丰县不动产登记中心",
        "kind": "authority",
        "region_code": HOME,
    }
    assert body["roles"] == [
        {"code": "inquirer", "name": "查询人员", "can_view_pii": False},
        {"code": "registrar", "name": "登簿人员", "can_view_pii": True},
    ]
    assert body["tenants"] == [
        {"region_code": HOME, "name": "长丰县"},
        {"region_code": OTHER, "name": "肥东县"},
    ]
    pages = {p["page"]: (p["title"], p["level"]) for p in body["pages"]}
    assert pages["register.units"] == ("不动产单元查询", "read")
    assert pages["cases.record"] == ("登簿", "write")
    assert "accounts.audit" not in pages
    assert body["can_view_pii"] is True


def test_me_of_a_user_without_organisation_or_roles(client, make_user):
    client.force_login(make_user("bare", regions=()))
    body = client.get(ME).json()
    assert body["organisation"] is None
    assert body["roles"] == [] and body["tenants"] == [] and body["pages"] == []
    assert body["can_view_pii"] is False


def test_me_is_documented_in_chinese(client, db):
    schema = client.get("/api/openapi.json").json()
    assert schema["paths"]["/api/accounts/v1/me"]["get"]["summary"].startswith("当前登录用户")


def test_audit_api_lists_own_district_only(client, auditor, clerk, make_user):
    audit_record(actor=clerk, action="cases.accept", region_code=HOME, object_id="A1")
    audit_record(actor=make_user(regions=(OTHER,)), action="cases.accept", region_code=OTHER, object_id="B1")
    client.force_login(auditor)
    body = client.get("/api/accounts/v1/audit", {"action": "cases.accept"}).json()
    assert body["count"] == 1
    assert body["items"][0]["object_id"] == "A1"
    assert body["items"][0]["actor_name"] == "clerk1"


def test_audit_api_pages_with_offset_and_limit(client, auditor, clerk):
    for i in range(5):
        audit_record(actor=clerk, action="test.page", region_code=HOME, object_id=str(i))
    client.force_login(auditor)
    body = client.get("/api/accounts/v1/audit", {"action": "test.page", "offset": 1, "limit": 2}).json()
    assert body["count"] == 5
    assert [item["object_id"] for item in body["items"]] == ["3", "2"]


def test_audit_api_rejects_a_bad_date_in_chinese(client, auditor):
    client.force_login(auditor)
    response = client.get("/api/accounts/v1/audit", {"date_from": "yesterday"})
    assert response.status_code == 422
    assert response.json()["fields"] == {"date_from": "日期格式有误"}
