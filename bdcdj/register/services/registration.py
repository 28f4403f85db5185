"""`record`: the register's only writer (登簿)."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from bdcdj.accounts.models import User
from bdcdj.accounts.selectors import require_tenant
from bdcdj.core.errors import Forbidden, NotFound, invalid_fields
from bdcdj.register.models import Right, Unit, UnitKind
from bdcdj.register.services.chain import event_append
from bdcdj.register.services.items import RecordResult, RegistrationItem
from bdcdj.register.services.operations import HANDLERS
from bdcdj.register.services.units import CreatedUnits, units_create, units_lock
from bdcdj.register.services.validation import check_amounts, validate_item
from bdcdj.register.services.writing import Context
from bdcdj.register.summaries import json_value, right_summary, unit_summary


def record(*, item: RegistrationItem, by: User) -> RecordResult:
    """Apply one registration item to the register, atomically.

    Validates the whole item first (codes, dictionaries, shares, areas, amounts, dates), then
    in one transaction: locks the affected units, applies the operation's rules (Conflict with
    a Chinese message when the register forbids it), writes rights, parties and details, moves
    superseded rights to 历史, and appends one hash-chained RegisterEvent. Any error rolls
    everything back. `by` must be a registrar of the item's district.
    """
    if not isinstance(by, User) or by.pk is None or not by.is_active:
        raise Forbidden(code="registrar_required", message="登簿须由有效的登簿人员办理")
    require_tenant(user=by, region_code=item.region_code)
    validate_item(item)
    registered_at = item.registered_at or timezone.now()
    with transaction.atomic():
        new_codes = {spec.code.strip().upper() for spec in item.units}
        affected = _affected_codes(item)
        existing = [code for code in affected if code not in new_codes]
        versions = item.expected_unit_versions
        units = units_lock(codes=existing, region_code=item.region_code, expected_versions=versions)
        created = units_create(item=item)
        created_codes = [u.code for u in created.units if u.code in affected]
        units.update(units_lock(codes=created_codes, region_code=item.region_code, expected_versions={}))
        ctx = Context(item=item, by=by, registered_at=registered_at, units=dict(sorted(units.items())))
        _check_amounts_on_units(ctx)
        HANDLERS[item.operation](ctx)
        event = event_append(
            region_code=item.region_code,
            kind=item.operation,
            actor=by,
            occurred_at=timezone.now(),
            business_number=item.business_number.strip(),
            registration_type=item.registration_type,
            unit=next(iter(ctx.units.values())) if len(ctx.units) == 1 else None,
            right=_event_right(ctx),
            payload=_payload(ctx, created, registered_at),
        )
        _link(ctx, created, event)
    return RecordResult(
        event=event,
        rights_created=tuple(ctx.created),
        rights_ended=tuple(ctx.ended),
        units_created=tuple(created.units),
        warnings=tuple(ctx.warnings),
    )


def record_check(*, item: RegistrationItem, by: User) -> tuple[str, ...]:
    """Everything `record` would do, then rolled back: raises exactly what `record` would raise
    and returns its warnings. For 审核, before the case reaches 登簿."""
    with transaction.atomic():
        result = record(item=item, by=by)
        transaction.set_rollback(True)
    return result.warnings


def _affected_codes(item: RegistrationItem) -> list[str]:
    codes = list(item.affected_codes())
    if codes or not item.target_right_ids:
        return codes
    found = list(
        Right.objects.filter(pk__in=item.target_right_ids, region_code=item.region_code)
        .values_list("unit__code", flat=True)
        .distinct()
    )
    if not found:
        raise NotFound(code="right_not_found", message="未找到要办理的权利")
    return sorted(found)


def _check_amounts_on_units(ctx: Context) -> None:
    """Repeat the 万元 plausibility check now that the units' kinds are known for sure."""
    detail = ctx.item.right.detail if ctx.item.right else None
    if detail is None:
        return
    errors: dict[str, str] = {}
    on_house = any(u.kind == UnitKind.HOUSE for u in ctx.units.values())
    check_amounts(detail, on_house_units=on_house, errors=errors)
    if errors:
        raise invalid_fields(errors)


def _event_right(ctx: Context) -> Right | None:
    if len(ctx.created) == 1:
        return ctx.created[0]
    if not ctx.created and len(ctx.ended) == 1:
        return ctx.ended[0]
    return None


def _payload(ctx: Context, created: CreatedUnits, registered_at: datetime) -> dict[str, Any]:
    item = ctx.item
    moment = Right._meta.get_field("registered_at")
    return {
        "operation": str(item.operation),
        "registration_type": item.registration_type,
        "reason": item.reason.strip(),
        "registered_at": json_value(moment, registered_at),
        "certificate_number": item.certificate_number.strip(),
        "registrar": ctx.registrar_name,
        "units": list(ctx.units),
        "parcels_created": [p.code for p in created.parcels],
        "buildings_created": [b.code for b in created.buildings],
        "units_created": [unit_summary(u) for u in created.units],
        "rights_created": [
            right_summary(r, parties=ctx.parties.get(r.pk, []), detail=r.detail) for r in ctx.created
        ],
        "rights_ended": [
            {
                "id": r.pk,
                "unit": r.unit.code,
                "kind": r.kind,
                "status": r.status,
                "ended_at": json_value(moment, r.ended_at),
            }
            for r in ctx.ended
        ],
        "rights_changed": ctx.changed,
        "warnings": ctx.warnings,
    }


def _link(ctx: Context, created: CreatedUnits, event: Any) -> None:
    """Point the rows this item wrote at its event (for history reads)."""
    if ctx.created:
        Right.objects.filter(pk__in=[r.pk for r in ctx.created]).update(recorded_event=event)
        for right in ctx.created:
            right.recorded_event = event
    if ctx.ended:
        Right.objects.filter(pk__in=[r.pk for r in ctx.ended]).update(ended_event=event)
        for right in ctx.ended:
            right.ended_event = event
    if created.units:
        Unit.objects.filter(pk__in=[u.pk for u in created.units]).update(created_by_event=event)
        for unit in created.units:
            unit.created_by_event = event
