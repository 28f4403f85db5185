"""RecType (业务编码) and YSDM (要素代码) catalogues."""

import re

import pytest

from bdcdj.core.errors import InvalidInput, NotFound
from bdcdj.standards.catalogues import ysdm_table
from bdcdj.standards.selectors import rectype_get, rectypes, ysdm_for_table


def test_both_rectype_schemes_are_complete():
    assert len(rectypes(scheme="2015")) == 43
    assert len(rectypes(scheme="revised")) == 64
    for scheme in ("2015", "revised"):
        for rt in rectypes(scheme=scheme):
            assert re.fullmatch(r"[1-9]\d{6}", rt.rectype)
            assert rt.djlx == rt.rectype[0] + "00"
            assert rt.main_table in rt.tables


def test_9000101_means_mortgage_in_2015_and_land_ownership_renewal_in_revised():
    assert rectype_get(scheme="2015", rectype="9000101").main_table == "QLF_QL_DYAQ"
    renewal = rectype_get(scheme="revised", rectype="9000101")
    assert renewal.name == "土地所有权换证登记" and renewal.main_table == "QLF_QL_TDSYQ"


def test_revised_scheme_gives_mortgage_and_easement_their_own_category():
    mortgage = rectype_get(scheme="revised", rectype="1003701")
    assert (mortgage.category, mortgage.djlx, mortgage.main_table) == ("0037", "100", "QLF_QL_DYAQ")
    assert rectype_get(scheme="revised", rectype="5002101").main_table == "QLF_QL_DYIQ"
    with pytest.raises(NotFound):
        rectype_get(scheme="2015", rectype="1003701")


def test_message_tables_follow_the_layout_of_each_scheme():
    old = rectype_get(scheme="2015", rectype="1000402").tables
    new = rectype_get(scheme="revised", rectype="1000402").tables
    assert "DJT_DJ_SLSQ" in old and "DJF_DJ_SQR" in old and "DJF_DJ_DB" not in old
    assert "DJT_DJ_SL" in new and "DJF_DJ_SQ" in new and "DJF_DJ_DB" in new
    assert {"KTT_FW_ZRZ", "KTT_FW_LJZ", "KTT_FW_C", "KTT_FW_H", "ZD_K_103"} <= set(new)
    assert "QLF_QL_GZDJ" in rectype_get(scheme="revised", rectype="5000402").tables
    assert "QLF_FW_FDCQ_DZ_XM" in rectype_get(scheme="revised", rectype="1000401").tables
    assert "ZTT_GY_JTCY" in rectype_get(scheme="revised", rectype="1000901").tables


def test_cancellation_and_seizure_messages_carry_no_owner_table():
    assert "ZTT_GY_QLR" not in rectype_get(scheme="revised", rectype="4000101").tables
    seizure = rectype_get(scheme="revised", rectype="8000101").tables
    assert "ZTT_GY_QLR" not in seizure and "DJF_DJ_GD" not in seizure
    assert "DJF_DJ_GD" not in rectype_get(scheme="revised", rectype="7000101").tables


def test_unknown_scheme_is_invalid_input():
    with pytest.raises(InvalidInput) as info:
        rectypes(scheme="2021")
    assert info.value.fields.keys() == {"scheme"}


@pytest.mark.parametrize(
    ("element", "qllx", "ysdm"),
    [
        ("KTT_ZDJBXX", None, "6001010000"),
        ("KTT_FW_H", None, "6001030140"),
        ("QLT_FW_FDCQ_YZ", None, "6002010200"),
        ("QLF_QL_DYAQ", None, "6002030100"),
        ("QLF_QL_YGDJ", None, "6002040100"),
        ("ZTT_GY_QLR", None, "6003000000"),
        ("DJT_DJ_SLSQ", None, "6004010000"),
        ("DJT_DJ_SL", None, "6004010000"),
        ("DJF_DJ_SQ", None, "6004020000"),
        ("QLF_QL_JSYDSYQ", None, "6002020100"),
        ("QLF_QL_JSYDSYQ", "5", "6002020300"),
        ("QLF_QL_JSYDSYQ", "7", "6002020200"),
        ("QLF_QL_HYSYQ", "17", "6002020700"),
        ("QLF_QL_NYDSYQ", "9", "6002020400"),
        ("QLF_QL_NYDSYQ", "13", "6002020500"),
    ],
)
def test_ysdm_of_each_access_table(element, qllx, ysdm):
    assert ysdm_for_table(element, qllx=qllx) == ysdm


def test_every_main_table_of_a_rectype_has_a_ysdm_except_the_cancellation_table():
    main_tables = {rt.main_table for scheme in ("2015", "revised") for rt in rectypes(scheme=scheme)}
    missing = set()
    for table in main_tables:
        try:
            ysdm_for_table(table)
        except NotFound:
            missing.add(table)
    assert missing == {"QLF_QL_ZXDJ"}  # no source gives its YSDM (docs/standards.md)


def test_ysdm_codes_are_unique_ten_digit_codes_with_one_default_per_table():
    codes = [row.ysdm for row in ysdm_table()]
    assert len(codes) == len(set(codes)) and all(re.fullmatch(r"\d{10}", c) for c in codes)
    elements = {e for row in ysdm_table() for e in row.elements}
    for element in elements:
        assert sum(1 for row in ysdm_table() if element in row.elements and row.is_default) == 1, element


def test_unknown_table_has_no_ysdm():
    with pytest.raises(NotFound) as info:
        ysdm_for_table("KTT_NOPE")
    assert "KTT_NOPE" in info.value.message
