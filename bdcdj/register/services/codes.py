"""Unit, parcel and building codes as the register accepts them: parsed by
`standards.unit_code` and bound to the district that registers them."""

from bdcdj.core.errors import InvalidInput
from bdcdj.standards import unit_code
from bdcdj.standards.unit_code import UnitCode, UnitCodeError

__all__ = ["UnitCode", "UnitCodeError", "normalize", "parse_code", "region_mismatch"]


def normalize(code: str) -> str:
    return unit_code.normalize(code) if isinstance(code, str) else code


def parse_code(code: str, *, field: str = "unit_code") -> UnitCode:
    """Parse a 28-character unit code typed by a person (trimmed, upper-cased)."""
    return unit_code.parse(normalize(code), field=field)


def region_mismatch(code: str, region_code: str) -> str:
    """Chinese message when a code's county part is not the registering district, else ''."""
    if code[:6] == region_code:
        return ""
    return f"不动产单元号的行政区划代码（{code[:6]}）与登记机构所在行政区（{region_code}）不一致"


def check_parcel_code(code: str, *, field: str) -> None:
    unit_code.validate_parcel_code(normalize(code), field=field)


def check_building_code(code: str, *, field: str) -> None:
    unit_code.validate_building_code(normalize(code), field=field)


def require_region(code: str, region_code: str, *, field: str) -> None:
    message = region_mismatch(code, region_code)
    if message:
        raise InvalidInput(code="unit_other_district", message=message, fields={field: message})
