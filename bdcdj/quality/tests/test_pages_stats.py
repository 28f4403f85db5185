"""The statistics page /quality/stats/ and the rule catalogue page /quality/rules/: access,
grouping per rule × month and per district, filters, sorting, paging, tenant isolation,
empty state and XLSX export."""

import io
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from bdcdj.accounts.services import tenant_ensure, user_create
from bdcdj.quality.findings import Finding, QualityReport
from bdcdj.quality.rules import CATALOGUE
from bdcdj.quality.services import quality_findings_save
from bdcdj.quality.tests.conftest import context
from bdcdj.register.tests.factories import OTHER_REGION, REGION, make_user

STATS = reverse("quality:stats")
STATS_XLSX = reverse("quality:stats_export")
RULES = reverse("quality:rules")
RULES_XLSX = reverse("quality:rules_export")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def record(
    when: datetime, rule_ids: list[str], *, region: str = REGION, subject: str = "c1", severity: str = "block"
):
    findings = tuple(
        Finding(
            rule_id=r, severity=severity, table="QLF_QL_DYAQ", row_index=0, field="DYR", message=f"{r} 问题"
        )
        for r in rule_ids
    )
    with mock.patch("django.utils.timezone.now", return_value=when):
        quality_findings_save(
            report=QualityReport(context=context(region_code=region), findings=findings),
            region_code=region,
            stage="register",
            subject_type="case",
            subject_ref=subject,
        )


def rows(response):
    return [(r.month_text, r.key, r.total) for r in response.context["page_obj"].object_list]


@pytest.fixture
def signed_in(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def findings(db):
    record(
        datetime(2024, 4, 30, 23, 30, tzinfo=SHANGHAI), ["Q-REQ-001", "Q-REQ-001", "Q-DYAQ-001"], subject="a"
    )
    record(datetime(2024, 5, 1, 0, 30, tzinfo=SHANGHAI), ["Q-REQ-001"], subject="b")
    record(datetime(2024, 5, 20, tzinfo=SHANGHAI), ["Q-DIC-002"], subject="b", severity="warn")
    record(datetime(2024, 5, 21, tzinfo=SHANGHAI), ["Q-REQ-001"] * 4, region=OTHER_REGION, subject="x")


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get(STATS)
    assert response.status_code == 302 and reverse("console:login") in response.url


def test_user_without_the_page_is_refused(client, registrar):
    client.force_login(registrar)
    for url in (STATS, STATS_XLSX, RULES, RULES_XLSX):
        response = client.get(url)
        assert response.status_code == 403
    assert "没有查看“数据质量统计”的权限" in response.content.decode()


def test_default_reviewer_and_registrar_roles_may_read_the_page(client, db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    tenant_ensure(region_code=REGION, name="长丰县", province_abbr="皖", parent_code="340100")
    for role in ("reviewer", "registrar", "admin"):
        user = user_create(
            username=f"u-{role}",
            password="Bdcdj-Test-2024!",
            display_name="测试",
            organisation=None,
            roles=[role],
            region_codes=[REGION],
        )
        client.force_login(user)
        assert client.get(STATS).status_code == 200


def test_empty_state(signed_in):
    response = signed_in.get(STATS)
    assert response.status_code == 200
    assert "所选范围内没有发现数据质量问题" in response.content.decode()


def test_counts_per_rule_and_month_in_local_time_newest_first(signed_in, findings):
    response = signed_in.get(STATS)
    assert rows(response) == [
        ("2024-05", "Q-DIC-002", 1),
        ("2024-05", "Q-REQ-001", 1),
        ("2024-04", "Q-DYAQ-001", 1),
        ("2024-04", "Q-REQ-001", 2),
    ]
    body = response.content.decode()
    assert "必填字段为空" in body and "合计发现 5 条（阻断 4，警告 1）" in body


def test_other_districts_findings_are_never_counted(signed_in, other_analyst, client, findings):
    assert all(key != OTHER_REGION for _, key, _ in rows(signed_in.get(STATS, {"group": "district"})))
    client.force_login(other_analyst)
    assert rows(client.get(STATS, {"group": "district"})) == [("2024-05", OTHER_REGION, 4)]


def test_per_district_view_names_the_district(client, findings):
    tenant_ensure(region_code=REGION, name="长丰县", province_abbr="皖", parent_code="340100")
    both = make_user("both", regions=(REGION, OTHER_REGION), pages=("quality.stats",))
    client.force_login(both)
    response = client.get(STATS, {"group": "district", "sort": "-total"})
    assert rows(response) == [("2024-05", OTHER_REGION, 4), ("2024-04", REGION, 3), ("2024-05", REGION, 2)]
    assert "长丰县" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"month_from": "2024-05"}, {("2024-05", "Q-DIC-002"), ("2024-05", "Q-REQ-001")}),
        ({"month_to": "2024-04"}, {("2024-04", "Q-DYAQ-001"), ("2024-04", "Q-REQ-001")}),
        ({"severity": "warn"}, {("2024-05", "Q-DIC-002")}),
        ({"stage": "ingest"}, set()),
        ({"rule_id": "q-dyaq-001"}, {("2024-04", "Q-DYAQ-001")}),
        ({"region_code": OTHER_REGION}, set()),
    ],
)
def test_filters(signed_in, findings, params, expected):
    assert {(m, k) for m, k, _ in rows(signed_in.get(STATS, params))} == expected


