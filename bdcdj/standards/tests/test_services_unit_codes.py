"""Allocation of 宗地顺序号, 幢号 and 户号: sequential per scope, gap-free, bounded."""

import pytest
from django.db import transaction

from bdcdj.core.errors import Conflict
from bdcdj.standards.models import CodeSequence
from bdcdj.standards.services import (
    building_scope,
    household_scope,
    parcel_scope,
    unit_code_allocate_building,
    unit_code_allocate_household,
    unit_code_allocate_parcel,
    unit_code_allocate_temporary,
    unit_code_seed_from_codes,
    unit_code_seed_sequence,
)
from bdcdj.standards.unit_code import UnitCodeError, parse

pytestmark = pytest.mark.django_db

PARCEL = {
    "region_code": "340121",
    "zone": "001",
    "subzone": "002",
    "ownership_letter": "G",
    "parcel_type_letter": "B",
}


def test_parcels_are_numbered_from_00001_within_subzone_and_letters():
    assert unit_code_allocate_parcel(**PARCEL) == "340121001002GB00001W00000000"
    assert unit_code_allocate_parcel(**PARCEL) == "340121001002GB00002W00000000"
    assert (
        unit_code_allocate_parcel(**{**PARCEL, "parcel_type_letter": "S"}) == "340121001002GS00001W00000000"
    )
    assert unit_code_allocate_parcel(**{**PARCEL, "subzone": "003"}) == "340121001003GB00001W00000000"
    assert unit_code_allocate_parcel(**PARCEL) == "340121001002GB00003W00000000"


def test_parcel_for_buildings_returns_the_19_character_parcel_code():
    assert unit_code_allocate_parcel(**PARCEL, fixture_letter="F") == "340121001002GB00001"


@pytest.mark.parametrize(
    "bad",
    [
        {"region_code": "340100"},
        {"zone": "1"},
        {"subzone": "000"},
        {"ownership_letter": "X"},
        {"ownership_letter": "GJ"},
        {"ownership_letter": "G", "parcel_type_letter": "A"},
        {"parcel_type_letter": "D", "fixture_letter": "F"},
        {"fixture_letter": "K"},
    ],
)
def test_invalid_parts_are_rejected_before_any_counter_moves(bad):
    with pytest.raises(UnitCodeError):
        unit_code_allocate_parcel(**{**PARCEL, **bad})
    assert not CodeSequence.objects.exists()


def test_buildings_and_households_are_numbered_per_parent():
    parcel = unit_code_allocate_parcel(**PARCEL, fixture_letter="F")
    first = unit_code_allocate_building(parcel_code=parcel)
    second = unit_code_allocate_building(parcel_code=parcel)
    assert (first, second) == (parcel + "F0001", parcel + "F0002")
    assert unit_code_allocate_household(building_code=first) == first + "0001"
    assert unit_code_allocate_household(building_code=first) == first + "0002"
    assert unit_code_allocate_household(building_code=second) == second + "0001"
    assert parse(first + "0002").household_no == "0002"


def test_buildings_need_a_parcel_type_that_allows_houses():
    with pytest.raises(UnitCodeError):
        unit_code_allocate_building(parcel_code="340121001001JD00001")
    with pytest.raises(UnitCodeError):
        unit_code_allocate_household(building_code="340121001001GB00001W0001")


def test_building_9999_is_kept_for_the_project_unit():
    parcel = "340121001001GB00001"
    unit_code_seed_sequence(scope=building_scope(parcel), last_value=9997)
    assert unit_code_allocate_building(parcel_code=parcel) == parcel + "F9998"
    with pytest.raises(Conflict) as info:
        unit_code_allocate_building(parcel_code=parcel)
    assert "幢号已用完" in info.value.message
    # The project unit is still reachable through the household allocator.
    assert unit_code_allocate_household(building_code=parcel + "F9999") == parcel + "F99990001"


def test_households_stop_at_9999_and_the_counter_stays():
    building = "340121001001GB00001F0001"
    unit_code_seed_sequence(scope=household_scope(building), last_value=9999)
    with pytest.raises(Conflict) as info:
        unit_code_allocate_household(building_code=building)
    assert info.value.code == "sequence_exhausted"
    assert CodeSequence.objects.get(scope=household_scope(building)).last_value == 9999


def test_regular_parcels_stop_below_the_temporary_range():
    unit_code_seed_sequence(scope=parcel_scope("340121001002GB"), last_value=89998)
    assert unit_code_allocate_parcel(**PARCEL) == "340121001002GB89999W00000000"
    with pytest.raises(Conflict):
        unit_code_allocate_parcel(**PARCEL)
    temporary = unit_code_allocate_temporary(**PARCEL)
    assert temporary == "340121001002GB90000W00000000"
    assert parse(temporary).is_temporary
    assert unit_code_allocate_temporary(**PARCEL) == "340121001002GB90001W00000000"


def test_a_rolled_back_allocation_returns_its_number():
    unit_code_allocate_parcel(**PARCEL)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert unit_code_allocate_parcel(**PARCEL) == "340121001002GB00002W00000000"
        raise RuntimeError("登簿失败")
    assert unit_code_allocate_parcel(**PARCEL) == "340121001002GB00002W00000000"


def test_seeding_raises_but_never_lowers_a_counter():
    scope = parcel_scope("340121001002GB")
    assert unit_code_seed_sequence(scope=scope, last_value=120) == 120
    assert unit_code_seed_sequence(scope=scope, last_value=7) == 120
    assert unit_code_allocate_parcel(**PARCEL) == "340121001002GB00121W00000000"


def test_seeding_from_existing_codes_moves_every_counter_above_them():
    touched = unit_code_seed_from_codes(
        codes=[
            "340121001002GB00014F00220045",
            "340121001002GB00014F00220007",
            "340121001002GB00009W00000000",
            "340121001002GB00014F99990003",
            "340121001002GB90004W00000000",
        ]
    )
    assert touched == {
        "building:340121001002GB00014": 22,
        "household:340121001002GB00014F0022": 45,
        "household:340121001002GB00014F9999": 3,
        "parcel-temp:340121001002GB": 90004,
        "parcel:340121001002GB": 14,
    }
    assert unit_code_allocate_parcel(**PARCEL) == "340121001002GB00015W00000000"
    assert unit_code_allocate_temporary(**PARCEL) == "340121001002GB90005W00000000"
    assert unit_code_allocate_building(parcel_code="340121001002GB00014") == "340121001002GB00014F0023"


def test_seeding_from_codes_rejects_an_invalid_code_without_moving_counters():
    with pytest.raises(UnitCodeError):
        unit_code_seed_from_codes(codes=["340121001002GB00014F00220045", "340121001002GA00001W00000000"])
    assert not CodeSequence.objects.exists()
