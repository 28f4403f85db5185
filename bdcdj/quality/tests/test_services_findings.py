"""Recording findings: one atomic insert per report, nothing for a clean report, typed errors."""

from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from bdcdj.core.errors import Forbidden, InvalidInput
from bdcdj.quality.engine import evaluate
from bdcdj.quality.findings import Finding, QualityReport
from bdcdj.quality.models import QualityFinding
from bdcdj.quality.selectors import findings_for_subject
from bdcdj.quality.services import quality_findings_save
from bdcdj.quality.tests.conftest import clean_rows, context

SHANGHAI = ZoneInfo("Asia/Shanghai")


def broken_report(stage: str = "register") -> QualityReport:
    rows = clean_rows(QLF_QL_DYAQ={"DYFS": "2", "BDBZZQSE": None, "ZGZQSE": None}, ZTT_GY_QLR={"ZJZL": "99"})
    return evaluate(rows=rows, context=context(stage=stage))


def save(report: QualityReport, **kwargs) -> int:
    values = {
        "region_code": "340121",
        "stage": "register",
        "subject_type": "case",
        "subject_ref": "2024-000123",
    }
    values.update(kwargs)
    return quality_findings_save(report=report, **values)


def test_every_finding_is_recorded_with_its_subject(db):
    when = datetime(2024, 5, 6, 9, 30, tzinfo=SHANGHAI)
    with mock.patch("django.utils.timezone.now", return_value=when):
        count = save(broken_report())
    assert count == 2 == QualityFinding.objects.count()
    block = QualityFinding.objects.get(rule_id="Q-DYAQ-001")
    assert (block.severity, block.stage, block.subject_type, block.subject_ref) == (
        "block",
        "register",
        "case",
        "2024-000123",
    )
    assert (block.region_code, block.table_code, block.field_code, block.row_index) == (
        "340121",
        "QLF_QL_DYAQ",
        "ZGZQSE",
        0,
    )
    assert block.created_at == when and "最高债权数额（ZGZQSE）不能为空" in block.message
    warn = QualityFinding.objects.get(rule_id="Q-DIC-002")
    assert warn.severity == "warn" and warn.suggestion.startswith("1（身份证）")


def test_a_clean_report_records_nothing(db):
    assert save(evaluate(rows=clean_rows(), context=context())) == 0
    assert not QualityFinding.objects.exists()


def test_a_refused_registration_keeps_its_findings_when_the_caller_rolls_back_later(db):
    """The cases engine saves in its own committed transaction, then refuses 登簿."""
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        save(broken_report())
        raise RuntimeError("登簿被拒绝")
    assert not QualityFinding.objects.exists()  # same transaction: rolled back with the caller
    save(broken_report())
    with pytest.raises(RuntimeError), transaction.atomic():
        raise RuntimeError("登簿被拒绝")
    assert QualityFinding.objects.count() == 2  # committed first: counted


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"stage": "import"}, "stage"),
        ({"subject_type": "person"}, "subject_type"),
        ({"subject_ref": " "}, "subject_ref"),
        ({"region_code": "3401"}, "region_code"),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_written(db, kwargs, field):
    with pytest.raises(InvalidInput) as exc:
        save(broken_report(), **kwargs)
    assert field in exc.value.fields
    assert not QualityFinding.objects.exists()


def test_an_invalid_finding_rolls_the_whole_insert_back(db):
    good = broken_report().findings[0]
    bad = Finding(rule_id="Q-" + "X" * 30, severity="block", table="T", row_index=0, field="F", message="m")
    report = QualityReport(context=context(), findings=(good, bad))
    with pytest.raises(InvalidInput) as exc:
        save(report)
    assert exc.value.code == "invalid_quality_findings" and "rule_id" in exc.value.fields
    assert not QualityFinding.objects.exists()


def test_findings_of_a_subject_are_read_within_the_users_districts(analyst, other_analyst, registrar):
    save(broken_report(), subject_ref="2024-000001")
    save(broken_report(), subject_ref="2024-000001", region_code="340122")
    mine = findings_for_subject(user=analyst, subject_type="case", subject_ref="2024-000001")
    assert len(mine) == 2 and {f.region_code for f in mine} == {"340121"}
    theirs = findings_for_subject(user=other_analyst, subject_type="case", subject_ref="2024-000001")
    assert {f.region_code for f in theirs} == {"340122"}
    with pytest.raises(Forbidden):
        findings_for_subject(user=registrar, subject_type="case", subject_ref="2024-000001")
