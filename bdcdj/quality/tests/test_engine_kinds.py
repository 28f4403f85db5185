"""Every check kind, table-driven: each case changes the clean rows so one rule must fire on
one field, and the clean rows (or a near miss) must not make it fire."""

from datetime import date
from decimal import Decimal

import pytest

from bdcdj.quality.engine import evaluate
from bdcdj.quality.rules import CATALOGUE
from bdcdj.quality.tests.conftest import UNIT, clean_rows, context, run

TEMPORARY_UNIT = "340121001001GB90001F00010001"
VIRTUAL_UNIT = "340121000000GB00001F00010001"
LAND_UNIT = "340121001001GB00001W00000000"

FIRES = [
    # (rule, changes, table, field)
    ("Q-REQ-001", {"QLF_QL_DYAQ": {"DYR": ""}}, "QLF_QL_DYAQ", "DYR"),
    ("Q-REQ-001", {"ZTT_GY_QLR": {"ZJH": None}}, "ZTT_GY_QLR", "ZJH"),
    ("Q-REQ-002", {"KTT_FW_H": {"SHBW": "  "}}, "KTT_FW_H", "SHBW"),
    ("Q-FMT-001", {"QLF_QL_DYAQ": {"ZWLXQSSJ": "2024-13-01"}}, "QLF_QL_DYAQ", "ZWLXQSSJ"),
    ("Q-FMT-001", {"QLT_FW_FDCQ_YZ": {"JZMJ": "八十九"}}, "QLT_FW_FDCQ_YZ", "JZMJ"),
    ("Q-FMT-001", {"QLT_FW_FDCQ_YZ": {"SZC": "1.5"}}, "QLT_FW_FDCQ_YZ", "SZC"),
    ("Q-DIC-001", {"QLF_QL_DYAQ": {"DYFS": "3"}}, "QLF_QL_DYAQ", "DYFS"),
    ("Q-DIC-001", {"KTT_FW_H": {"FWYT1": "85"}}, "KTT_FW_H", "FWYT1"),
    ("Q-DIC-002", {"ZTT_GY_QLR": {"ZJZL": "99"}}, "ZTT_GY_QLR", "ZJZL"),
    ("Q-UNIT-001", {"QLF_QL_DYAQ": {"BDCDYH": "340121001001XB00001F00010001"}}, "QLF_QL_DYAQ", "BDCDYH"),
    ("Q-UNIT-002", {"QLF_QL_DYAQ": {"BDCDYH": TEMPORARY_UNIT}}, "QLF_QL_DYAQ", "BDCDYH"),
    ("Q-UNIT-003", {"QLF_QL_DYAQ": {"BDCDYH": VIRTUAL_UNIT}}, "QLF_QL_DYAQ", "BDCDYH"),
    ("Q-REG-001", {"QLF_QL_DYAQ": {"BDCDYH": "340122001001GB00001F00010001"}}, "QLF_QL_DYAQ", "BDCDYH"),
    ("Q-REG-001", {"ZTT_GY_QLR": {"QXDM": "340122"}}, "ZTT_GY_QLR", "QXDM"),
    ("Q-AMT-001", {"QLF_QL_DYAQ": {"BDBZZQSE": Decimal("800000")}}, "QLF_QL_DYAQ", "BDBZZQSE"),
    ("Q-AMT-002", {"QLT_FW_FDCQ_YZ": {"FDCJYJG": Decimal("1205000")}}, "QLT_FW_FDCQ_YZ", "FDCJYJG"),
    ("Q-AMT-003", {"QLF_QL_DYAQ": {"BDBZZQSE": Decimal("0.008")}}, "QLF_QL_DYAQ", "BDBZZQSE"),
    ("Q-DYAQ-001", {"QLF_QL_DYAQ": {"DYFS": "2", "ZGZQSE": None}}, "QLF_QL_DYAQ", "ZGZQSE"),
    ("Q-DYAQ-002", {"QLF_QL_DYAQ": {"BDBZZQSE": None}}, "QLF_QL_DYAQ", "BDBZZQSE"),
    ("Q-DYAQ-003", {"QLF_QL_DYAQ": {"DBFW": ""}}, "QLF_QL_DYAQ", "DBFW"),
    ("Q-DYAQ-003", {"QLF_QL_DYAQ": {"SFCZJZHXZ": None}}, "QLF_QL_DYAQ", "SFCZJZHXZ"),
    ("Q-QLR-001", {"ZTT_GY_QLR": {"XB": None}}, "ZTT_GY_QLR", "XB"),
    ("Q-DATE-001", {"QLF_QL_DYAQ": {"ZWLXQSSJ": "2045-01-01"}}, "QLF_QL_DYAQ", "ZWLXJSSJ"),
    ("Q-DATE-001", {"QLT_FW_FDCQ_YZ": {"TDSYJSSJ": date(2009, 12, 31)}}, "QLT_FW_FDCQ_YZ", "TDSYJSSJ"),
    ("Q-NUM-001", {"QLT_FW_FDCQ_YZ": {"JZMJ": Decimal("0")}}, "QLT_FW_FDCQ_YZ", "JZMJ"),
    ("Q-NUM-001", {"QLT_FW_FDCQ_YZ": {"ZCS": 0}}, "QLT_FW_FDCQ_YZ", "ZCS"),
    ("Q-NUM-002", {"QLT_FW_FDCQ_YZ": {"FDCJYJG": Decimal("-1")}}, "QLT_FW_FDCQ_YZ", "FDCJYJG"),
    ("Q-AREA-001", {"QLT_FW_FDCQ_YZ": {"JZMJ": Decimal("95.00")}}, "QLT_FW_FDCQ_YZ", "JZMJ"),
    ("Q-AREA-001", {"QLT_FW_FDCQ_YZ": {"GHYT": "10"}}, "QLT_FW_FDCQ_YZ", "GHYT"),
    ("Q-AREA-002", {"QLT_FW_FDCQ_YZ": {"FTJZMJ": Decimal("10.00")}}, "QLT_FW_FDCQ_YZ", "JZMJ"),
    ("Q-AREA-003", {"KTT_FW_H": {"SCTNJZMJ": Decimal("70.00")}}, "KTT_FW_H", "SCJZMJ"),
]

