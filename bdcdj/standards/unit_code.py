"""不动产单元号 — the 28-character real-estate unit code: parse, validate and compose.

Layout (docs/standards.md §1): 县级行政区划代码(6) 地籍区(3) 地籍子区(3) 宗地特征码(2)
宗地顺序号(5) = the 19-character 宗地/宗海代码, then 定着物特征码(1) and 定着物单元代码(8). The code has
no check digit. This module touches no database, so it is safe on hot paths and in property tests;
allocation of new codes lives in `standards.services`.

Errors name the 1-based position of the offending character. `UnitCodeError.related_positions`
lists every position the failing rule looked at, so a form can highlight all of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bdcdj.core.errors import InvalidInput
from bdcdj.standards.catalogues import provinces

LENGTH = 28
PARCEL_CODE_LENGTH = 19
BUILDING_CODE_LENGTH = 24
DIGITS = frozenset("0123456789")

OWNERSHIP_LETTERS = "GJZ"
PARCEL_TYPE_LETTERS = "ABSXCDEFHGWYLN"
FIXTURE_LETTERS = "FLQW"
SEA_LETTERS = frozenset("HG")
PARCEL_TYPE_NAMES = {
    "A": "集体土地所有权宗地",
    "B": "建设用地使用权宗地（地表）",
    "S": "建设用地使用权宗地（地上）",
    "X": "建设用地使用权宗地（地下）",
    "C": "宅基地使用权宗地",
    "D": "土地承包经营权宗地（耕地）",
    "E": "土地承包经营权宗地（林地）",
    "F": "土地承包经营权宗地（草地）",
    "H": "海域使用权宗海",
    "G": "无居民海岛使用权（海岛）",
    "W": "使用权未确定或有争议的土地、海域",
    "Y": "其它使用权土地、海域、海岛",
    "L": "林地使用权宗地（承包经营权以外的）",
    "N": "农用地使用权宗地（承包经营以外的、非林地）",
}
# Second letter -> the only first letter it may follow (集体土地所有权 and 宅基地 are collective land).
ONLY_WITH_OWNERSHIP = {"A": "J", "C": "J"}
# Second letter -> fixture letters it may carry (the vendor-recognised list of reference §1.2;
# W, absent there, is allowed with W only: disputed land carries no registrable fixture).
ALLOWED_FIXTURES: dict[str, str] = {
    "A": "W",
    "B": "WFQ",
    "S": "WFQ",
    "X": "WFQ",
    "C": "WFQ",
    "D": "W",
    "E": "LQW",
    "F": "W",
    "G": "WFLQ",
    "H": "WFLQ",
    "L": "LQW",
    "N": "W",
    "Y": "W",
    "W": "W",
}
LAND_ONLY_SUFFIX = "W00000000"
# 项目内多幢房屋 unit: the 幢号 vendors reserve for the project as a whole; never allocated to a building.
PROJECT_BUILDING_NO = "9999"
# Local convention: parcel serials 90000–99999 are handed out only by the temporary-code allocator.
TEMPORARY_SERIAL_MIN = 90000
SERIAL_MAX = 99999

_PARTS = [
    (1, 6, "县级行政区划代码"),
    (7, 9, "地籍区"),
    (10, 12, "地籍子区"),
    (13, 13, "宗地特征码第1位"),
    (14, 14, "宗地特征码第2位"),
    (15, 19, "宗地顺序号"),
    (20, 20, "定着物特征码"),
]


class UnitCodeError(InvalidInput):
    """A unit code that breaks a rule; `position` is 1-based (29 = one character too many)."""

    def __init__(
        self, *, position: int, message: str, related: Iterable[int] = (), field: str = "unit_code"
    ) -> None:
        super().__init__(code="invalid_unit_code", message=message, fields={field: message})
        self.position = position
        self.related_positions = frozenset({position, *related})


@dataclass(frozen=True, slots=True)
class UnitCode:
    raw: str
    county: str
    zone: str
    subzone: str
    ownership_letter: str
    parcel_type_letter: str
    parcel_serial: str
    fixture_letter: str
    building_no: str  # positions 21–24: 幢号 for F, otherwise the first half of the fixture code
    household_no: str  # positions 25–28: 户号 for F

    def __str__(self) -> str:
        return self.raw

    @property
    def parcel_code(self) -> str:
        """宗地/宗海代码 (地籍号), the first 19 characters."""
        return self.raw[:PARCEL_CODE_LENGTH]

    @property
    def building_code(self) -> str | None:
        """自然幢号: parcel code + F + 幢号 (24 characters); None unless the fixture is a building."""
        return self.raw[:BUILDING_CODE_LENGTH] if self.fixture_letter == "F" else None

    @property
    def fixture_code(self) -> str:
        return self.raw[20:]

    @property
    def is_land_only(self) -> bool:
        return self.raw.endswith(LAND_ONLY_SUFFIX)

    @property
    def is_sea(self) -> bool:
        return self.parcel_type_letter in SEA_LETTERS

    @property
    def is_virtual(self) -> bool:
        """Vendor practice: 地籍区+地籍子区 = 000000 on land marks a virtual (过渡期) unit."""
        return self.zone + self.subzone == "000000" and not self.is_sea

    @property
    def is_temporary(self) -> bool:
        return int(self.parcel_serial) >= TEMPORARY_SERIAL_MIN

    @property
    def is_project_unit(self) -> bool:
        return self.fixture_letter == "F" and self.building_no == PROJECT_BUILDING_NO


class _Broken(Exception):
    """A broken rule found by a checker; `parse` turns it into a UnitCodeError for the caller's field."""

    def __init__(self, position: int, message: str, related: Iterable[int] = ()) -> None:
        super().__init__(message)
        self.position, self.message, self.related = position, message, tuple(related)


