"""Messages built from a real 登簿: layout per RecType, head, XSD validity, signature."""

import re

import pytest
from django.db import transaction
from lxml import etree

from bdcdj.cases.tests import helpers as h
from bdcdj.exchange.messages import parse_message, schema_for, validate_message
from bdcdj.exchange.models import OutboxMessage, OutboxStatus
from bdcdj.exchange.signing import node_public_key_hex, verify_message
from bdcdj.exchange.xsd.generator import all_rectypes, xsd_path, xsd_text

pytestmark = pytest.mark.django_db


def test_house_transfer_gives_a_valid_signed_2000402_message(registered):
    case, message = registered("transfer")
    assert message.status == OutboxStatus.PENDING and message.errors == []
    parsed = parse_message(xml=message.xml_bytes)
    head = parsed.head
    assert head["RecType"] == "2000402" and head["RegType"] == "200" and head["RightType"] == "4"
    assert head["RecFlowID"] == case.number and head["AreaCode"] == "340121" and head["ASID"] == "AS100"
    assert head["EstateNum"] == message.unit_code and head["ParcelID"] == message.unit_code[:19]
    assert head["CertCount"] == "1" and head["ProofCount"] == "0"
    assert head["PreEstateNum"] == message.unit_code
    assert re.fullmatch(r"340121\d{6}\d{6}", head["BizMsgID"])
    title = parsed.rows["QLT_FW_FDCQ_YZ"][0]
    assert title["YSDM"] == "6002010200" and title["BDCQZH"] == case.certificates.get().number
    assert title["FDCJYJG"] == "120.5000" and title["DJSJ"] == head["CreateDate"]
    assert [r["QLRMC"] for r in parsed.rows["ZTT_GY_QLR"]] == [h.BUYER.name, h.SELLER.name]
    assert parsed.rows["DJF_DJ_SQ"][0]["YWRMC"] == h.SELLER.name
    assert {"DJT_DJ_SL", "DJF_DJ_SJ", "DJF_DJ_SH", "DJF_DJ_DB", "KTT_FW_H"} <= set(parsed.rows)
    assert "DJF_DJ_FZ" not in parsed.rows and "DJF_DJ_GD" not in parsed.rows  # known only later
    assert validate_message(xml=message.xml_bytes) == []
    assert verify_message(xml=message.xml_bytes, public_key_hex=node_public_key_hex())


def test_mortgage_gives_a_valid_1003701_message_with_the_proof(registered):
    case, message = registered("mortgage")
    assert message.status == OutboxStatus.PENDING, message.errors
    parsed = parse_message(xml=message.xml_bytes)
    assert parsed.head["RecType"] == "1003701" and parsed.head["RightType"] == "37"
    assert parsed.head["ProofCount"] == "1" and parsed.head["CertCount"] == "0"
    [mortgage] = parsed.rows["QLF_QL_DYAQ"]
    assert mortgage["BDCDJZMH"] == case.certificates.get().number and mortgage["BDBZZQSE"] == "80.0000"
    assert mortgage["DYR"] == h.SELLER.name and mortgage["YSDM"] == "6002030100"
    assert "KTT_FW_H" not in parsed.rows  # 抵押: only the right and the 业务 tables
    assert schema_for("1003701").validate(etree.fromstring(message.xml_bytes))


def test_2015_scheme_uses_the_legacy_codes_and_element_names(registered, settings):
    settings.BDCDJ_RECTYPE_SCHEME = "2015"
    _, message = registered("mortgage")
    parsed = parse_message(xml=message.xml_bytes)
    assert parsed.head["RecType"] == "9000101" and parsed.head["RegType"] == "900"
    assert "DJT_DJ_SLSQ" in parsed.rows and "DJF_DJ_SQR" in parsed.rows and "DJF_DJ_DB" not in parsed.rows
    assert message.status == OutboxStatus.PENDING, message.errors


