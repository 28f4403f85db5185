"""Unsaved model instances from specs. Validation builds them to run `full_clean` before the
transaction; the writers build them again with their foreign keys and save them."""

import dataclasses
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from bdcdj.accounts import pii
from bdcdj.core.errors import invalid_fields
from bdcdj.register.models import (
    DETAIL_MODELS,
    Building,
    LogicalBuilding,
    Parcel,
    Party,
    Unit,
    UnitKind,
)
from bdcdj.register.services.codes import parse_code
from bdcdj.register.services.specs import (
    BuildingSpec,
    DetailSpec,
    LogicalBuildingSpec,
    ParcelSpec,
    PartySpec,
    UnitSpec,
)
from bdcdj.register.standard_fields import PERSON_PARTY_TYPE

# Foreign keys are set by the writers from rows they already hold; checking them in
# full_clean would only cost a query each.
_FK_EXCLUDES = (
    "right",
    "unit",
    "parcel",
    "building",
    "floor",
    "logical_building",
    "registrar",
    "predecessor",
    "recorded_event",
    "ended_event",
    "created_by_event",
    "converted_to",
)


def clean(
    obj: models.Model,
    *,
    prefix: str = "",
    errors: dict[str, str] | None = None,
    exclude: tuple[str, ...] = (),
) -> None:
    """`full_clean` with Chinese field messages keyed `prefix + field`; collects into
    `errors` when given, raises InvalidInput otherwise. Uniqueness is checked by the writers
    under the unit lock, not here."""
    try:
        obj.full_clean(exclude=_FK_EXCLUDES + exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        found = {f"{prefix}{name}": "；".join(msgs) for name, msgs in exc.message_dict.items()}
        if errors is None:
            raise invalid_fields(found) from exc
        for key, msg in found.items():
            errors.setdefault(key, msg)


def _fields(spec: Any, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {f.name: getattr(spec, f.name) for f in dataclasses.fields(spec) if f.name not in skip}


def parcel_from_spec(spec: ParcelSpec, *, region_code: str) -> Parcel:
    code = spec.code.strip().upper()
    parsed = parse_code(code + "W00000000")
    return Parcel(
        region_code=region_code,
        code=code,
        kind="sea" if parsed.is_sea else "land",
        location=spec.location.strip(),
        area=spec.area,
        area_unit=spec.area_unit,
        land_use=spec.land_use,
        right_nature=spec.right_nature,
        ownership_letter=parsed.ownership_letter,
        parcel_type_letter=parsed.parcel_type_letter,
    )


def building_from_spec(spec: BuildingSpec, *, region_code: str) -> Building:
    code = spec.code.strip().upper()
    return Building(
        region_code=region_code,
        number=code[20:24],
        **{**_fields(spec, skip=("logical_buildings",)), "code": code},
    )


def logical_building_from_spec(spec: LogicalBuildingSpec, *, region_code: str) -> LogicalBuilding:
    return LogicalBuilding(region_code=region_code, **_fields(spec))


def unit_kind_for(code: str, requested: str = "") -> str:
    """The unit kind the code implies: W → land (sea on a 宗海), F → house, L → forest,
    Q → other. A caller may narrow F or Q to a structure."""
    parsed = parse_code(code)
    letter = parsed.fixture_letter
    if letter == "W":
        derived = UnitKind.SEA if parsed.is_sea else UnitKind.LAND
    elif letter == "F":
        derived = UnitKind.HOUSE
    elif letter == "L":
        derived = UnitKind.FOREST
    else:
        derived = UnitKind.OTHER
    if requested == UnitKind.STRUCTURE and letter in {"F", "Q"}:
        return UnitKind.STRUCTURE
    return derived


def unit_from_spec(spec: UnitSpec, *, region_code: str) -> Unit:
    code = spec.code.strip().upper()
    parsed = parse_code(code)
    kind = unit_kind_for(code, spec.kind)
    return Unit(
        region_code=region_code,
        code=code,
        kind=kind,
        household_no=code[24:28] if parsed.fixture_letter == "F" else "",
        room_label=spec.room_label,
        location=spec.location.strip(),
        planned_use=spec.planned_use,
        house_type=spec.house_type,
        house_nature=spec.house_nature,
        structure=spec.structure,
        built_area=spec.built_area,
        exclusive_area=spec.exclusive_area,
        shared_area=spec.shared_area,
        is_temporary=bool(parsed.is_temporary),
    )


def party_from_spec(spec: PartySpec, *, region_code: str, order: int) -> Party:
    """Encrypts name, ID number and phone; keeps only masked forms and the blind index."""
    name = spec.name.strip()
    id_number = pii.normalise_id_number(spec.id_number)
    organisation = spec.party_type != PERSON_PARTY_TYPE
    return Party(
        region_code=region_code,
        role=spec.role,
        order=order,
        party_type=spec.party_type,
        name_enc=pii.encrypt_text(name),
        name_masked=pii.mask_name(name, organisation=organisation),
        id_type=spec.id_type,
        id_number_enc=pii.encrypt_text(id_number),
        id_masked=pii.mask_id_number(id_number) if id_number else "",
        id_index=pii.blind_index(id_number),
        share=spec.share,
        holds_certificate=spec.holds_certificate,
        certificate_number=spec.certificate_number.strip(),
        phone_enc=pii.encrypt_text(spec.phone.strip()),
    )


def detail_from_spec(kind: str, spec: DetailSpec) -> models.Model:
    model = DETAIL_MODELS[kind]
    return model(**_fields(spec))


def copy_detail(detail: models.Model) -> models.Model:
    """An unsaved copy of a detail row (for a new version of a right that keeps its detail)."""
    values = {
        f.attname: getattr(detail, f.attname) for f in detail._meta.concrete_fields if f.name != "right"
    }
    return type(detail)(**values)


def copy_party(party: Party) -> Party:
    values = {
        f.attname: getattr(party, f.attname)
        for f in party._meta.concrete_fields
        if f.name not in {"id", "right"}
    }
    return Party(**values)
