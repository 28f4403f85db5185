"""Property tests: composing and parsing agree, and a one-character typo is blamed on a rule that
looks at the character that was changed."""

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bdcdj.standards import unit_code
from bdcdj.standards.catalogues import provinces
from bdcdj.standards.unit_code import UnitCodeError, build, parse

PROVINCES = sorted(provinces())
CHAR_CLASSES = {
    13: unit_code.OWNERSHIP_LETTERS,
    14: unit_code.PARCEL_TYPE_LETTERS,
    20: unit_code.FIXTURE_LETTERS,
}


ZONE_OR_ZERO = st.one_of(st.just(0), st.integers(1, 999))


@st.composite
def unit_parts(draw: st.DrawFn) -> dict:
    second = draw(st.sampled_from(unit_code.PARCEL_TYPE_LETTERS))
    if second in unit_code.ONLY_WITH_OWNERSHIP:
        first = unit_code.ONLY_WITH_OWNERSHIP[second]
    elif second in unit_code.SEA_LETTERS:
        first = draw(st.sampled_from("GZ"))
    else:
        first = draw(st.sampled_from(unit_code.OWNERSHIP_LETTERS))
    if second in unit_code.SEA_LETTERS:
        zone, subzone = draw(ZONE_OR_ZERO), draw(ZONE_OR_ZERO)
    elif draw(st.booleans()):
        zone, subzone = draw(st.integers(1, 999)), draw(st.integers(1, 999))
    else:
        zone = subzone = 0  # virtual unit
    county = (
        draw(st.sampled_from(PROVINCES)) + f"{draw(st.integers(1, 99)):02d}{draw(st.integers(1, 99)):02d}"
    )
    fixture = draw(st.sampled_from(unit_code.ALLOWED_FIXTURES[second]))
    parts = {
        "county": county,
        "zone": zone,
        "subzone": subzone,
        "ownership_letter": first,
        "parcel_type_letter": second,
        "parcel_serial": draw(st.integers(1, 99999)),
        "fixture_letter": fixture,
    }
    if fixture == "F":
        parts["building_no"] = draw(st.integers(1, 9999))
        parts["household_no"] = draw(st.integers(1, 9999))
    elif fixture in "LQ":
        parts["fixture_serial"] = draw(st.integers(1, 99_999_999))
    return parts


@given(unit_parts())
def test_build_then_parse_round_trips(parts):
    code = build(**parts)
    unit = parse(code)
    assert len(code) == 28 and unit.raw == code
    assert unit.county == parts["county"]
    assert int(unit.zone) == parts["zone"] and int(unit.subzone) == parts["subzone"]
    assert unit.ownership_letter == parts["ownership_letter"]
    assert unit.parcel_type_letter == parts["parcel_type_letter"]
    assert int(unit.parcel_serial) == parts["parcel_serial"]
    assert unit.fixture_letter == parts["fixture_letter"]
    assert unit.is_land_only == (parts["fixture_letter"] == "W")
    assert unit.is_temporary == (parts["parcel_serial"] >= 90000)
    if parts["fixture_letter"] == "F":
        assert int(unit.building_no) == parts["building_no"]
        assert int(unit.household_no) == parts["household_no"]
        assert unit.building_code == code[:24]
    rebuilt = build(
        county=unit.county,
        zone=unit.zone,
        subzone=unit.subzone,
        ownership_letter=unit.ownership_letter,
        parcel_type_letter=unit.parcel_type_letter,
        parcel_serial=unit.parcel_serial,
        fixture_letter=unit.fixture_letter,
        **(
            {"building_no": unit.building_no, "household_no": unit.household_no}
            if unit.fixture_letter == "F"
            else {"fixture_serial": unit.fixture_code}
            if unit.fixture_letter in "LQ"
            else {}
        ),
    )
    assert rebuilt == code


ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
TYPO_CHARS = st.one_of(
    st.sampled_from("0FGHJLQWZ"),  # characters that flip cross-field rules
    st.sampled_from(ALPHABET),
    st.characters(codec="utf-8"),
)


@settings(max_examples=1500)
@given(unit_parts(), st.integers(0, 27), TYPO_CHARS)
def test_single_character_typo_is_valid_or_blamed_on_its_position(parts, index, char):
    code = build(**parts)
    assume(code[index] != char)
    typo = code[:index] + char + code[index + 1 :]
    position = index + 1
    try:
        parse(typo)
    except UnitCodeError as error:
        assert position in error.related_positions, (typo, error.message)
        assert error.position in error.related_positions
        if char not in CHAR_CLASSES.get(position, unit_code.DIGITS):
            assert error.position == position, (typo, error.message)
        assert f"第{error.position}" in error.message


@given(st.text(max_size=40))
def test_arbitrary_text_never_crashes_the_parser(text):
    try:
        unit = parse(text)
    except UnitCodeError as error:
        assert 1 <= error.position <= 29
    else:
        assert unit_code.is_valid(unit.raw)


SEEDS = [
    "340121261006GB00014F00220045",
    "230522101202GB00107W00000000",
    "320684400203GG00005W00000000",
    "320684000203GH00001W00000000",
    "320684400000GG00001F00010001",
    "320684000000ZH00001L00000001",
    "340121000000GB00001W00000000",
    "340121001001JA00001W00000000",
    "340121001001JC00001Q00000001",
    "340121001001JE00001L00000001",
    "340121001001GS99999F99990001",
    "340121001001ZX00001Q00000010",
    "110101001001GW00001W00000000",
    "820101001001GN00001W00000000",
]


def test_every_single_character_typo_of_the_seed_codes_is_blamed_on_its_position():
    """Exhaustive companion of the property above: every position, every letter and digit."""
    for code in SEEDS:
        parse(code)
        for index in range(28):
            for char in ALPHABET + "a -":
                if char == code[index]:
                    continue
                typo = code[:index] + char + code[index + 1 :]
                try:
                    parse(typo)
                except UnitCodeError as error:
                    assert index + 1 in error.related_positions, (typo, error.message)
