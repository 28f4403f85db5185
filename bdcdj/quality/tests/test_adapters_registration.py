"""The 登簿 adapter: registration items built as the cases app builds them, mapped to
standard rows and checked with `quality_check_item`."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from bdcdj.quality.adapters.registration import rows_for_item
from bdcdj.quality.services import quality_check_item
from bdcdj.register.models import Operation, RightKind
from bdcdj.register.services import HouseOwnershipSpec, RegistrationItem, RightSpec, record
from bdcdj.register.tests import factories as f

LAND_TERM = HouseOwnershipSpec(land_use_start=date(2010, 1, 1), land_use_end=date(2080, 12, 31))


@pytest.fixture
def house(registrar):
    unit, title = f.registered_house(registrar)
    return unit, title


def rule_ids(findings):
    return sorted({finding.rule_id for finding in findings})


def test_first_registration_maps_parcel_building_households_right_and_owner(db):
    item = f.first_registration(households=2)
    rows = rows_for_item(item=item)
    assert sorted(rows) == ["KTT_FW_H", "KTT_FW_ZRZ", "KTT_ZDJBXX", "QLT_FW_FDCQ_YZ", "ZTT_GY_QLR"]
    parcel, building = rows["KTT_ZDJBXX"][0], rows["KTT_FW_ZRZ"][0]
    assert (parcel["ZDDM"], parcel["ZDMJ"], parcel["YT"], parcel["YSDM"]) == (
        f.PARCEL,
        Decimal("12000.00"),
        "071",
        "6001010000",
    )
    assert (building["ZRZH"], building["ZCS"], building["GHYT"]) == (f.PARCEL + "F0001", 6, "11")
    households = rows["KTT_FW_H"]
    assert [h["BDCDYH"] for h in households] == [f.house_code(1, 1), f.house_code(1, 2)]
    assert (households[0]["SHBW"], households[0]["SCJZMJ"], households[0]["FWYT1"], households[0]["HH"]) == (
        "101",
        Decimal("89.50"),
        "11",
        1,
    )
    right = rows["QLT_FW_FDCQ_YZ"][0]
    assert right["BDCDYH"] == f.house_code(1, 1) and len(rows["QLT_FW_FDCQ_YZ"]) == 2
    assert (right["QLLX"], right["DJLX"], right["DJYY"], right["QXDM"], right["QSZT"]) == (
        "4",
        "100",
        "首次登记",
        f.REGION,
        "1",
    )
    assert (right["JZMJ"], right["ZYJZMJ"], right["FTJZMJ"], right["GHYT"]) == (
        Decimal("89.50"),
        Decimal("75.20"),
        Decimal("14.30"),
        "11",
    )  # taken from the unit, as the register does
    assert (right["SZC"], right["ZCS"], right["FDZL"], right["TDSYQR"]) == (
        1,
        6,
        "长丰县水湖镇幸福路1号1幢101室",
        "张小三",
    )
    assert (right["TDSYQSSJ"], right["QLJSSJ"]) == (date(2010, 1, 1), date(2080, 12, 31))
    assert "DBR" not in right and "BDCQZH" not in right  # assigned by 登簿 itself
    (owner,) = rows["ZTT_GY_QLR"]
    assert (owner["QLRMC"], owner["ZJZL"], owner["ZJH"], owner["QLRLX"], owner["GYFS"]) == (
        "张小三",
        "1",
        "340121199001011234",
        "1",
        "0",
    )


def test_first_registration_passes_with_survey_gaps_as_warnings(db):
    report = quality_check_item(item=f.first_registration(households=2))
    assert report.ok
    assert {(w.rule_id, w.field) for w in report.warnings} == {("Q-REQ-002", "QLXZ"), ("Q-REQ-002", "XMMC")}


def test_mortgage_maps_method_amounts_dates_mortgagor_and_bank(house):
    unit, _ = house
    rows = rows_for_item(item=f.mortgage(unit))
    (row,) = rows["QLF_QL_DYAQ"]
    assert (row["BDCDYH"], row["DYFS"], row["BDBZZQSE"], row["ZGZQSE"]) == (
        unit.code,
        "1",
        Decimal("80.0000"),
        None,
    )
    assert (row["ZWLXQSSJ"], row["ZWLXJSSJ"], row["DYBDCLX"]) == (date(2024, 1, 1), date(2044, 1, 1), "2")
    assert (row["DYR"], row["DYJELX"], row["SFCZJZHXZ"], row["DBFW"], row["YSDM"]) == (
        "张小三",
        "0",
        "0",
        "",
        "6002030100",
    )
    bank, mortgagor = rows["ZTT_GY_QLR"]
    assert (bank["QLRMC"], bank["ZJZL"], bank["QLRLX"], bank["GYFS"]) == (f.BANK.name, "8", "2", "0")
    assert "GYFS" not in mortgagor and mortgagor["SXH"] == 2
    assert rows["KTT_FW_H"][0]["BDCDYH"] == unit.code  # the current unit, for the cross-checks


def test_mortgage_without_guarantee_scope_is_blocked_under_2021(house):
    unit, _ = house
    report = quality_check_item(item=f.mortgage(unit))
    assert [(b.rule_id, b.field) for b in report.blocking] == [("Q-DYAQ-003", "DBFW")]
    assert "担保范围（DBFW）不能为空" in report.as_messages()[0]


def test_mortgage_with_guarantee_scope_passes(house):
    unit, _ = house
    item = f.mortgage(unit)
    detail = replace(item.right.detail, guarantee_scope="主债权及利息")
    assert quality_check_item(item=replace(item, right=replace(item.right, detail=detail))).findings == ()


def test_maximum_amount_mortgage_without_maximum_is_blocked(house):
    unit, _ = house
    item = f.mortgage(unit, method="2")
    detail = replace(item.right.detail, maximum_amount=None, guarantee_scope="主债权")
    report = quality_check_item(item=replace(item, right=replace(item.right, detail=detail)))
    assert [(b.rule_id, b.field) for b in report.blocking] == [("Q-DYAQ-001", "ZGZQSE")]


def test_amount_typed_in_yuan_is_flagged(house):
    unit, _ = house
    item = f.mortgage(unit, amount=Decimal("800000"))
    detail = replace(item.right.detail, guarantee_scope="主债权")
    report = quality_check_item(item=replace(item, right=replace(item.right, detail=detail)))
    assert [w.rule_id for w in report.warnings] == ["Q-AMT-001"] and report.ok


def test_transfer_maps_price_buyer_and_seller(house):
    unit, _ = house
    rows = rows_for_item(item=f.transfer(unit))
    (right,) = rows["QLT_FW_FDCQ_YZ"]
    assert (right["DJLX"], right["FDCJYJG"], right["TDSYQR"], right["TDSYQSSJ"]) == (
        "200",
        Decimal("120.5000"),
        "李四",
        None,
    )
    buyer, seller = rows["ZTT_GY_QLR"]
    assert (buyer["QLRMC"], buyer["GYFS"]) == ("李四", "0")
    assert seller["QLRMC"] == "张小三" and "GYFS" not in seller


def test_transfer_without_land_term_is_blocked_once_per_missing_date(house):
    unit, _ = house
    report = quality_check_item(item=f.transfer(unit))
    assert [(b.rule_id, b.field) for b in report.blocking] == [
        ("Q-REQ-001", "TDSYQSSJ"),
        ("Q-REQ-001", "TDSYJSSJ"),
    ]


def test_transfer_with_land_term_passes(house):
    unit, _ = house
    item = f.transfer(unit)
    detail = replace(LAND_TERM, price=Decimal("120.5"))
    assert quality_check_item(item=replace(item, right=replace(item.right, detail=detail))).ok


def test_change_without_detail_or_parties_keeps_the_replaced_rights_values_masked(house):
    unit, title = house
    item = RegistrationItem(
        region_code=f.REGION,
        business_number=f.business_number(),
        operation=Operation.CHANGE,
        registration_type="300",
        reason="坐落变更",
        target_right_ids=(title.pk,),
        right=RightSpec(kind=RightKind.HOUSE_OWNERSHIP),
    )
    rows = rows_for_item(item=item)
    (right,) = rows["QLT_FW_FDCQ_YZ"]
    assert right["BDCDYH"] == unit.code and right["QLLX"] == "4"
    assert (right["TDSYQSSJ"], right["TDSYJSSJ"]) == (date(2010, 1, 1), date(2080, 12, 31))
    (owner,) = rows["ZTT_GY_QLR"]
    assert (owner["QLRMC"], owner["ZJH"]) == ("张*三", "3401**********1234")  # never decrypted
    assert quality_check_item(item=item).ok


def test_given_units_are_used_without_reading_the_register(house, django_assert_num_queries):
    unit, _ = house
    item = f.mortgage(unit)
    with django_assert_num_queries(0):
        rows = rows_for_item(item=item, units={unit.code: unit})
    assert rows["KTT_FW_H"][0]["ZL"] == unit.location


@pytest.mark.parametrize(("stage", "severity"), [("register", "block"), ("stock", "warn")])
def test_temporary_unit_codes_block_at_register_but_only_warn_in_stock(db, stage, severity):
    item = f.first_registration(households=1, parcel="340121001001GB90001")
    report = quality_check_item(item=item, stage=stage)
    temporary = [x for x in report.findings if x.rule_id == "Q-UNIT-002"]
    assert {x.table for x in temporary} == {"KTT_ZDJBXX", "KTT_FW_H", "QLT_FW_FDCQ_YZ", "ZTT_GY_QLR"}
    assert {x.severity for x in temporary} == {severity}


def test_seizure_and_objection_map_their_tables(house):
    unit, _ = house
    rows = rows_for_item(item=f.seizure(unit))
    (seizure,) = rows["QLF_QL_CFDJ"]
    assert (seizure["CFJG"], seizure["CFLX"], seizure["CFQSSJ"], seizure["CFJSSJ"]) == (
        "长丰县人民法院",
        "1",
        date(2024, 3, 1),
        date(2027, 2, 28),
    )
    assert quality_check_item(item=f.seizure(unit)).ok
    objection = rows_for_item(item=f.objection(unit))["QLF_QL_YYDJ"][0]
    assert objection["YYSX"] == "对房屋所有权归属有异议" and objection["DJLX"] == "600"


def test_mortgage_change_keeps_the_registered_mortgage_detail(house, registrar):
    unit, _ = house
    item = f.mortgage(unit)
    detail = replace(item.right.detail, guarantee_scope="主债权及利息")
    mortgage = record(
        item=replace(item, right=replace(item.right, detail=detail)), by=registrar
    ).rights_created[0]
    change = RegistrationItem(
        region_code=f.REGION,
        business_number=f.business_number(),
        operation=Operation.CHANGE,
        registration_type="300",
        reason="债务履行期限变更",
        target_right_ids=(mortgage.pk,),
        right=RightSpec(kind=RightKind.MORTGAGE, right_type="37"),
    )
    rows = rows_for_item(item=change)
    (row,) = rows["QLF_QL_DYAQ"]
    assert (row["DYFS"], row["BDBZZQSE"], row["DBFW"], row["DYR"]) == (
        "1",
        Decimal("80.0000"),
        "主债权及利息",
        "张*三",
    )
    assert [p["QLRMC"] for p in rows["ZTT_GY_QLR"]] == [f.BANK.name, "张*三"]
    assert quality_check_item(item=change).ok
