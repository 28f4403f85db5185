"""/api/quality/v1/: the rule catalogue and monthly statistics with Chinese summaries."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bdcdj.quality.rules import CATALOGUE
from bdcdj.quality.tests.test_pages_stats import record
from bdcdj.register.tests.factories import OTHER_REGION

BASE = "/api/quality/v1"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def api(client, analyst):
    client.force_login(analyst)
    return client


def test_login_and_page_permission_are_required(client, registrar):
    assert client.get(f"{BASE}/rules").status_code == 401
    client.force_login(registrar)
    response = client.get(f"{BASE}/stats")
    assert response.status_code == 403 and response.json()["code"] == "page_forbidden"


def test_rules_lists_the_catalogue_with_tables_and_exceptions(api):
    body = api.get(f"{BASE}/rules").json()
    assert [r["id"] for r in body] == [r.id for r in CATALOGUE]
    temporary = next(r for r in body if r["id"] == "Q-UNIT-002")
    assert temporary["severity"] == "block" and temporary["severity_label"] == "阻断"
    assert temporary["exceptions"] == "存量导入：警告"
    assert {"code": "QLF_QL_DYAQ", "name": "抵押权"} in temporary["tables"]
    assert [r["id"] for r in api.get(f"{BASE}/rules", {"q": "Q-DYAQ"}).json()] == [
        "Q-DYAQ-001",
        "Q-DYAQ-002",
        "Q-DYAQ-003",
    ]


def test_stats_summarise_per_rule_and_month_in_chinese(api):
    record(datetime(2024, 5, 3, tzinfo=SHANGHAI), ["Q-DYAQ-001", "Q-DYAQ-001"], subject="c1")
    record(datetime(2024, 6, 3, tzinfo=SHANGHAI), ["Q-DYAQ-001"], subject="c2")
    record(datetime(2024, 5, 3, tzinfo=SHANGHAI), ["Q-DYAQ-001"], region=OTHER_REGION)
    body = api.get(f"{BASE}/stats", {"month_from": "2024-05", "month_to": "2024-05"}).json()
    assert body == [
        {
            "month": "2024-05",
            "key": "Q-DYAQ-001",
            "label": "最高额抵押未填写最高债权数额",
            "total": 2,
            "blocking": 2,
            "warnings": 0,
            "subjects": 1,
            "summary": "2024-05 规则 Q-DYAQ-001（最高额抵押未填写最高债权数额）："
            "发现问题 2 条，其中阻断 2 条、警告 0 条，涉及 1 个业务/报文/数据",
        }
    ]
    by_district = api.get(f"{BASE}/stats", {"group": "district"}).json()
    assert {row["key"] for row in by_district} == {"340121"}


@pytest.mark.parametrize(
    ("params", "field"),
    [({"month_from": "2024/05"}, "month_from"), ({"group": "month"}, "group"), ({"sort": "name"}, "sort")],
)
def test_bad_stats_query_is_a_400_naming_the_field(api, params, field):
    response = api.get(f"{BASE}/stats", params)
    assert response.status_code == 400
    assert field in response.json()["fields"]