QUIET = [
    # (rule, changes): a near miss that must not fire
    ("Q-REQ-001", {"QLF_QL_DYAQ": {"FJ": ""}}),  # 附记 is optional
    ("Q-REQ-001", {"QLF_QL_DYAQ": {"BDBZZQSE": None, "DYFS": "2", "ZGZQSE": Decimal("100")}}),  # conditional
    ("Q-FMT-001", {"QLF_QL_DYAQ": {"ZWLXQSSJ": "2024-01-01T08:00:00"}}),
    ("Q-DIC-001", {"ZTT_GY_QLR": {"GJ": "999"}}),  # GJ is incomplete and skipped
    ("Q-DIC-002", {"ZTT_GY_QLR": {"ZJZL": "1"}}),
    ("Q-UNIT-001", {"ZTT_GY_QLR": {"BDCDYH": ""}}),  # empty: the required rule's business
    ("Q-UNIT-002", {"QLF_QL_DYAQ": {"BDCDYH": "340121001001GB89999F00010001"}}),
    ("Q-REG-001", {"QLF_QL_DYAQ": {"BDCDYH": "3401"}}),  # malformed: Q-UNIT-001's business
    ("Q-AMT-001", {"QLF_QL_DYAQ": {"BDBZZQSE": Decimal("9999")}}),
    ("Q-AMT-001", {"QLF_QL_DYAQ": {"BDBZZQSE": Decimal("800000"), "DYJELX": "1"}}),  # several units together
    ("Q-AMT-001", {"QLF_QL_DYAQ": {"BDBZZQSE": Decimal("800000"), "BDCDYH": LAND_UNIT}}),  # land
    ("Q-AMT-001", {"QLF_QL_DYAQ": {"BDBZZQSE": Decimal("5000000")}}),  # Q-AMT-002 blocks instead
    ("Q-AMT-003", {"QLF_QL_DYAQ": {"BDBZZQSE": Decimal("0")}}),
    ("Q-DYAQ-001", {"QLF_QL_DYAQ": {"DYFS": "1", "ZGZQSE": None}}),
    ("Q-DATE-001", {"QLF_QL_DYAQ": {"ZWLXQSSJ": date(2044, 1, 1)}}),  # same day
    ("Q-NUM-001", {"QLT_FW_FDCQ_YZ": {"FTJZMJ": Decimal("0")}}),  # ＞=0 on this table
    ("Q-NUM-002", {"QLT_FW_FDCQ_YZ": {"FDCJYJG": Decimal("0")}}),
    ("Q-AREA-001", {"QLT_FW_FDCQ_YZ": {"JZMJ": Decimal("89.51")}}),  # within 0.01 m²
    ("Q-AREA-001", {"KTT_FW_H": {"BDCDYH": "340121001001GB00001F00010002"}}),  # no unit row to compare
    ("Q-AREA-002", {"QLT_FW_FDCQ_YZ": {"FTJZMJ": Decimal("14.31")}}),
]


