"""Table tests for every rule of the 28-character 不动产单元号 (reference §1)."""

import pytest

from bdcdj.core.errors import InvalidInput
from bdcdj.standards import unit_code
from bdcdj.standards.catalogues import dictionary_specs, provinces
from bdcdj.standards.tests.conftest import HOUSE, ISLAND, LAND
from bdcdj.standards.unit_code import UnitCodeError, build, is_valid, parse, validate


def error_of(code: str) -> UnitCodeError:
    with pytest.raises(UnitCodeError) as info:
        parse(code)
    return info.value


def test_a_house_unit_splits_into_its_parts():
    unit = parse(HOUSE)
    assert (unit.county, unit.zone, unit.subzone) == ("340121", "261", "006")
    assert (unit.ownership_letter, unit.parcel_type_letter, unit.parcel_serial) == ("G", "B", "00014")
    assert (unit.fixture_letter, unit.building_no, unit.household_no) == ("F", "0022", "0045")
    assert unit.parcel_code == "340121261006GB00014"
    assert unit.building_code == "340121261006GB00014F0022"
    assert str(unit) == unit.raw == HOUSE
    assert not (
        unit.is_land_only or unit.is_virtual or unit.is_temporary or unit.is_sea or unit.is_project_unit
    )


def test_land_only_unit_has_no_building_code():
    unit = parse(LAND)
    assert unit.is_land_only and unit.building_code is None and unit.fixture_code == "00000000"


def test_island_unit_is_sea():
    assert parse(ISLAND).is_sea


@pytest.mark.parametrize(
    ("code", "virtual"),
    [
        ("340121000000GB00001W00000000", True),
        ("320684000000GH00001W00000000", False),  # sea may use 000 without being virtual
        ("320684000007GH00001W00000000", False),
        (LAND, False),
    ],
)
def test_virtual_units_are_land_units_without_cadastral_zone(code, virtual):
    assert parse(code).is_virtual is virtual


def test_reserved_serials_mark_temporary_units():
    assert parse("340121001001GB90000W00000000").is_temporary
    assert parse("340121001001GB99999W00000000").is_temporary
    assert not parse("340121001001GB89999W00000000").is_temporary


def test_building_9999_is_the_project_unit():
    assert parse("340121001001GB00001F99990001").is_project_unit


def test_message_names_position_part_and_actual_character():
    error = error_of("340121261006XB00014F00220045")
    assert error.position == 13
    assert error.message == "不动产单元号第13位（宗地特征码第1位）应为 G、J 或 Z，实际为“X”"
    assert error.code == "invalid_unit_code"
    assert error.fields == {"unit_code": error.message}
    assert isinstance(error, InvalidInput)


def test_field_name_of_the_error_can_be_chosen():
    with pytest.raises(UnitCodeError) as info:
        parse("bad", field="bdcdyh")
    assert list(info.value.fields) == ["bdcdyh"]


@pytest.mark.parametrize(
    ("code", "position", "fragment"),
    [
        ("", 1, "不能为空"),
        ("340121261006GB00014F0022004", 28, "应为28位，实际为27位"),
        ("340121261006GB00014F002200450", 29, "应为28位，实际为29位"),
        ("34012126100GB00014F00220045 ", 12, "第12位（地籍子区）应为数字"),
        ("3401212610O6GB00014F00220045", 11, "实际为“O”"),
        ("340121261006gB00014F00220045", 13, "应为 G、J 或 Z"),
        ("340121261006GI00014F00220045", 14, "宗地特征码第2位"),
        ("340121261006GB0001４F00220045", 19, "宗地顺序号"),  # full-width digit
        ("340121261006GB00014K00220045", 20, "应为 F、L、Q 或 W"),
        ("340121261006GB00014F002200 5", 27, "第27位（户号）应为数字，实际为“\\u0020”"),
        ("340121261006GB00014FA0220045", 21, "第21位（幢号）"),
        ("340121261006GB00014L0A000001", 22, "第22位（定着物单元代码）"),
    ],
)
def test_characters_outside_their_class_are_reported_exactly(code, position, fragment):
    error = error_of(code)
    assert error.position == position
    assert fragment in error.message


@pytest.mark.parametrize(
    ("code", "position", "fragment"),
    [
        ("990121261006GB00014F00220045", 1, "“99”不是 GB/T 2260 中的省级代码"),
        ("700121261006GB00014F00220045", 1, "“70”"),
        ("340021261006GB00014F00220045", 3, "地级行政区划代码）不能为“00”"),
        ("340100261006GB00014F00220045", 5, "县级行政区划代码）不能为“00”"),
    ],
)
def test_county_must_be_a_plausible_gbt2260_county(code, position, fragment):
    error = error_of(code)
    assert (error.position, fragment in error.message) == (position, True)


@pytest.mark.parametrize("province", ["11", "15", "34", "46", "50", "54", "65", "71", "81", "82"])
def test_every_province_of_gbt2260_is_accepted(province):
    assert is_valid(f"{province}0101001001GB00001W00000000")


@pytest.mark.parametrize(
    ("code", "position"),
    [
        ("340121000006GB00014F00220045", 7),
        ("340121261000GB00014F00220045", 10),
    ],
)
def test_zone_000_only_for_sea_or_whole_virtual_zone(code, position):
    error = error_of(code)
    assert error.position == position
    assert 14 in error.related_positions


@pytest.mark.parametrize("code", ["320684000203GH00001W00000000", "320684400000GG00001W00000000"])
def test_sea_may_use_zone_000(code):
    validate(code)


