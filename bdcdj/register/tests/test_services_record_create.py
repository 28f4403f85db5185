"""首次登记 and unit intake through `record`."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from bdcdj.core.errors import Conflict, Forbidden, InvalidInput
from bdcdj.register.models import (
    Building,
    Floor,
    LogicalBuilding,
    Operation,
    Parcel,
    Party,
    PartyRole,
    RegisterEvent,
    Right,
    RightKind,
    RightStatus,
    Unit,
    UnitKind,
)
from bdcdj.register.services import (
    LandUseSpec,
    ParcelSpec,
    RegistrationItem,
    RightSpec,
    UnitSpec,
    record,
    record_check,
)
from bdcdj.register.tests import factories as f


def test_first_registration_creates_parcel_building_floors_units_and_rights(registrar):
    result = record(item=f.first_registration(households=5), by=registrar)

    assert Parcel.objects.get().code == f.PARCEL
    building = Building.objects.get()
    assert building.code == f.PARCEL + "F0001" and building.number == "0001"
    assert LogicalBuilding.objects.get().building == building
    assert sorted(Floor.objects.values_list("number", flat=True)) == [1, 2]
    assert len(result.units_created) == 5 and len(result.rights_created) == 5
    unit = Unit.objects.get(code=f.house_code(1, 5))
    assert unit.kind == UnitKind.HOUSE and unit.household_no == "0005" and unit.floor.number == 2
    assert unit.building == building and unit.version == 1
    right = unit.rights.get()
    assert right.status == RightStatus.CURRENT and right.kind == RightKind.HOUSE_OWNERSHIP
    assert right.registrar == registrar and right.recorded_event == result.event
    assert right.detail.built_area == Decimal("89.50")  # taken from the unit
    assert right.detail.land_use_end == date(2080, 12, 31)
    assert unit.created_by_event == result.event


def test_event_payload_never_holds_clear_names_or_id_numbers(registrar):
    result = record(item=f.first_registration(households=1), by=registrar)
    text = str(result.event.payload)
    assert f.SELLER.name not in text and f.SELLER.id_number not in text
    assert "张*三" in text


def test_parties_are_stored_encrypted_with_a_blind_index(registrar):
    record(item=f.first_registration(households=1), by=registrar)
    party = Party.objects.get()
    assert f.SELLER.name not in party.name_enc and f.SELLER.id_number not in party.id_number_enc
    assert party.name_masked == "张*三" and party.id_masked == "3401**********1234"
    assert len(party.id_index) == 64


def test_shares_of_co_owners_are_accepted_when_they_sum_to_100(registrar):
    holders = (
        replace(f.SELLER, share=Decimal("60")),
        replace(f.BUYER, share=Decimal("40")),
    )
    result = record(item=f.first_registration(holders=holders, co_ownership="2"), by=registrar)
    assert result.rights_created[0].co_ownership == "2"
    shares = sorted(Party.objects.filter(right=result.rights_created[0]).values_list("share", flat=True))
    assert shares == [Decimal("40"), Decimal("60")]


def test_a_unit_with_a_current_title_cannot_get_a_second_one(registrar):
    unit, _ = f.registered_house(registrar)
    item = RegistrationItem(
        region_code=f.REGION,
        business_number=f.business_number(),
        operation=Operation.CREATE,
        registration_type="100",
        unit_codes=(unit.code,),
        right=f.first_registration().right,
    )
    with pytest.raises(Conflict) as exc:
        record(item=item, by=registrar)
    assert exc.value.code == "title_exists"


def test_the_same_units_cannot_be_taken_in_twice(registrar):
    record(item=f.first_registration(households=1), by=registrar)
    with pytest.raises(Conflict) as exc:
        record(item=f.first_registration(households=1), by=registrar)
    assert exc.value.code == "unit_exists"


def test_units_on_an_existing_parcel_need_no_parcel_data(registrar):
    record(item=f.first_registration(households=1), by=registrar)
    result = record(item=f.first_registration(households=2, building=2, with_parcel=False), by=registrar)
    assert {u.building.number for u in result.units_created} == {"0002"}
    assert Parcel.objects.count() == 1


def test_units_of_a_missing_parcel_are_refused(registrar):
    with pytest.raises(InvalidInput) as exc:
        record(item=f.first_registration(with_parcel=False), by=registrar)
    assert exc.value.code == "parcel_missing"


def test_land_use_right_on_a_land_only_unit(registrar):
    land = f.PARCEL + "W00000000"
    item = RegistrationItem(
        region_code=f.REGION,
        business_number=f.business_number(),
        operation=Operation.CREATE,
        registration_type="100",
        reason="出让",
        parcels=(ParcelSpec(code=f.PARCEL, location="长丰县水湖镇幸福路1号", area=Decimal("12000.00")),),
        units=(UnitSpec(code=land, location="长丰县水湖镇幸福路1号"),),
        right=RightSpec(
            kind=RightKind.CONSTRUCTION_LAND_USE,
            right_type="3",
            parties=(f.SELLER,),
            detail=LandUseSpec(
                start=date(2010, 1, 1),
                end=date(2080, 12, 31),
                price=Decimal("3500"),
                land_use="071",
                right_nature="102",
                area=Decimal("12000.00"),
            ),
        ),
    )
    result = record(item=item, by=registrar)
    unit = result.units_created[0]
    assert unit.kind == UnitKind.LAND and unit.building is None and unit.household_no == ""
    assert result.rights_created[0].detail.price == Decimal("3500")


def test_house_ownership_cannot_sit_on_a_land_unit(registrar):
    item = RegistrationItem(
        region_code=f.REGION,
        business_number=f.business_number(),
        operation=Operation.CREATE,
        registration_type="100",
        parcels=(ParcelSpec(code=f.PARCEL, location="长丰县", area=Decimal("100")),),
        units=(UnitSpec(code=f.PARCEL + "W00000000", location="长丰县"),),
        right=f.first_registration().right,
    )
    with pytest.raises(InvalidInput) as exc:
        record(item=item, by=registrar)
    assert exc.value.code == "unit_kind_mismatch"


def test_add_units_takes_in_survey_results_without_rights(registrar):
    item = replace(
        f.first_registration(households=3), operation=Operation.ADD_UNITS, right=None, registration_type=""
    )
    result = record(item=item, by=registrar)
    assert len(result.units_created) == 3 and result.rights_created == ()
    assert result.event.kind == Operation.ADD_UNITS
    assert not Right.objects.exists()


def test_registrar_of_another_district_cannot_record(other_district_user):
    with pytest.raises(Forbidden):
        record(item=f.first_registration(), by=other_district_user)


def test_every_record_appends_one_event_with_increasing_seq(registrar):
    unit, _title = f.registered_house(registrar)
    record(item=f.mortgage(unit), by=registrar)
    record(item=f.seizure(unit), by=registrar)
    assert list(RegisterEvent.objects.values_list("seq", flat=True)) == [1, 2, 3]
    events = list(RegisterEvent.objects.order_by("seq"))
    assert events[0].prev_hash == "0" * 64
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash


def test_mortgagee_role_is_the_holder_of_a_mortgage(registrar):
    unit, _ = f.registered_house(registrar)
    bad = f.mortgage(unit)
    spec = replace(bad.right, parties=(replace(f.BANK, role=PartyRole.HOLDER),))
    with pytest.raises(InvalidInput) as exc:
        record(item=replace(bad, right=spec), by=registrar)
    assert "parties[0].role" in exc.value.fields


def test_record_check_reports_warnings_and_errors_but_writes_nothing(registrar):
    unit, title = f.registered_house(registrar)
    record(item=f.objection(unit), by=registrar)
    events = RegisterEvent.objects.count()
    warnings = record_check(item=f.transfer(unit, target=title), by=registrar)
    assert any("异议" in w for w in warnings)
    assert RegisterEvent.objects.count() == events
    assert Right.objects.get(pk=title.pk).status == RightStatus.CURRENT
    record(item=f.seizure(unit), by=registrar)
    with pytest.raises(Conflict):
        record_check(item=f.transfer(unit, target=title), by=registrar)
