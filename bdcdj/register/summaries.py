"""JSON-safe summaries of register rows, shared by event payloads (hashed, so they must be
deterministic) and the API. Never contains clear names or ID numbers: parties appear with
their masked name and blind index only."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from bdcdj.register.models import Party, Right, Unit

JsonValue = str | int | bool | None


def json_value(field: models.Field, value: Any) -> JsonValue:
    """Decimals as fixed-point strings with the field's decimal places; dates and times ISO."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        places = getattr(field, "decimal_places", None)
        return f"{value:.{places}f}" if places is not None else format(value, "f")
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def detail_values(detail: models.Model | None) -> dict[str, JsonValue]:
    if detail is None:
        return {}
    values: dict[str, JsonValue] = {}
    for field in detail._meta.concrete_fields:
        if field.name == "right":
            continue
        values[field.name] = json_value(field, getattr(detail, field.attname))
    return values


def party_summary(party: Party) -> dict[str, JsonValue]:
    share_field = Party._meta.get_field("share")
    return {
        "role": party.role,
        "order": party.order,
        "party_type": party.party_type,
        "name": party.name_masked,
        "id_type": party.id_type,
        "id_number": party.id_masked,
        "id_index": party.id_index,
        "share": json_value(share_field, party.share),
        "holds_certificate": party.holds_certificate,
        "certificate_number": party.certificate_number,
    }


def right_summary(right: Right, *, parties: list[Party], detail: models.Model | None) -> dict[str, Any]:
    return {
        "id": right.pk,
        "unit": right.unit.code,
        "kind": right.kind,
        "right_type": right.right_type,
        "registration_type": right.registration_type,
        "status": right.status,
        "predecessor": right.predecessor_id,
        "certificate_number": right.certificate_number,
        "co_ownership": right.co_ownership,
        "registered_at": json_value(Right._meta.get_field("registered_at"), right.registered_at),
        "remarks": right.remarks,
        "detail": detail_values(detail),
        "parties": [party_summary(p) for p in parties],
    }


def unit_summary(unit: Unit) -> dict[str, Any]:
    values: dict[str, Any] = {"code": unit.code, "kind": unit.kind, "location": unit.location}
    for name in ("room_label", "household_no", "planned_use", "house_type", "house_nature", "structure"):
        values[name] = getattr(unit, name)
    for name in ("built_area", "exclusive_area", "shared_area"):
        values[name] = json_value(Unit._meta.get_field(name), getattr(unit, name))  # type: ignore[arg-type]
    values["building"] = unit.building.code if unit.building is not None else ""
    return values