@pytest.mark.parametrize(
    ("first", "second", "valid"),
    [
        ("J", "A", True),
        ("G", "A", False),
        ("Z", "A", False),
        ("J", "C", True),
        ("G", "C", False),
        ("G", "H", True),
        ("Z", "H", True),
        ("J", "H", False),
        ("J", "G", False),
        ("Z", "B", True),
    ],
)
def test_ownership_and_parcel_type_letters_combine_by_the_rules(first, second, valid):
    code = f"340121001001{first}{second}00001W00000000"
    assert is_valid(code) is valid
    if not valid:
        assert error_of(code).position == 14


# Reference §1.2, verbatim; W (disputed) is absent there and we allow it without fixtures.
REFERENCE_LIST = (
    "AW; BW BF BQ; CW CF CQ; DW; EL EQ EW; FW; GW GF GL GQ; HW HF HL HQ; LL LQ LW; NW; SW SF SQ; XW XF XQ; YW"
)
REFERENCE_COMBINATIONS = set(REFERENCE_LIST.replace(";", " ").split()) | {"WW"}


@pytest.mark.parametrize("second", list(unit_code.PARCEL_TYPE_LETTERS))
@pytest.mark.parametrize("fixture", list(unit_code.FIXTURE_LETTERS))
def test_fixture_letter_combinations_follow_the_reference_list(second, fixture):
    first = "J" if second in "AC" else "G"
    suffix = {"W": "00000000", "F": "00010001", "L": "00000001", "Q": "00000001"}[fixture]
    code = f"340121001001{first}{second}00001{fixture}{suffix}"
    assert is_valid(code) is (second + fixture in REFERENCE_COMBINATIONS)
    if second + fixture not in REFERENCE_COMBINATIONS:
        assert error_of(code).position == 20


def test_parcel_serial_00000_is_invalid():
    error = error_of("340121261006GB00000F00220045")
    assert error.position == 15 and "00001–99999" in error.message


@pytest.mark.parametrize(
    ("code", "position"),
    [
        ("230522101202GB00107W00000100", 26),
        ("230522101202GB00107W10000000", 21),
        ("340121261006GB00014F00000045", 21),
        ("340121261006GB00014F00220000", 25),
        ("340121001001JE00001L00000000", 21),
        ("340121001001GB00001Q00000000", 21),
    ],
)
def test_fixture_codes_follow_the_fixture_letter(code, position):
    assert error_of(code).position == position


def test_build_pads_numbers_and_validates():
    code = build(
        county="340121",
        zone=261,
        subzone=6,
        ownership_letter="G",
        parcel_type_letter="B",
        parcel_serial=14,
        fixture_letter="F",
        building_no=22,
        household_no=45,
    )
    assert code == HOUSE
    assert build(county="230522", zone="101", subzone="202", ownership_letter="G", parcel_type_letter="B",
                 parcel_serial="00107") == LAND  # fmt: skip
    parts = {"county": "340121", "zone": 1, "subzone": 1, "ownership_letter": "J", "parcel_type_letter": "E"}
    assert (
        build(**parts, parcel_serial=3, fixture_letter="L", fixture_serial=12)
        == "340121001001JE00003L00000012"
    )
    assert unit_code.build_parcel_code(**parts, parcel_serial=3) == "340121001001JE00003"


@pytest.mark.parametrize(
    ("extra", "position"),
    [
        ({"fixture_letter": "F", "building_no": 1}, 21),
        ({"fixture_letter": "F", "building_no": 10000, "household_no": 1}, 21),
        ({"fixture_letter": "W", "building_no": 1}, 21),
        ({"fixture_letter": "L"}, 21),
        ({"parcel_serial": 100000}, 15),
        ({"parcel_serial": -1}, 15),
    ],
)
def test_build_rejects_parts_that_do_not_fit(extra, position):
    parts = {"county": "340121", "zone": 1, "subzone": 1, "ownership_letter": "G", "parcel_type_letter": "B"}
    with pytest.raises(UnitCodeError) as info:
        build(**{"parcel_serial": 1, **parts, **extra})
    assert info.value.position == position


def test_parcel_building_and_region_codes_have_their_own_validators():
    unit_code.validate_parcel_code("340121261006GB00014")
    unit_code.validate_building_code("340121261006GB00014F0022")
    unit_code.validate_region_code("340121")
    for call, value in [
        (unit_code.validate_parcel_code, "340121261006GB0001"),
        (unit_code.validate_parcel_code, "340121261006GA00014"),
        (unit_code.validate_building_code, "340121261006GB00014W0022"),
        (unit_code.validate_building_code, "340121261006GB00014F0000"),
        (unit_code.validate_building_code, "340121001001JD00014F0001"),
        (unit_code.validate_region_code, "340100"),
        (unit_code.validate_region_code, "34012"),
        (unit_code.validate_region_code, "990121"),
    ]:
        with pytest.raises(UnitCodeError):
            call(value)


def test_normalize_trims_and_upper_cases_but_parse_does_not():
    assert unit_code.normalize(" 340121261006gb00014f00220045 ") == HOUSE
    assert not is_valid(HOUSE.lower())


def test_letter_tables_match_the_dictionary_csvs():
    specs = {spec.code: spec for spec in dictionary_specs()}
    assert {i.code for i in specs["ZDTZM1"].items} == set(unit_code.OWNERSHIP_LETTERS)
    assert {i.code: i.label for i in specs["ZDTZM2"].items} == unit_code.PARCEL_TYPE_NAMES
    assert {i.code for i in specs["ZDTZM2"].items_for("2015")} == set(unit_code.PARCEL_TYPE_LETTERS) - {
        "L",
        "N",
    }
    assert {i.code for i in specs["DZWTZM"].items} == set(unit_code.FIXTURE_LETTERS)
    assert {i.code for i in specs["HJSZSS"].items} == {code + "0000" for code in provinces()}
    assert set(unit_code.ALLOWED_FIXTURES) == set(unit_code.PARCEL_TYPE_LETTERS)
