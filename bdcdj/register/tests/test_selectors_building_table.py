"""楼盘表 reads: the status of every household, a fixed number of queries, district scoping."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bdcdj.core.errors import NotFound
from bdcdj.register.building_table import building_table, buildings_search, statuses_of
from bdcdj.register.models import RightKind, RightStatus
from bdcdj.register.services.planning import HouseholdPlan, households_create
from bdcdj.register.tests import factories as f

BUILDING = f"{f.PARCEL}F0001"


@pytest.fixture
def building(registrar):
    """Eight registered households on floors 1–2 with a mix of restrictions, plus four
    planned (unregistered) households on floor 3."""
    titles = f.apply(f.first_registration(households=8), registrar).rights_created
    units = [t.unit for t in titles]
    f.apply(f.mortgage(units[0]), registrar)
    f.apply(f.seizure(units[1]), registrar)
    f.apply(f.objection(units[2]), registrar)
    f.apply(f.cancel(titles[3]), registrar)
    f.apply(f.mortgage(units[4]), registrar)
    f.apply(f.seizure(units[4]), registrar)
    f.apply(f.purchase_notice(units[5]), registrar)
    plan = HouseholdPlan(floor_from=3, floor_to=3, per_floor=4, built_area=None)
    households_create(by=registrar, building_code=BUILDING, plan=plan)
    return units


def _cells(table):
    return {h.room_label: h for s in table.sections for row in s.floors for h in row.households}


def test_each_household_shows_its_restrictions_most_severe_first(registrar, building):
    cells = _cells(building_table(user=registrar, code=BUILDING))
    assert cells["101"].statuses == ("mortgaged", "registered")
    assert cells["102"].statuses == ("seized", "registered")
    assert cells["103"].statuses == ("objection", "registered")
    assert cells["104"].statuses == ("cancelled",)
    assert cells["105"].statuses == ("seized", "mortgaged", "registered")
    assert cells["106"].statuses == ("notice", "registered")
    assert cells["107"].statuses == ("registered",)
    assert [cells[label].status for label in ("301", "302", "303", "304")] == ["unregistered"] * 4
    assert cells["105"].status_labels == "查封、抵押、已登记所有权"


def test_floors_run_from_the_top_and_counts_add_up(registrar, building):
    table = building_table(user=registrar, code=BUILDING)
    assert [s.number for s in table.sections] == ["1"]
    floors = table.sections[0].floors
    assert [row.number for row in floors] == [3, 2, 1]
    assert [h.room_label for h in floors[2].households] == ["101", "102", "103", "104"]
    assert floors[0].label == "3层"
    assert table.total == 12
    assert table.counts == {
        "mortgaged": 1,
        "seized": 2,
        "objection": 1,
        "cancelled": 1,
        "notice": 1,
        "registered": 2,
        "unregistered": 4,
    }


def test_the_3d_data_has_one_cell_per_household_on_its_level(registrar, building):
    data = building_table(user=registrar, code=BUILDING).as_json()
    assert data["floors"] == ["1层", "2层", "3层"]
    assert len(data["cells"]) == 12
    level_of = {cell[5]: cell[1] for cell in data["cells"]}
    assert level_of["101"] == 0 and level_of["105"] == 1 and level_of["301"] == 2


def test_a_released_seizure_and_a_cancelled_mortgage_no_longer_colour_the_cell():
    pairs = {
        (RightKind.HOUSE_OWNERSHIP, RightStatus.CURRENT),
        (RightKind.SEIZURE, RightStatus.TERMINATED),
        (RightKind.MORTGAGE, RightStatus.TERMINATED),
        (RightKind.HOUSE_OWNERSHIP, RightStatus.HISTORIC),
    }
    assert statuses_of(rights=pairs) == ("registered",)
    assert statuses_of(rights=set()) == ("unregistered",)
    assert statuses_of(rights=set(), unit_valid=False) == ("invalid",)


def test_the_table_costs_the_same_few_queries_whatever_the_size(registrar, building):
    registrar._tenant_codes = None
    with CaptureQueriesContext(connection) as small:
        building_table(user=registrar, code=BUILDING)
    households_create(
        by=registrar, building_code=BUILDING, plan=HouseholdPlan(floor_from=4, floor_to=6, per_floor=12)
    )
    registrar._tenant_codes = None
    with CaptureQueriesContext(connection) as large:
        table = building_table(user=registrar, code=BUILDING)
    assert table.total == 12 + 36
    assert len(large) == len(small) <= 6


def test_query_bound_holds_for_the_page_fixture(registrar, building, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        building_table(user=registrar, code=BUILDING)


def test_another_districts_building_is_not_found(other_district_user, building):
    with pytest.raises(NotFound):
        building_table(user=other_district_user, code=BUILDING)
    assert buildings_search(user=other_district_user).total == 0


def test_search_finds_by_code_prefix_and_location_with_household_counts(registrar, building):
    assert buildings_search(user=registrar, text=BUILDING[:20]).items[0].households == 12
    assert buildings_search(user=registrar, text="幸福路").total == 1
    assert buildings_search(user=registrar, text="没有这个地方").total == 0