def test_sorting_by_count_and_by_rule(signed_in, findings):
    by_count = rows(signed_in.get(STATS, {"sort": "-total"}))
    assert by_count[0] == ("2024-04", "Q-REQ-001", 2)
    by_rule = [k for _, k, _ in rows(signed_in.get(STATS, {"sort": "key"}))]
    assert by_rule == sorted(by_rule)
    response = signed_in.get(STATS, {"sort": "-total"})
    assert "sort=total" in response.context["sort_links"]["total"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"month_from": "2024-13"}, "month_from"),
        ({"month_from": "2024-06", "month_to": "2024-05"}, "month_to"),
    ],
)
def test_invalid_filters_show_errors(signed_in, findings, params, field):
    response = signed_in.get(STATS, params)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "查询条件有误" in response.content.decode()
    assert signed_in.get(STATS_XLSX, params).status_code == 400


def test_pagination(signed_in):
    rules = [r.id for r in CATALOGUE][:26]
    for month in range(1, 3):
        record(datetime(2024, month, 10, tzinfo=SHANGHAI), rules)
    first = signed_in.get(STATS)
    assert first.context["page_obj"].paginator.count == 52 and len(rows(first)) == 50
    assert "page=2" in first.content.decode()
    assert len(rows(signed_in.get(STATS, {"page": 2}))) == 2


def test_htmx_request_gets_only_the_table(signed_in, findings):
    response = signed_in.get(STATS, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<table>" in body and "<html" not in body


def test_xlsx_export_of_the_filtered_statistics(signed_in, findings):
    response = signed_in.get(STATS_XLSX, {"month_from": "2024-04", "month_to": "2024-04"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ["月份", "编号/代码", "名称", "发现数", "阻断", "警告", "涉及对象数"]
    assert values[1:] == [
        ["2024-04", "Q-DYAQ-001", "最高额抵押未填写最高债权数额", 1, 1, 0, 1],
        ["2024-04", "Q-REQ-001", "权利及权利人必填字段为空", 2, 2, 0, 1],
    ]


def test_rule_catalogue_page_lists_every_rule(signed_in):
    response = signed_in.get(RULES)
    body = response.content.decode()
    assert response.status_code == 200
    for rule in CATALOGUE:
        assert rule.id in body
    assert "存量导入：警告" in body and "抵押权（QLF_QL_DYAQ）" in body


def test_rule_catalogue_search_and_export(signed_in):
    response = signed_in.get(RULES, {"q": "抵押"})
    ids = {row["id"] for row in response.context["rows"]}
    assert "Q-DYAQ-001" in ids and "Q-CFDJ-001" not in ids
    assert "没有符合条件的规则" in signed_in.get(RULES, {"q": "不存在的规则"}).content.decode()
    sheet = load_workbook(io.BytesIO(signed_in.get(RULES_XLSX).content)).active
    exported = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert exported == [rule.id for rule in CATALOGUE]