def _part_name(position: int, fixture_letter: str) -> str:
    for start, end, name in _PARTS:
        if start <= position <= end:
            return name
    if fixture_letter == "F":
        return "幢号" if position <= 24 else "户号"
    return "定着物单元代码"


def _where(
    start: int, end: int, fixture_letter: str = "", name: str = "", subject: str = "不动产单元号"
) -> str:
    span = f"第{start}位" if start == end else f"第{start}–{end}位"
    return f"{subject}{span}（{name or _part_name(start, fixture_letter)}）"


def _shown(char: str) -> str:
    return char if char.isprintable() and not char.isspace() else f"\\u{ord(char):04x}"


def _char_rule(position: int) -> tuple[frozenset[str] | str, str]:
    if position == 13:
        return OWNERSHIP_LETTERS, "应为 G、J 或 Z"
    if position == 14:
        return PARCEL_TYPE_LETTERS, "应为 " + "、".join(sorted(PARCEL_TYPE_LETTERS)) + " 之一"
    if position == 20:
        return FIXTURE_LETTERS, "应为 F、L、Q 或 W"
    return DIGITS, "应为数字"


def parse(code: str, *, field: str = "unit_code") -> UnitCode:
    """Parse and fully validate a unit code; raise UnitCodeError naming the first broken rule."""
    try:
        return _parse(code)
    except _Broken as broken:
        raise UnitCodeError(
            position=broken.position, message=broken.message, related=broken.related, field=field
        ) from None


def _parse(code: str) -> UnitCode:
    if not isinstance(code, str) or not code:
        raise _Broken(1, "不动产单元号不能为空")
    if len(code) != LENGTH:
        raise _Broken(min(len(code), LENGTH) + 1, f"不动产单元号应为28位，实际为{len(code)}位")
    for index, char in enumerate(code):
        allowed, rule = _char_rule(index + 1)
        if char not in allowed:
            where = _where(index + 1, index + 1, code[19] if index > 19 else "")
            raise _Broken(index + 1, f"{where}{rule}，实际为“{_shown(char)}”")

    unit = UnitCode(
        raw=code,
        county=code[0:6],
        zone=code[6:9],
        subzone=code[9:12],
        ownership_letter=code[12],
        parcel_type_letter=code[13],
        parcel_serial=code[14:19],
        fixture_letter=code[19],
        building_no=code[20:24],
        household_no=code[24:28],
    )
    _check_county(unit.county)
    _check_zones(unit)
    _check_letters(unit)
    if unit.parcel_serial == "00000":
        raise _Broken(15, f"{_where(15, 19)}应在00001–99999之间，实际为“00000”", range(16, 20))
    _check_fixture(unit)
    return unit