@pytest.mark.parametrize(
    ("rule_id", "changes", "table", "field"), FIRES, ids=[f"{c[0]}-{c[3]}" for c in FIRES]
)
def test_rule_fires_on_the_broken_field(db, rule_id, changes, table, field):
    findings = run(rule_id, clean_rows(**changes))
    assert [(f.table, f.row_index, f.field) for f in findings] == [(table, 0, field)]
    assert "第1行：" in findings[0].message


@pytest.mark.parametrize("rule_id", sorted({c[0] for c in FIRES}))
def test_rule_is_quiet_on_clean_rows(db, rule_id):
    assert run(rule_id, clean_rows()) == []


@pytest.mark.parametrize(("rule_id", "changes"), QUIET, ids=[c[0] for c in QUIET])
def test_rule_is_quiet_on_a_near_miss(db, rule_id, changes):
    assert run(rule_id, clean_rows(**changes)) == []


def test_every_catalogue_rule_has_a_firing_case():
    covered = {c[0] for c in FIRES} | {"Q-YGDJ-001", "Q-YGDJ-002", "Q-CFDJ-001", "Q-AREA-004"}
    covered |= {"Q-GEO-001", "Q-GEO-002"}  # shapes: bdcdj/cadastre/tests/test_services_geometry.py
    assert {rule.id for rule in CATALOGUE} <= covered


def test_the_clean_rows_pass_the_whole_catalogue(db):
    report = evaluate(rows=clean_rows(), context=context())
    assert report.findings == () and report.ok


def _notice(kind: str, **values):
    row = {"BDCDYH": UNIT, "YGDJZL": kind, "QXDM": "340121"}
    row.update(values)
    return {"QLF_QL_YGDJ": [row]}


def test_mortgage_notice_needs_the_secured_amount_and_2021_fields(db):
    assert [f.field for f in run("Q-YGDJ-001", _notice("3"))] == ["QDJG"]
    assert [f.field for f in run("Q-YGDJ-002", _notice("4"))] == ["DBFW", "SFCZJZHXZ"]
    assert run("Q-YGDJ-001", _notice("1")) == [] and run("Q-YGDJ-002", _notice("1")) == []
    assert run("Q-YGDJ-001", _notice("3", QDJG=Decimal("50"))) == []


def test_seizure_needs_its_term_unless_it_queues(db):
    seizure = {"BDCDYH": UNIT, "CFLX": "1", "CFQSSJ": date(2024, 3, 1)}
    assert [f.field for f in run("Q-CFDJ-001", {"QLF_QL_CFDJ": [seizure]})] == ["CFJSSJ"]
    assert run("Q-CFDJ-001", {"QLF_QL_CFDJ": [{**seizure, "CFLX": "2"}]}) == []


def test_predicted_areas_must_add_up(db):
    household = {"BDCDYH": UNIT, "YCJZMJ": "90.00", "YCTNJZMJ": "75.00", "YCFTJZMJ": "14.00"}
    assert [f.field for f in run("Q-AREA-004", {"KTT_FW_H": [household]})] == ["YCJZMJ"]
    assert run("Q-AREA-004", {"KTT_FW_H": [{**household, "YCFTJZMJ": "15.00"}]}) == []


def test_consistency_falls_back_to_predicted_areas_without_survey(db):
    rows = clean_rows(KTT_FW_H={"SCJZMJ": None, "YCJZMJ": Decimal("88.00")})
    findings = run("Q-AREA-001", rows)
    assert [f.field for f in findings] == ["JZMJ"]
    assert "预测建筑面积（YCJZMJ）88" in findings[0].message and "相差 1.5 平方米" in findings[0].message


def test_unit_code_in_lower_case_is_invalid_but_still_seen_as_temporary(db):
    lower = TEMPORARY_UNIT.lower()
    assert [f.rule_id for f in run("Q-UNIT-001", clean_rows(QLF_QL_DYAQ={"BDCDYH": lower}))] == ["Q-UNIT-001"]
    assert [f.rule_id for f in run("Q-UNIT-002", clean_rows(QLF_QL_DYAQ={"BDCDYH": lower}))] == ["Q-UNIT-002"]


def test_unit_code_prefix_must_match_the_row_county(db):
    rows = {"QLF_QL_DYAQ": clean_rows(QLF_QL_DYAQ={"QXDM": "340122"})["QLF_QL_DYAQ"]}
    findings = run("Q-REG-001", rows, region_code="340122")
    assert [f.field for f in findings] == ["BDCDYH"]
    assert "340121 与数据所属行政区 340122 不一致" in findings[0].message
