"""Unit versions (the SQLite lock), append-only events and the title constraint."""

from dataclasses import replace

import pytest
from django.db import IntegrityError, connection, transaction

from bdcdj.core.errors import Conflict
from bdcdj.register.models import ImmutableRecordError, RegisterEvent, Right, RightStatus, Unit
from bdcdj.register.services import record
from bdcdj.register.tests import factories as f


def test_each_registration_bumps_the_unit_version(registrar):
    unit, _title = f.registered_house(registrar)
    assert Unit.objects.get(pk=unit.pk).version == 1
    record(item=f.mortgage(unit), by=registrar)
    assert Unit.objects.get(pk=unit.pk).version == 2


def test_a_stale_expected_version_is_a_conflict(registrar):
    unit, title = f.registered_house(registrar)
    seen = Unit.objects.get(pk=unit.pk).version
    record(item=f.seizure(unit), by=registrar)  # someone else registers meanwhile
    item = replace(f.transfer(unit, target=title), expected_unit_versions={unit.code: seen})
    with pytest.raises(Conflict) as exc:
        record(item=item, by=registrar)
    assert exc.value.code == "unit_changed"


def test_the_expected_version_lets_the_registration_through(registrar):
    unit, title = f.registered_house(registrar)
    seen = Unit.objects.get(pk=unit.pk).version
    result = record(
        item=replace(f.transfer(unit, target=title), expected_unit_versions={unit.code: seen}), by=registrar
    )
    assert result.rights_created[0].unit.version == seen + 1


def test_events_cannot_be_changed_or_deleted_through_the_orm(registrar):
    f.registered_house(registrar)
    event = RegisterEvent.objects.get()
    event.business_number = "forged"
    with pytest.raises(ImmutableRecordError):
        event.save()
    with pytest.raises(ImmutableRecordError):
        event.delete()
    with pytest.raises(ImmutableRecordError):
        RegisterEvent.objects.filter(pk=event.pk).update(business_number="forged")
    with pytest.raises(ImmutableRecordError):
        RegisterEvent.objects.all().delete()
    with pytest.raises(ImmutableRecordError):
        RegisterEvent.objects.bulk_update([event], ["business_number"])


@pytest.mark.postgres
def test_postgres_trigger_refuses_raw_update_and_delete(registrar):
    f.registered_house(registrar)
    for sql in (
        "UPDATE register_registerevent SET business_number = 'forged'",
        "DELETE FROM register_registerevent",
    ):
        with pytest.raises(Exception, match="只能追加"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert RegisterEvent.objects.get().business_number != "forged"


def test_database_refuses_two_current_titles_on_one_unit(registrar):
    unit, title = f.registered_house(registrar)
    twin = Right(
        region_code=title.region_code,
        unit=unit,
        kind=title.kind,
        right_type="4",
        registration_type="100",
        business_number="X",
        registered_at=title.registered_at,
        registrar=registrar,
        registrar_name="x",
        status=RightStatus.CURRENT,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