def _mutated(xml: bytes, table: str, **changes: str | None) -> bytes:
    root = etree.fromstring(xml)
    row = root.find(f"Data/{table}")
    for name, value in changes.items():
        if value is None:
            del row.attrib[name]
        else:
            row.set(name, value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_broken_messages_are_rejected_with_chinese_errors(registered):
    _, message = registered("mortgage")
    xml = message.xml_bytes
    missing = validate_message(xml=_mutated(xml, "QLF_QL_DYAQ", DYR=None))
    assert any("抵押人（DYR）为必填项" in e for e in missing)
    bad_enum = validate_message(xml=_mutated(xml, "QLF_QL_DYAQ", DYFS="9"))
    assert bad_enum == ["抵押权（QLF_QL_DYAQ）的抵押方式（DYFS）的值“9”不在字典中"]
    bad_code = validate_message(xml=_mutated(xml, "QLF_QL_DYAQ", BDCDYH="340121001001GB1000"))
    assert any("不动产单元号（BDCDYH）的值“340121001001GB1000”格式不正确" in e for e in bad_code)
    root = etree.fromstring(xml)
    root.find("Data").remove(root.find("Data/QLF_QL_DYAQ"))
    assert "缺少主表抵押权（QLF_QL_DYAQ）的数据" in validate_message(xml=etree.tostring(root))


def test_invalid_message_is_stored_not_dropped_and_not_sendable(staff, monkeypatch):
    from bdcdj.exchange.messages import registration

    monkeypatch.setattr(registration, "NOT_HELD", "")  # 房屋编码 then missing: XSD fails
    [(unit, _)] = h.titled_house(staff.registrar)
    case = h.new_case(
        staff,
        "house_transfer_sale",
        [unit.code],
        [h.BUYER.party("holder"), h.SELLER.party("obligor")],
        {"price": "99"},
    )
    case = h.case_register(case=h.to_register(staff, case), by=staff.registrar)
    message = OutboxMessage.objects.get(case_number=case.number)
    assert message.status == OutboxStatus.INVALID
    assert any("房屋编码（FWBM）为必填项" in e for e in message.errors)


def test_failing_registration_leaves_no_outbox_row_and_no_used_id(staff, monkeypatch):
    from bdcdj.cases.services import registration

    [(unit, _)] = h.titled_house(staff.registrar)
    case = h.to_register(
        staff,
        h.new_case(
            staff,
            "house_transfer_sale",
            [unit.code],
            [h.BUYER.party("holder"), h.SELLER.party("obligor")],
            {"price": "99"},
        ),
    )
    original = registration._enqueue_access_message

    def enqueue_then_fail(*args, **kwargs):
        original(*args, **kwargs)
        raise RuntimeError("登簿中途失败")

    monkeypatch.setattr(registration, "_enqueue_access_message", enqueue_then_fail)
    with pytest.raises(RuntimeError):
        h.case_register(case=case, by=staff.registrar)
    assert not OutboxMessage.objects.exists()
    monkeypatch.setattr(registration, "_enqueue_access_message", original)
    h.case_register(case=case, by=staff.registrar)
    assert OutboxMessage.objects.get().biz_msg_id.endswith("000001")  # the rolled-back ID is reused


def test_biz_msg_ids_are_gap_free_per_district_and_day(registered):
    ids = [registered("transfer")[1].biz_msg_id for _ in range(3)]
    assert [int(i[-6:]) for i in ids] == [1, 2, 3]
    assert len({i[:12] for i in ids}) == 1 and all(len(i) == 18 for i in ids)
    with transaction.atomic():
        assert OutboxMessage.objects.count() == 3


def test_committed_xsds_match_the_generator():
    for scheme, rectype in all_rectypes():
        assert xsd_path(scheme=scheme, rectype=rectype).read_text(encoding="utf-8") == xsd_text(
            scheme=scheme, rectype=rectype
        ), f"{scheme}/{rectype}.xsd 与生成结果不一致，请运行 manage.py build_xsds"
