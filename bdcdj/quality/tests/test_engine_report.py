"""The engine's contract: severities per stage and version, partial rows, the report's
shape and messages, masking of personal values, and what it ignores."""

from decimal import Decimal

import pytest

from bdcdj.core.errors import InvalidInput
from bdcdj.quality.engine import evaluate
from bdcdj.quality.findings import QualityContext
from bdcdj.quality.rules import TABLES, parse_catalogue
from bdcdj.quality.tests.conftest import ID_CARD, UNIT, clean_rows, context, run
from bdcdj.quality.values import shown

TEMPORARY_UNIT = "340121001001GB90001F00010001"


@pytest.mark.parametrize(
    ("stage", "severity"), [("register", "block"), ("ingest", "block"), ("stock", "warn")]
)
def test_temporary_unit_codes_block_except_in_stock_import(db, stage, severity):
    findings = run("Q-UNIT-002", clean_rows(QLF_QL_DYAQ={"BDCDYH": TEMPORARY_UNIT}), stage=stage)
    assert [f.severity for f in findings] == [severity]
    assert "临时单元号" in findings[0].message and "90001" in findings[0].message


@pytest.mark.parametrize(("version", "severity"), [("2021", "block"), ("2015", "warn")])
def test_missing_2021_mortgage_fields_block_only_under_2021(db, version, severity):
    findings = run("Q-DYAQ-003", clean_rows(QLF_QL_DYAQ={"DBFW": None}), version=version)
    assert [(f.field, f.severity) for f in findings] == [("DBFW", severity)]


def test_unit_gaps_are_warnings_at_register_and_block_at_ingest(db):
    rows = clean_rows(KTT_FW_H={"SHBW": ""})
    assert [f.severity for f in run("Q-REQ-002", rows, stage="register")] == ["warn"]
    assert [f.severity for f in run("Q-REQ-002", rows, stage="ingest")] == ["block"]


def test_partial_rows_skip_fields_the_source_does_not_hold(db):
    rows = clean_rows(ZTT_GY_QLR={"GJ": None, "XB": None})
    assert {f.field for f in run("Q-REQ-001", rows)} == {"GJ"}  # absent = empty for messages
    assert run("Q-REQ-001", rows, partial_rows=True) == []
    present_but_empty = clean_rows(ZTT_GY_QLR={"GJ": ""})
    assert [f.field for f in run("Q-REQ-001", present_but_empty, partial_rows=True)] == ["GJ"]


def test_fields_of_the_other_layout_are_not_required(db):
    rows = clean_rows(QLF_QL_DYAQ={"DBFW": None})
    assert run("Q-REQ-001", rows, version="2015") == []  # DBFW is C and 2021-only; SCYWH is optional


def test_report_separates_blocking_from_warnings_and_formats_messages(db):
    rows = clean_rows(
        QLF_QL_DYAQ={"DYFS": "2", "BDBZZQSE": None, "ZGZQSE": None},
        ZTT_GY_QLR={"ZJZL": "99"},
    )
    report = evaluate(rows=rows, context=context())
    assert not report.ok
    assert [f.rule_id for f in report.blocking] == ["Q-DYAQ-001"]
    assert [f.rule_id for f in report.warnings] == ["Q-DIC-002"]
    messages = report.as_messages()
    assert messages[0] == (
        "[Q-DYAQ-001 阻断] 抵押权（QLF_QL_DYAQ）第1行：抵押方式（DYFS）为“2”（最高额抵押）时，"
        "最高债权数额（ZGZQSE）不能为空"
    )
    assert messages[1].startswith(
        "[Q-DIC-002 警告] 权利人（ZTT_GY_QLR）第1行：证件种类（ZJZL）为“99”（其它）"
    )


def test_warnings_alone_leave_the_report_ok(db):
    report = evaluate(rows=clean_rows(KTT_FW_H={"FWYT1": "80"}), context=context())
    assert report.ok and report.blocking == [] and len(report.warnings) >= 1


def test_blocking_report_becomes_one_invalid_input(db):
    rows = clean_rows(QLF_QL_DYAQ={"DYR": "", "ZWLXQSSJ": "2050-01-01"})
    error = evaluate(rows=rows, context=context()).as_error()
    assert error.code == "quality_blocked"
    assert error.message.startswith("数据质量检查未通过：抵押权（QLF_QL_DYAQ）第1行：抵押人（DYR）为空")
    assert set(error.fields) == {"QLF_QL_DYAQ[0].DYR", "QLF_QL_DYAQ[0].ZWLXJSSJ"}


def test_personal_values_are_masked_in_messages(db):
    rows = {
        "ZTT_GY_QLR": [{"QLRMC": "张小三", "ZJZL": "99", "ZJH": ID_CARD, "QLRLX": "1", "DH": "13912345678"}],
        "QLF_QL_YGDJ": [{"BDCDYH": UNIT, "YWR": "张小三", "YWRZJZL": "9", "YWRZJH": ID_CARD, "SZC": "三"}],
    }
    text = "\n".join(evaluate(rows=rows, context=context()).as_messages())
    assert "“9”不在字典 ZJZL（证件种类）中" in text and "所在层（SZC）“三”不是有效的整数" in text
    assert "张小三" not in text and ID_CARD not in text and "13912345678" not in text


@pytest.mark.parametrize(
    ("code", "value", "expected"),
    [
        ("QLRMC", "张小三", "张*三"),
        ("ZJH", ID_CARD, "1101**********002X"),
        ("DH", "13912345678", "139****5678"),
        ("DZ", "幸福路1号", "***"),
        ("QLRLX", "1", "1"),
    ],
)
def test_shown_values_mask_personal_fields(code, value, expected):
    assert shown(TABLES["ZTT_GY_QLR"].fields[code], value) == expected


def test_amount_message_shows_the_value_and_the_likely_amount_in_wan(db):
    (finding,) = run("Q-AMT-002", clean_rows(QLF_QL_DYAQ={"BDBZZQSE": Decimal("1200000")}))
    assert "被担保主债权数额（BDBZZQSE）为 1200000 万元" in finding.message
    assert "应为 120 万元" in finding.message


def test_unknown_tables_and_fields_are_ignored(db):
    rows = clean_rows()
    rows["KTT_FW_LJZ"] = [{"BDCDYH": "nonsense"}]
    rows["QLF_QL_DYAQ"][0]["XYZ"] = "whatever"
    assert evaluate(rows=rows, context=context()).findings == ()


def test_rules_limited_to_rectypes_run_only_for_them_or_when_unknown(db):
    (rule,) = parse_catalogue(
        """
rules:
  - id: Q-TEST-001
    title: 测试
    description: 只对抵押权首次登记报文
    severity: warn
    kind: required
    tables: [QLF_QL_DYAQ]
    rectypes: ["1003701"]
""",
        tables=TABLES,
    )
    rows = clean_rows(QLF_QL_DYAQ={"DJYY": ""})
    fired = {
        rt: len(evaluate(rows=rows, context=context(rectype=rt), rules=[rule]).findings)
        for rt in ("1003701", "2000401", None)
    }
    assert fired == {"1003701": 1, "2000401": 0, None: 1}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"stage": "import"}, "stage"),
        ({"version": "2019"}, "version"),
        ({"region_code": "3401"}, "region_code"),
    ],
)
def test_context_is_validated(values, field):
    with pytest.raises(InvalidInput) as exc:
        QualityContext(**{"region_code": "340121", "stage": "register", "version": "2021", **values})
    assert field in exc.value.fields