def _check_county(county: str, subject: str = "不动产单元号") -> None:
    """Plausibility by GB/T 2260 structure: a known province, then non-zero city and county parts."""
    if county[:2] not in provinces():
        where = _where(1, 2, name="省级行政区划代码", subject=subject)
        raise _Broken(1, f"{where}“{county[:2]}”不是 GB/T 2260 中的省级代码", [2])
    if county[2:4] == "00":
        where = _where(3, 4, name="地级行政区划代码", subject=subject)
        raise _Broken(3, f"{where}不能为“00”：应为县级行政区划代码", [4])
    if county[4:6] == "00":
        where = _where(5, 6, name="县级行政区划代码", subject=subject)
        raise _Broken(5, f"{where}不能为“00”：应为县级行政区划代码", [6])


def _check_zones(unit: UnitCode) -> None:
    if unit.is_sea:
        return
    both = [*range(7, 13), 14]
    if unit.zone == "000" and unit.subzone != "000":
        raise _Broken(
            7, f"{_where(7, 9)}为“000”时地籍子区也应为“000”（虚拟单元）；只有宗海可单独使用000", both
        )
    if unit.subzone == "000" and unit.zone != "000":
        message = f"{_where(10, 12)}不能为“000”：只有宗海或虚拟单元（000000）可以使用000"
        raise _Broken(10, message, both)


def _check_letters(unit: UnitCode) -> None:
    first, second = unit.ownership_letter, unit.parcel_type_letter
    what = f"{_where(14, 14)}“{second}”（{PARCEL_TYPE_NAMES[second]}）"
    only = ONLY_WITH_OWNERSHIP.get(second)
    if only and first != only:
        raise _Broken(14, f"{what}只能与第13位“{only}”组合，实际为“{first}”", [13])
    if second in SEA_LETTERS and first == "J":
        message = f"{what}不能与第13位“J”（集体土地所有权）组合：海域和无居民海岛属于国家所有"
        raise _Broken(14, message, [13])


def _check_fixture(unit: UnitCode) -> None:
    second, fixture, suffix = unit.parcel_type_letter, unit.fixture_letter, unit.fixture_code
    allowed = ALLOWED_FIXTURES[second]
    if fixture not in allowed:
        raise _Broken(
            20,
            f"{_where(20, 20)}“{fixture}”不能与第14位“{second}”（{PARCEL_TYPE_NAMES[second]}）组合；"
            f"允许：{'、'.join(allowed)}",
            [14],
        )
    if fixture == "W":
        for offset, char in enumerate(suffix):
            if char != "0":
                position = 21 + offset
                raise _Broken(
                    position,
                    f"{_where(position, position)}应为“0”：无定着物（W）的定着物单元代码为00000000",
                    [20],
                )
    elif fixture == "F":
        if unit.building_no == "0000":
            raise _Broken(21, f"{_where(21, 24, 'F')}应在0001–9999之间，实际为“0000”", [20, 22, 23, 24])
        if unit.household_no == "0000":
            raise _Broken(25, f"{_where(25, 28, 'F')}应在0001–9999之间，实际为“0000”", [20, 26, 27, 28])
    elif suffix == "00000000":
        raise _Broken(21, f"{_where(21, 28, fixture)}不能全为0：全0只用于无定着物（W）", [20, *range(22, 29)])


def validate(code: str, *, field: str = "unit_code") -> None:
    parse(code, field=field)


def is_valid(code: str) -> bool:
    try:
        parse(code)
    except UnitCodeError:
        return False
    return True


def normalize(code: str) -> str:
    """What a person typed, trimmed and upper-cased; still needs `parse`."""
    return code.strip().upper()


