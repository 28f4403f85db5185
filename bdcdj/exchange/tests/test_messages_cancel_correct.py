"""注销 (4000101) and 更正 (5000402) messages from a real 登簿: the main table QLF_QL_ZXDJ /
QLF_QL_GZDJ is filled, the message is XSD-valid, signed and accepted by the hub receiver."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from lxml import etree

from bdcdj.cases.models import Case
from bdcdj.cases.tests import helpers as h
from bdcdj.exchange.messages import parse_message, schema_for, validate_message
from bdcdj.exchange.models import OutboxMessage, OutboxStatus
from bdcdj.exchange.signing import node_public_key_hex, verify_message
from bdcdj.hub.models import MessageStatus, MirrorRecord, MirrorStatus, ReceivedMessage
from bdcdj.hub.services import node_register
from bdcdj.register.selectors import unit_state

pytestmark = pytest.mark.django_db

HUB_URL = "/api/exchange/v1/messages"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _registered(
    staff, business_type: str, units: list[str], parties: list, data: dict
) -> tuple[Case, OutboxMessage]:
    case = h.new_case(staff, business_type, units, parties, data)
    case = h.case_register(case=h.to_register(staff, case), by=staff.registrar)
    message = OutboxMessage.objects.get(case_number=case.number)
    assert message.status == OutboxStatus.PENDING, message.errors
    assert message.errors == []
    assert validate_message(xml=message.xml_bytes) == []
    assert verify_message(xml=message.xml_bytes, public_key_hex=node_public_key_hex())
    return case, message


@pytest.fixture
def hub(districts) -> Callable[[OutboxMessage], None]:
    """Post a message to this node's own receiver as the county node that signed it; asserts
    it is accepted (SuccessFlag 1)."""
    node = node_register(region_code=h.REGION, name="长丰县", public_key_hex=node_public_key_hex())
    headers = {"X-Bdcdj-Node": h.REGION, "Authorization": f"Bearer {node.token}"}

    def post(message: OutboxMessage) -> None:
        response = Client().post(
            HUB_URL, data=message.xml_bytes, content_type="application/xml", headers=headers
        )
        body = {child.tag: child.text or "" for child in etree.fromstring(response.content)}
        assert response.status_code == 200 and body["SuccessFlag"] == "1", body
        received = ReceivedMessage.objects.get(biz_msg_id=message.biz_msg_id)
        assert received.status == MessageStatus.ACCEPTED and received.signature_ok

    return post


def test_house_cancellation_gives_a_valid_4000101_message_with_qlf_ql_zxdj(staff, hub):
    [(unit, old)] = h.titled_house(staff.registrar)
    case, message = _registered(
        staff, "house_cancel", [unit.code], [h.SELLER.party("applicant")], {"target_right_id": old.pk}
    )
    parsed = parse_message(xml=message.xml_bytes)
    assert parsed.head["RecType"] == "4000101" and parsed.head["RegType"] == "400"
    assert parsed.head["EstateNum"] == unit.code
    [row] = parsed.rows["QLF_QL_ZXDJ"]
    assert row["YSDM"] == "6002010200"  # the cancelled right's table (QLT_FW_FDCQ_YZ)
    assert row["ZXYWH"] == case.number and row["BDCDYH"] == unit.code
    assert row.get("BDCQZH", "") == old.certificate_number and row["YWH"] == case.number
    assert row["ZXSJ"] == parsed.head["CreateDate"] == row["DJSJ"]
    assert row["DBR"] and row["DJJG"] and row["QXDM"] == "340121" and row["QLLX"] == "4"
    assert {"DJT_DJ_SL", "DJF_DJ_SQ", "DJF_DJ_SJ", "DJF_DJ_SH"} <= set(parsed.rows)
    assert schema_for("4000101").validate(etree.fromstring(message.xml_bytes))
    hub(message)


def test_mortgage_cancellation_carries_the_mortgage_ysdm_and_proof_number(staff, hub):
    [(unit, _)] = h.titled_house(staff.registrar)
    old = h.mortgage(staff.registrar, unit)
    _, message = _registered(
        staff, "mortgage_cancel", [unit.code], [h.SELLER.party("applicant")], {"target_right_id": old.pk}
    )
    [row] = parse_message(xml=message.xml_bytes).rows["QLF_QL_ZXDJ"]
    assert row["YSDM"] == "6002030100" and row.get("BDCQZH", "") == old.certificate_number
    hub(message)


def test_cancellation_in_the_2015_scheme_is_valid(staff, settings):
    settings.BDCDJ_RECTYPE_SCHEME = "2015"
    [(unit, old)] = h.titled_house(staff.registrar)
    _, message = _registered(
        staff,
        "house_cancel",
        [unit.code],
        [h.SELLER.party("applicant")],
        {"target_right_id": old.pk, "reason": "房屋灭失"},
    )
    [row] = parse_message(xml=message.xml_bytes).rows["QLF_QL_ZXDJ"]
    assert row["DJYY"] == "房屋灭失" and "QLLX" not in row


def test_correction_on_application_gives_a_valid_5000402_message_with_qlf_ql_gzdj(staff, hub):
    [(unit, old)] = h.titled_house(staff.registrar)
    case, message = _registered(
        staff,
        "correction_application",
        [unit.code],
        [h.SELLER.party("applicant")],
        {"target_right_id": old.pk, "matter": "建筑面积登记错误", "built_area": "91.30"},
    )
    parsed = parse_message(xml=message.xml_bytes)
    assert parsed.head["RecType"] == "5000402" and parsed.head["RegType"] == "500"
    [row] = parsed.rows["QLF_QL_GZDJ"]
    assert row["YSDM"] == "6002010210" and row["GZDJLX"] == "1" and row["GZNR"] == "建筑面积登记错误"
    assert row["YWH"] == case.number and row["BDCDYH"] == unit.code and row["SSYWH"] == old.business_number
    assert row["BDCQZH"] == case.certificates.get().number and row["GZGT"] == h.SELLER.name
    assert row["DJSJ"] == parsed.head["CreateDate"] and row["QSZT"] == "1"
    assert Decimal(parsed.rows["QLT_FW_FDCQ_YZ"][0]["JZMJ"]) == Decimal("91.30")
    assert schema_for("5000402").validate(etree.fromstring(message.xml_bytes))
    hub(message)


def test_ex_officio_correction_is_typed_2_with_its_basis(staff, hub):
    [(unit, old)] = h.titled_house(staff.registrar)
    _, message = _registered(
        staff,
        "correction_ex_officio",
        [unit.code],
        [],
        {"target_right_id": old.pk, "matter": "用途登记错误", "basis": "档案核查发现", "planned_use": "10"},
    )
    [row] = parse_message(xml=message.xml_bytes).rows["QLF_QL_GZDJ"]
    assert row["GZDJLX"] == "2" and row["GZYJ"] == "档案核查发现" and row["GZNR"] == "用途登记错误"
    assert row["GZGT"] == row["DJJG"]  # the registration authority acts of its own motion
    hub(message)


def test_hub_mirror_closes_the_cancelled_mortgage_and_keeps_the_title(staff, hub):
    [(unit, _)] = h.titled_house(staff.registrar)
    transfer = h.new_case(
        staff,
        "house_transfer_sale",
        [unit.code],
        [h.BUYER.party("holder"), h.SELLER.party("obligor")],
        {"price": "100"},
    )
    transfer = h.case_register(case=h.to_register(staff, transfer), by=staff.registrar)
    hub(OutboxMessage.objects.get(case_number=transfer.number))
    _, message = _registered(
        staff,
        "mortgage_first",
        [unit.code],
        [h.BANK.party("mortgagee"), h.BUYER.party("mortgagor")],
        dict(h.MORTGAGE_DATA),
    )
    hub(message)
    [mortgage] = unit_state(user=staff.registrar, code=unit.code).mortgages
    _, message = _registered(
        staff, "mortgage_cancel", [unit.code], [h.BUYER.party("applicant")], {"target_right_id": mortgage.pk}
    )
    hub(message)
    status = {
        table: MirrorRecord.objects.get(unit_code=unit.code, table=table).status
        for table in ("QLT_FW_FDCQ_YZ", "QLF_QL_DYAQ")
    }
    assert status == {"QLT_FW_FDCQ_YZ": MirrorStatus.CURRENT, "QLF_QL_DYAQ": MirrorStatus.HISTORIC}
