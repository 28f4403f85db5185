"""Land, sea, agricultural and forest RecTypes end to end: registrations recorded through
`register.services.record` (no business type drives them yet) give XSD-valid, signed messages
that the hub accepts into its mirror; house messages carry their 逻辑幢 and 层."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from bdcdj.exchange.messages import parse_message, validate_message
from bdcdj.exchange.models import OutboxStatus
from bdcdj.exchange.services import outbox_enqueue_record, relay_once
from bdcdj.exchange.signing import node_public_key_hex, verify_message
from bdcdj.exchange.xsd.generator import table_specs
from bdcdj.hub.models import MessageStatus, MirrorRecord, ReceivedMessage
from bdcdj.register.models import Operation, RightKind
from bdcdj.register.services import (
    AgriculturalSpec,
    ForestSpec,
    LandOwnershipSpec,
    ParcelSpec,
    RegistrationItem,
    RightSpec,
    SeaUseSpec,
    UnitSpec,
    record,
)
from bdcdj.register.tests import factories as f

pytestmark = pytest.mark.django_db

COLLECTIVE = replace(
    f.SELLER,
    name="长丰县水湖镇幸福村股份经济合作社",
    party_type="99",
    id_type="8",
    id_number="N2340121MF0000001X",
)
CASES = {
    "1000101": (
        "340121001001JA00001W00000000",
        RightKind.LAND_OWNERSHIP,
        "2",
        LandOwnershipSpec(agricultural_area=Decimal("3000"), construction_area=Decimal("2000")),
        COLLECTIVE,
        "QLF_QL_TDSYQ",
    ),
    "1000901": (
        "340121001001JD00001W00000000",
        RightKind.AGRICULTURAL_LAND,
        "9",
        AgriculturalSpec(
            contractor_code="340121001001001",
            contractor_name="幸福村股份经济合作社",
            area_mu=Decimal("6.5"),
            start=date(2018, 1, 1),
            end=date(2047, 12, 31),
            land_ownership_nature="2",
        ),
        f.SELLER,
        "QLF_QL_NYDSYQ",
    ),
    "1001201": (
        "340121001001JE00001L00000001",
        RightKind.FOREST,
        "10",
        ForestSpec(
            contractor_name="幸福村股份经济合作社",
            area_mu=Decimal("30"),
            start=date(2015, 1, 1),
            end=date(2064, 12, 31),
            main_species="杉木",
            tree_count=1200,
            forest_type="2",
            origin="2",
            planting_year=2015,
            forest_block="12",
            sub_block="3",
        ),
        f.SELLER,
        "QLT_QL_LQ",
    ),
    "1001501": (
        "340121000000GH00001W00000000",
        RightKind.SEA_USE,
        "15",
        SeaUseSpec(
            area_ha=Decimal("12.5"), start=date(2020, 1, 1), end=date(2040, 1, 1), fee_total=Decimal("300")
        ),
        f.SELLER,
        "QLF_QL_HYSYQ",
    ),
}


def _record(registrar, rectype: str, *, detail=None):
    code, kind, right_type, default_detail, holder, _table = CASES[rectype]
    sea = kind == RightKind.SEA_USE
    item = RegistrationItem(
        region_code=f.REGION,
        business_number=f.business_number(),
        operation=Operation.CREATE,
        registration_type="100",
        reason="首次登记",
        parcels=(
            ParcelSpec(
                code=code[:19],
                location="长丰县近海养殖区" if sea else "长丰县水湖镇幸福村",
                area=Decimal("12.5") if sea else Decimal("5000.00"),
                area_unit="3" if sea else "1",
            ),
        ),
        units=(UnitSpec(code=code, location="长丰县水湖镇幸福村"),),
        right=RightSpec(kind=kind, right_type=right_type, parties=(holder,), detail=detail or default_detail),
        certificate_number=f"皖(2024)长丰县不动产权第{rectype}号",
    )
    return record(item=item, by=registrar)


@pytest.mark.parametrize("rectype", sorted(CASES))
def test_each_rectype_gives_a_valid_message_the_hub_mirrors(rectype, staff, upstream):
    table = CASES[rectype][5]
    result = _record(staff.registrar, rectype)
    message = outbox_enqueue_record(results=[result], rectype=rectype, by=staff.registrar)

    assert message.status == OutboxStatus.PENDING, message.errors
    assert validate_message(xml=message.xml_bytes) == []
    assert verify_message(xml=message.xml_bytes, public_key_hex=node_public_key_hex())
    parsed = parse_message(xml=message.xml_bytes)
    assert (
        parsed.head["RecType"] == rectype
        and parsed.head["RecFlowID"] == result.rights_created[0].business_number
    )
    [row] = parsed.rows[table]
    spec = table_specs()[table]
    required = {c for c, fld in spec.fields.items() if fld.required == "Y" and fld.in_layout("2021")}
    assert required <= set(row), required - set(row)
    assert {"DJT_DJ_SL", "DJF_DJ_SQ", "DJF_DJ_DB", "ZTT_GY_QLR"} <= set(parsed.rows)

    assert relay_once(upstream_url="http://upper").acked == [message.biz_msg_id]
    stored = ReceivedMessage.objects.get(biz_msg_id=message.biz_msg_id)
    assert stored.status == MessageStatus.ACCEPTED, stored.response_info
    mirrored = set(MirrorRecord.objects.filter(updated_by_message=stored).values_list("table", flat=True))
    assert table in mirrored and "ZTT_GY_QLR" in mirrored


def test_the_rights_details_are_in_their_tables(staff):
    forest = parse_message(
        xml=outbox_enqueue_record(
            results=[_record(staff.registrar, "1001201")], rectype="1001201", by=staff.registrar
        ).xml_bytes
    ).rows["QLT_QL_LQ"][0]
    assert (forest["ZYSZ"], forest["ZS"], forest["LZ"], forest["LB"], forest["XB"]) == (
        "杉木",
        "1200",
        "2",
        "12",
        "3",
    )
    assert forest["SYQMJ"].startswith("30") and forest["LDSYQSSJ"].startswith("2015-01-01")
    sea = parse_message(
        xml=outbox_enqueue_record(
            results=[_record(staff.registrar, "1001501")], rectype="1001501", by=staff.registrar
        ).xml_bytes
    )
    [zh] = sea.rows["KTT_ZHJBXX"]
    assert zh["ZHDM"] == "340121000000GH00001" and zh["ZHTZM"] == "GH" and zh["ZHMJ"].startswith("12.5")
    assert (zh["DAH"], zh["ZH"], zh["JDH"], zh["YSDM"]) == ("/", "/", "000", "6001020000")
    assert sea.rows["QLF_QL_HYSYQ"][0]["ZHHDDM"] == "340121000000GH00001"
    land = parse_message(
        xml=outbox_enqueue_record(
            results=[_record(staff.registrar, "1000101")], rectype="1000101", by=staff.registrar
        ).xml_bytes
    ).rows["QLF_QL_TDSYQ"][0]
    assert land["ZDDM"] == "340121001001JA00001" and land["NYDMJ"].startswith("3000") and land["MJDW"] == "1"


def test_a_forest_message_without_its_species_is_invalid_in_chinese(staff):
    result = _record(staff.registrar, "1001201", detail=replace(CASES["1001201"][3], main_species=""))
    message = outbox_enqueue_record(results=[result], rectype="1001201", by=staff.registrar)
    assert message.status == OutboxStatus.INVALID
    assert "林权（QLT_QL_LQ）的主要树种（ZYSZ）为必填项，不能为空" in message.errors


def test_the_2015_scheme_uses_its_element_names(staff, settings):
    settings.BDCDJ_RECTYPE_SCHEME = "2015"
    result = _record(staff.registrar, "1000901")
    message = outbox_enqueue_record(results=[result], rectype="1000901", by=staff.registrar)
    assert message.status == OutboxStatus.PENDING, message.errors
    rows = parse_message(xml=message.xml_bytes).rows
    assert "DJT_DJ_SLSQ" in rows and "DJF_DJ_SQR" in rows and "DJF_DJ_DB" not in rows


def test_house_messages_carry_their_logical_building_and_floor(registered):
    _case, message = registered("transfer")
    rows = parse_message(xml=message.xml_bytes).rows
    [ljz] = rows["KTT_FW_LJZ"]
    [floor] = rows["KTT_FW_C"]
    house = rows["KTT_FW_H"][0]
    assert ljz["ZRZH"] == floor["ZRZH"] == house["ZRZH"] and floor["CH"] == house["CH"]
    assert ljz["YSDM"] == "6001030120" and floor["YSDM"] == "6001030130"
    assert validate_message(xml=message.xml_bytes) == []
    root = etree.fromstring(message.xml_bytes)
    root.find("Data/KTT_FW_C").attrib.pop("CH")
    errors = validate_message(xml=etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    assert "层（KTT_FW_C）的层号（CH）为必填项，不能为空" in errors
