"""查封 / 解封 (8000101), 异议注销 (6000101), 居住权 首次 (1009901) and 注销 (4000101) messages
from a real 登簿: each carries its main table filled and is XSD-valid."""

import pytest

from bdcdj.cases.models import Case
from bdcdj.cases.tests import helpers as h
from bdcdj.exchange.messages import parse_message, validate_message
from bdcdj.exchange.models import OutboxMessage, OutboxStatus
from bdcdj.register.models import RightStatus
from bdcdj.register.selectors import unit_state

pytestmark = pytest.mark.django_db

SEIZURE = {
    "authority": h.COURT,
    "document_number": "（2025）皖0121执100号",
    "seizure_kind": "1",
    "start": "2025-03-01",
    "end": "2028-02-28",
    "scope": "该不动产单元",
}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _registered(staff, business_type: str, units: list[str], parties: list, data: dict) -> tuple[Case, dict]:
    case = h.new_case(staff, business_type, units, parties, data)
    case = h.case_register(case=h.to_register(staff, case), by=staff.registrar)
    message = OutboxMessage.objects.get(case_number=case.number)
    assert message.status == OutboxStatus.PENDING, message.errors
    assert message.errors == []
    assert validate_message(xml=message.xml_bytes) == []
    parsed = parse_message(xml=message.xml_bytes)
    return case, {"head": parsed.head, **parsed.rows}


def test_seizure_without_applicant_party_names_the_court_as_applicant(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    case, rows = _registered(staff, "seizure", [unit.code], [h.SELLER.party("seized_person")], SEIZURE)
    assert rows["head"]["RecType"] == "8000101"
    [applicant] = rows["DJF_DJ_SQ"]
    assert applicant["QLRMC"] == h.COURT and applicant["QLRZJZL"] == "99" and applicant["QLRLX"] == "4"
    assert applicant["YWRMC"] == h.SELLER.name
    [seizure] = rows["QLF_QL_CFDJ"]
    assert seizure["YSDM"] == "6002040300" and seizure["YWH"] == case.number
    assert seizure["CFJG"] == h.COURT and seizure["CFWH"] == SEIZURE["document_number"]


def test_release_carries_the_released_seizure_row(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    seized = h.run(staff, "seizure", [unit.code], [], SEIZURE)
    [seizure] = unit_state(user=staff.registrar, code=unit.code).seizures
    release = {
        "target_right_id": seizure.pk,
        "authority": h.COURT,
        "document_number": "（2025）皖0121执100号之一",
    }
    case, rows = _registered(staff, "seizure_release", [unit.code], [], release)
    assert rows["head"]["RecType"] == "8000101"
    [row] = rows["QLF_QL_CFDJ"]
    assert row["YSDM"] == "6002040300" and row["BDCDYH"] == unit.code and row["YWH"] == seized.number
    assert row["CFJG"] == h.COURT and row["CFWH"] == SEIZURE["document_number"]
    assert row["JFYWH"] == case.number and row["JFJG"] == h.COURT
    assert row["JFWH"] == release["document_number"]
    assert row["JFDJSJ"] == rows["head"]["CreateDate"] and row["JFDBR"]
    assert row["QSZT"] == RightStatus.TERMINATED == "3"
    [applicant] = rows["DJF_DJ_SQ"]
    assert applicant["QLRMC"] == h.COURT


def test_objection_cancellation_carries_the_cancelled_objection_row(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    filed = h.run(
        staff,
        "objection",
        [unit.code],
        [h.BUYER.party("objection_applicant")],
        {"matter": "对房屋所有权归属有异议"},
    )
    [objection] = unit_state(user=staff.registrar, code=unit.code).objections
    data = {"target_right_id": objection.pk, "reason": "异议登记申请人撤回"}
    case, rows = _registered(staff, "objection_cancel", [unit.code], [h.BUYER.party("applicant")], data)
    assert rows["head"]["RecType"] == "6000101"
    [row] = rows["QLF_QL_YYDJ"]
    assert row["YSDM"] == "6002040200" and row["YWH"] == filed.number and row["BDCDYH"] == unit.code
    assert row["YYSX"] == "对房屋所有权归属有异议" and row["BDCDJZMH"] == objection.certificate_number
    assert row["ZXYYYWH"] == case.number and row["ZXYYDJSJ"] == rows["head"]["CreateDate"]
    assert row["ZXYYDBR"] and row["ZXYYYY"] == "异议登记申请人撤回" and row["QSZT"] == "3"


def test_residence_right_is_sent_as_qlf_ql_qtxgql(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    data = {"start": "2025-06-01", "end": "2045-05-31", "conditions": "居住权人终身居住"}
    parties = [h.SPOUSE.party("resident"), h.SELLER.party("obligor")]
    case, rows = _registered(staff, "residence_first", [unit.code], parties, data)
    assert rows["head"]["RecType"] == "1009901" and rows["head"]["RightType"] == "92"
    [row] = rows["QLF_QL_QTXGQL"]
    assert row["YSDM"] == "6002029900" and row["QLLX"] == "92" and row["DJLX"] == "100"
    assert row["YWH"] == case.number and row["BDCDYH"] == unit.code and row["QSZT"] == "1"
    assert row["QLQSSJ"].startswith("2025-06-01") and row["QLJSSJ"].startswith("2045-05-31")
    assert row["BDCQZH"] == case.certificates.get().number
    assert rows["ZTT_GY_QLR"][0]["QLRMC"] == h.SPOUSE.name


def test_residence_cancellation_zxdj_row_has_the_qtxgql_ysdm(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    residence = h.residence(staff.registrar, unit)
    case, rows = _registered(
        staff,
        "residence_cancel",
        [unit.code],
        [h.SPOUSE.party("applicant")],
        {"target_right_id": residence.pk},
    )
    assert rows["head"]["RecType"] == "4000101"
    [row] = rows["QLF_QL_ZXDJ"]
    assert row["YSDM"] == "6002029900" and row["QLLX"] == "92"
    assert row["ZXYWH"] == case.number and row["BDCDYH"] == unit.code
