"""楼盘表 planning: households created in one event with allocated codes, or not at all."""

from dataclasses import replace

import pytest

from bdcdj.accounts.models import AuditLog
from bdcdj.core.errors import InvalidInput, NotFound
from bdcdj.register.models import Floor, Operation, RegisterEvent, Unit
from bdcdj.register.services.planning import (
    HouseholdPlan,
    households_create,
    households_plan,
    plan_from_form,
    room_label,
)
from bdcdj.register.tests import factories as f
from bdcdj.standards.models import CodeSequence
from bdcdj.standards.services import household_scope

BUILDING = f"{f.PARCEL}F0001"


@pytest.fixture
def building(registrar):
    """Two registered households on floor 1 (room labels 101, 102); six floors above ground."""
    f.apply(f.first_registration(households=2), registrar)


def _fields(excinfo) -> dict[str, str]:
    return excinfo.value.fields


def test_room_labels_follow_the_pattern_with_basements_as_b():
    assert room_label("{F}{NN}", floor=12, door=3) == "1203"
    assert room_label("{F}-{N}", floor=-1, door=2) == "B1-2"
    assert room_label("{NNN}", floor=1, door=7) == "007"


def test_created_households_get_allocated_codes_floors_and_one_event(registrar, building):
    plan = HouseholdPlan(floor_from=2, floor_to=3, per_floor=3, built_area=None)
    result = households_create(by=registrar, building_code=BUILDING, plan=plan)
    codes = [u.code for u in result.units_created]
    # The demo-style codes 0001–0002 were written without the counter; allocation starts above them.
    assert codes == [f"{BUILDING}{n:04d}" for n in range(3, 9)]
    assert [u.room_label for u in result.units_created] == ["201", "202", "203", "301", "302", "303"]
    assert result.event.kind == Operation.ADD_UNITS
    assert Floor.objects.filter(logical_building__building__code=BUILDING).count() == 3
    assert CodeSequence.objects.get(scope=household_scope(BUILDING)).last_value == 8
    entry = AuditLog.objects.get(action="register.households_plan")
    assert entry.detail["households"] == 6 and entry.object_id == BUILDING


def test_overlapping_households_are_refused_in_chinese(registrar, building):
    plan = HouseholdPlan(floor_from=1, floor_to=1, per_floor=4)
    with pytest.raises(InvalidInput) as excinfo:
        households_plan(user=registrar, building_code=BUILDING, plan=plan)
    assert "与已有户重叠" in _fields(excinfo)["floor_from"]
    assert "101、102" in _fields(excinfo)["floor_from"]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"floor_to": 7}, "floor_to", "超出自然幢的地上层数（6 层）"),
        ({"floor_from": -1}, "floor_from", "超出自然幢的地下层数"),
        ({"per_floor": 61}, "per_floor", "每层户数应在 1 到 60 之间"),
        ({"room_pattern": "{F}"}, "room_pattern", "须包含户序号"),
        ({"room_pattern": "{N}"}, "room_pattern", "须包含楼层"),
        ({"room_pattern": "{F}{X}"}, "room_pattern", "不认识：X"),
        ({"planned_use": "99999"}, "planned_use", "不是有效的代码"),
    ],
)
def test_invalid_plans_name_the_field_in_chinese(registrar, building, changes, field, words):
    plan = replace(HouseholdPlan(floor_from=2, floor_to=4, per_floor=2), **changes)
    with pytest.raises(InvalidInput) as excinfo:
        households_plan(user=registrar, building_code=BUILDING, plan=plan)
    assert words in _fields(excinfo)[field]


def test_unreadable_form_values_are_field_errors():
    with pytest.raises(InvalidInput) as excinfo:
        plan_from_form({"floor_from": "一", "floor_to": "3", "per_floor": "", "built_area": "八十"})
    assert set(_fields(excinfo)) == {"floor_from", "per_floor", "built_area"}


def test_a_failure_after_allocation_rolls_everything_back(registrar):
    """The register refuses a 坐落 over 200 characters after the codes were drawn: no unit, no
    event, no audit row, and the 户号 counter is where it was."""
    item = f.first_registration(households=1)
    long_building = replace(item.buildings[0], location="长丰县" + "很长的路名" * 39)
    f.apply(replace(item, buildings=(long_building,)), registrar)
    before = (Unit.objects.count(), RegisterEvent.objects.count())
    with pytest.raises(InvalidInput):
        households_create(
            by=registrar, building_code=BUILDING, plan=HouseholdPlan(floor_from=2, floor_to=2, per_floor=2)
        )
    assert (Unit.objects.count(), RegisterEvent.objects.count()) == before
    assert not CodeSequence.objects.filter(scope=household_scope(BUILDING)).exists()
    assert not AuditLog.objects.filter(action="register.households_plan").exists()


def test_another_districts_building_cannot_be_planned(other_district_user, building):
    with pytest.raises(NotFound):
        households_create(
            by=other_district_user,
            building_code=BUILDING,
            plan=HouseholdPlan(floor_from=2, floor_to=2, per_floor=1),
        )
