"""Writes of the standards app. Import from here; the submodules are an implementation detail."""

from bdcdj.standards.services.certificates import (
    certificate_number_allocate,
    certificate_number_compose,
    certificate_number_void,
)
from bdcdj.standards.services.dictionaries import standards_load
from bdcdj.standards.services.sequences import sequence_next, unit_code_seed_sequence
from bdcdj.standards.services.unit_codes import (
    building_scope,
    household_scope,
    parcel_scope,
    unit_code_allocate_building,
    unit_code_allocate_household,
    unit_code_allocate_parcel,
    unit_code_allocate_temporary,
    unit_code_seed_from_codes,
)

__all__ = [
    "building_scope",
    "certificate_number_allocate",
    "certificate_number_compose",
    "certificate_number_void",
    "household_scope",
    "parcel_scope",
    "sequence_next",
    "standards_load",
    "unit_code_allocate_building",
    "unit_code_allocate_household",
    "unit_code_allocate_parcel",
    "unit_code_allocate_temporary",
    "unit_code_seed_from_codes",
    "unit_code_seed_sequence",
]