def validate_region_code(region_code: str, *, field: str = "region_code") -> None:
    """A 6-digit county-level GB/T 2260 code, by the same rules as positions 1–6 of a unit code."""
    if not isinstance(region_code, str) or len(region_code) != 6 or not set(region_code) <= DIGITS:
        raise UnitCodeError(position=1, message="行政区划代码应为6位数字", field=field)
    try:
        _check_county(region_code, subject="行政区划代码")
    except _Broken as broken:
        raise UnitCodeError(
            position=broken.position, message=broken.message, related=broken.related, field=field
        ) from None


def validate_parcel_code(code: str, *, field: str = "parcel_code") -> None:
    """A 19-character 宗地/宗海代码; every parcel type may stand alone, so it is checked with W."""
    if not isinstance(code, str) or len(code) != PARCEL_CODE_LENGTH:
        length = len(code) if isinstance(code, str) else 0
        message = f"宗地代码应为19位，实际为{length}位"
        raise UnitCodeError(position=min(length, PARCEL_CODE_LENGTH) + 1, message=message, field=field)
    parse(code + LAND_ONLY_SUFFIX, field=field)


def validate_building_code(code: str, *, field: str = "building_code") -> None:
    """A 24-character 自然幢号: parcel code + F + 幢号."""
    if not isinstance(code, str) or len(code) != BUILDING_CODE_LENGTH:
        length = len(code) if isinstance(code, str) else 0
        message = f"自然幢号应为24位（宗地代码+F+4位幢号），实际为{length}位"
        raise UnitCodeError(position=min(length, BUILDING_CODE_LENGTH) + 1, message=message, field=field)
    if code[19] != "F":
        message = f"自然幢号第20位应为“F”（房屋），实际为“{_shown(code[19])}”"
        raise UnitCodeError(position=20, message=message, field=field)
    parse(code + "0001", field=field)


def _pad(value: str | int, width: int, position: int, name: str) -> str:
    if isinstance(value, int):
        text = f"{value:0{width}d}"
        if value < 0 or len(text) != width:
            message = f"不动产单元号第{position}位起的{name}应为{width}位数字，实际为{value}"
            raise UnitCodeError(position=position, message=message)
        return text
    return value


def build(
    *,
    county: str,
    zone: str | int,
    subzone: str | int,
    ownership_letter: str,
    parcel_type_letter: str,
    parcel_serial: str | int,
    fixture_letter: str = "W",
    building_no: str | int | None = None,
    household_no: str | int | None = None,
    fixture_serial: str | int | None = None,
) -> str:
    """Compose a unit code from its parts (ints are zero-padded) and validate the result.

    W takes no further parts; F needs `building_no` and `household_no`; L and Q need
    `fixture_serial` (8 digits, not all zero).
    """
    suffix: str
    if fixture_letter == "F":
        if building_no is None or household_no is None:
            raise UnitCodeError(position=21, message="房屋（F）单元需要幢号和户号")
        suffix = _pad(building_no, 4, 21, "幢号") + _pad(household_no, 4, 25, "户号")
    elif fixture_letter in ("L", "Q"):
        if fixture_serial is None:
            raise UnitCodeError(position=21, message=f"定着物特征码为{fixture_letter}时需要8位定着物单元代码")
        suffix = _pad(fixture_serial, 8, 21, "定着物单元代码")
    else:
        if building_no is not None or household_no is not None or fixture_serial is not None:
            raise UnitCodeError(position=21, message="无定着物（W）的单元不能有幢号、户号或定着物单元代码")
        suffix = "00000000"
    code = (
        f"{county}{_pad(zone, 3, 7, '地籍区')}{_pad(subzone, 3, 10, '地籍子区')}{ownership_letter}"
        f"{parcel_type_letter}{_pad(parcel_serial, 5, 15, '宗地顺序号')}{fixture_letter}{suffix}"
    )
    parse(code)
    return code


def build_parcel_code(
    *,
    county: str,
    zone: str | int,
    subzone: str | int,
    ownership_letter: str,
    parcel_type_letter: str,
    parcel_serial: str | int,
) -> str:
    """The 19-character 宗地/宗海代码 from its parts."""
    code = build(
        county=county,
        zone=zone,
        subzone=subzone,
        ownership_letter=ownership_letter,
        parcel_type_letter=parcel_type_letter,
        parcel_serial=parcel_serial,
    )
    return code[:PARCEL_CODE_LENGTH]
