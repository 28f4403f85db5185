"""'其他/99' chosen where a specific code fits: the warning names the likely code and why."""

import pytest

from bdcdj.quality.tests.conftest import CREDIT_CODE, ID_CARD, UNIT, clean_rows, run
from bdcdj.quality.values import is_credit_code, is_id_card

RULE = "Q-DIC-002"


def only(findings):
    assert len(findings) == 1, [f.message for f in findings]
    return findings[0]


@pytest.mark.parametrize(
    ("changes", "field", "codes", "because"),
    [
        ({"ZJZL": "99"}, "ZJZL", ("1",), "18位居民身份证号码"),
        (
            {"ZJZL": "99", "ZJH": CREDIT_CODE, "QLRLX": "2", "QLRMC": "某某有限公司"},
            "ZJZL",
            ("8",),
            "统一社会信用代码",
        ),
        (
            {"ZJZL": "99", "ZJH": "MA2N0000-1", "QLRLX": "2", "QLRMC": "某某有限公司"},
            "ZJZL",
            ("6",),
            "组织机构代码",
        ),
        ({"ZJZL": "99", "ZJH": "E12345678"}, "ZJZL", ("3",), "护照"),
        ({"QLRLX": "99"}, "QLRLX", ("1",), "个人证件"),
        (
            {"QLRLX": "99", "ZJZL": "8", "ZJH": CREDIT_CODE, "QLRMC": "长丰县人民政府"},
            "QLRLX",
            ("4",),
            "国家机关",
        ),
        (
            {"QLRLX": "99", "ZJZL": "8", "ZJH": CREDIT_CODE, "QLRMC": "长丰县人民医院"},
            "QLRLX",
            ("3",),
            "事业单位",
        ),
        (
            {"QLRLX": "99", "ZJZL": "8", "ZJH": CREDIT_CODE, "QLRMC": "安徽某某建设有限公司"},
            "QLRLX",
            ("2",),
            "企业",
        ),
    ],
)
def test_party_codes_get_a_suggestion_with_its_reason(db, changes, field, codes, because):
    finding = only(run(RULE, {"ZTT_GY_QLR": [clean_rows(ZTT_GY_QLR=changes)["ZTT_GY_QLR"][0]]}))
    assert finding.field == field and finding.severity == "warn"
    assert finding.suggested_codes == codes
    assert because in finding.message and "可能应为" in finding.message
    assert finding.suggestion.startswith(codes[0] + "（")


def test_house_use_other_on_a_flat_suggests_residential(db):
    finding = only(run(RULE, clean_rows(KTT_FW_H={"FWYT1": "80"})))
    assert finding.field == "FWYT1" and finding.suggested_codes == ("10", "11")
    assert "房屋用途1（FWYT1）为“80”（其它）" in finding.message
    assert finding.suggestion == "10（住宅）或11（成套住宅）"


def test_right_use_other_looks_at_the_units_house_type(db):
    finding = only(run(RULE, clean_rows(QLT_FW_FDCQ_YZ={"GHYT": "80"})))
    assert finding.table == "QLT_FW_FDCQ_YZ" and finding.suggested_codes == ("10", "11")
    assert "该单元（户）的房屋类型为住宅" in finding.message


def test_use_name_text_is_evidence_too(db):
    rows = clean_rows(KTT_FW_H={"FWYT1": "80", "FWLX": "", "YTMC": "商铺"})
    assert only(run(RULE, rows)).suggested_codes == ("31",)


def test_house_type_other_is_inferred_from_the_use(db):
    assert only(run(RULE, clean_rows(KTT_FW_H={"FWLX": "99"}))).suggested_codes == ("1",)


def test_mortgaged_property_type_other_follows_the_unit_code(db):
    assert only(run(RULE, clean_rows(QLF_QL_DYAQ={"DYBDCLX": "7"}))).suggested_codes == ("2",)
    land = clean_rows(QLF_QL_DYAQ={"DYBDCLX": "7", "BDCDYH": UNIT[:19] + "W00000000"})
    assert only(run(RULE, land)).suggested_codes == ("1", "4")


def test_other_without_evidence_still_warns_without_a_suggestion(db):
    row = clean_rows(ZTT_GY_QLR={"ZJZL": "99", "ZJH": "A1234"})["ZTT_GY_QLR"][0]
    finding = only(run(RULE, {"ZTT_GY_QLR": [row]}))
    assert finding.suggestion == "" and finding.suggested_codes == ()
    assert "请确认是否有更具体的代码" in finding.message


def test_the_word_other_typed_instead_of_a_code_is_caught(db):
    row = clean_rows(ZTT_GY_QLR={"ZJZL": "其它"})["ZTT_GY_QLR"][0]
    assert only(run(RULE, {"ZTT_GY_QLR": [row]})).suggested_codes == ("1",)


def test_the_id_number_in_a_suggestion_message_is_masked(db):
    row = clean_rows(ZTT_GY_QLR={"ZJZL": "99"})["ZTT_GY_QLR"][0]
    message = only(run(RULE, {"ZTT_GY_QLR": [row]})).message
    assert ID_CARD not in message and "张小三" not in message


def test_specific_codes_do_not_warn(db):
    assert run(RULE, clean_rows()) == []


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        (ID_CARD, True),
        ("110105194912310021", False),
        ("11010519491331002X", False),
        ("1101051949123100", False),
    ],
)
def test_id_card_shape(value, valid):
    assert is_id_card(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"), [(CREDIT_CODE, True), ("91350100M000100Y44", False), ("91350100M000100YI3", False)]
)
def test_credit_code_shape(value, valid):
    assert is_credit_code(value) is valid
