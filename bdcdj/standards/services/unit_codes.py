"""Allocation of new 不动产单元号: 宗地顺序号, 幢号 and 户号, gap-free per scope.

Scopes follow the numbering rules: 宗地顺序号 within (地籍子区, 宗地特征码), 幢号 within a 宗地,
户号 within a 自然幢. Regular parcel serials run 00001–89999; 90000–99999 are reserved for
temporary codes (our local convention, see docs/standards.md). 幢号 9999 is reserved for the
项目内多幢 project unit, so buildings are numbered 0001–9998.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from bdcdj.standards import unit_code
from bdcdj.standards.services.sequences import sequence_next, unit_code_seed_sequence

REGULAR_SERIAL_MAX = unit_code.TEMPORARY_SERIAL_MIN - 1
BUILDING_NO_MAX = int(unit_code.PROJECT_BUILDING_NO) - 1
HOUSEHOLD_NO_MAX = 9999
_PROBE_SUFFIX = {"W": "00000000", "F": "00010001", "L": "00000001", "Q": "00000001"}


def parcel_scope(parcel_prefix: str, *, temporary: bool = False) -> str:
    """Scope of 宗地顺序号 for the first 14 characters (county, zones, both 特征码 letters)."""
    return f"{'parcel-temp' if temporary else 'parcel'}:{parcel_prefix}"


def building_scope(parcel_code: str) -> str:
    return f"building:{parcel_code}"


def household_scope(building_code: str) -> str:
    return f"household:{building_code}"


def _prefix(
    region_code: str,
    zone: str,
    subzone: str,
    ownership_letter: str,
    parcel_type_letter: str,
    fixture_letter: str,
) -> str:
    """Validate the fixed parts with a probe serial before any counter moves."""
    unit_code.validate_region_code(region_code)
    for value, position, name, field in ((zone, 7, "地籍区", "zone"), (subzone, 10, "地籍子区", "subzone")):
        if not isinstance(value, str) or len(value) != 3 or not set(value) <= unit_code.DIGITS:
            message = f"{name}应为3位数字，实际为“{value}”"
            raise unit_code.UnitCodeError(position=position, message=message, field=field)
    for value, position, field in (
        (ownership_letter, 13, "ownership_letter"),
        (parcel_type_letter, 14, "parcel_type_letter"),
    ):
        if not isinstance(value, str) or len(value) != 1:
            message = f"宗地特征码应为单个大写字母，实际为“{value}”"
            raise unit_code.UnitCodeError(position=position, message=message, field=field)
    if fixture_letter not in _PROBE_SUFFIX:
        raise unit_code.UnitCodeError(
            position=20, message=f"定着物特征码应为 F、L、Q 或 W，实际为“{fixture_letter}”"
        )
    prefix = f"{region_code}{zone}{subzone}{ownership_letter}{parcel_type_letter}"
    unit_code.validate(f"{prefix}00001{fixture_letter}{_PROBE_SUFFIX[fixture_letter]}")
    return prefix


def _allocate_parcel(prefix: str, fixture_letter: str, *, temporary: bool) -> str:
    low, high = (
        (unit_code.TEMPORARY_SERIAL_MIN, unit_code.SERIAL_MAX) if temporary else (1, REGULAR_SERIAL_MAX)
    )
    kind = "临时宗地顺序号" if temporary else "宗地顺序号"
    serial = sequence_next(
        scope=parcel_scope(prefix, temporary=temporary),
        minimum=low,
        maximum=high,
        exhausted_message=f"{prefix} 的{kind}已用完（{low:05d}–{high:05d}）",
    )
    parcel_code = f"{prefix}{serial:05d}"
    return parcel_code + unit_code.LAND_ONLY_SUFFIX if fixture_letter == "W" else parcel_code


@transaction.atomic
def unit_code_allocate_parcel(
    *,
    region_code: str,
    zone: str,
    subzone: str,
    ownership_letter: str,
    parcel_type_letter: str,
    fixture_letter: str = "W",
) -> str:
    """Allocate the next 宗地顺序号 in the 地籍子区 for this pair of 特征码 letters.

    Returns the 28-character land-only unit code (…W00000000) for W; for F, L or Q it returns the
    19-character 宗地代码, whose units come from the building/household allocators.
    """
    prefix = _prefix(region_code, zone, subzone, ownership_letter, parcel_type_letter, fixture_letter)
    return _allocate_parcel(prefix, fixture_letter, temporary=False)


@transaction.atomic
def unit_code_allocate_temporary(
    *,
    region_code: str,
    zone: str,
    subzone: str,
    ownership_letter: str,
    parcel_type_letter: str,
    fixture_letter: str = "W",
) -> str:
    """Like `unit_code_allocate_parcel`, from the reserved serials 90000–99999 (临时单元号).

    For units registered before their cadastral survey is final; `UnitCode.is_temporary` marks them
    so they can be replaced by a regular code later.
    """
    prefix = _prefix(region_code, zone, subzone, ownership_letter, parcel_type_letter, fixture_letter)
    return _allocate_parcel(prefix, fixture_letter, temporary=True)


@transaction.atomic
def unit_code_allocate_building(*, parcel_code: str) -> str:
    """Allocate the next 幢号 (0001–9998) on a parcel; returns the 24-character 自然幢号."""
    unit_code.validate_parcel_code(parcel_code)
    unit_code.validate(f"{parcel_code}F00010001", field="parcel_code")  # the parcel type must allow F
    number = sequence_next(
        scope=building_scope(parcel_code),
        maximum=BUILDING_NO_MAX,
        exhausted_message=f"宗地 {parcel_code} 的幢号已用完（0001–{BUILDING_NO_MAX:04d}）",
    )
    return f"{parcel_code}F{number:04d}"


@transaction.atomic
def unit_code_allocate_household(*, building_code: str) -> str:
    """Allocate the next 户号 (0001–9999) in a 自然幢; returns the 28-character unit code."""
    unit_code.validate_building_code(building_code)
    number = sequence_next(
        scope=household_scope(building_code),
        maximum=HOUSEHOLD_NO_MAX,
        exhausted_message=f"自然幢 {building_code} 的户号已用完（0001–9999）",
    )
    return f"{building_code}{number:04d}"


@transaction.atomic
def unit_code_seed_from_codes(*, codes: Iterable[str]) -> dict[str, int]:
    """Raise every counter above the numbers already used by `codes` (stock import).

    Returns the counters touched with their new values. Invalid codes raise UnitCodeError before any
    counter changes. The project unit's 幢号 9999 does not move the building counter.
    """
    highest: dict[str, int] = defaultdict(int)
    for code in codes:
        unit = unit_code.parse(code)
        prefix = unit.parcel_code[:14]
        serial = int(unit.parcel_serial)
        scope = parcel_scope(prefix, temporary=unit.is_temporary)
        highest[scope] = max(highest[scope], serial)
        if unit.fixture_letter == "F":
            if not unit.is_project_unit:
                scope = building_scope(unit.parcel_code)
                highest[scope] = max(highest[scope], int(unit.building_no))
            scope = household_scope(unit.raw[:24])
            highest[scope] = max(highest[scope], int(unit.household_no))
    return {
        scope: unit_code_seed_sequence(scope=scope, last_value=value)
        for scope, value in sorted(highest.items())
    }
