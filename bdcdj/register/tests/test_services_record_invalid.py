"""Bad input is refused before anything is written, with Chinese field messages; a failure
half-way through an item leaves no trace."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bdcdj.core.errors import Conflict, InvalidInput
from bdcdj.register.models import (
    Building,
    ChainHead,
    Parcel,
    Party,
    RegisterEvent,
    Right,
    SeizureDetail,
    Unit,
)
from bdcdj.register.services import (
    HOUSEHOLD_AMOUNT_MAX_WAN,
    HouseOwnershipSpec,
    MortgageSpec,
    ParcelSpec,
    RegistrationItem,
    UnitSpec,
    record,
)
from bdcdj.register.tests import factories as f


def _invalid(item, registrar) -> InvalidInput:
    with pytest.raises(InvalidInput) as exc:
        record(item=item, by=registrar)
    return exc.value


def _counts() -> tuple[int, ...]:
    models = (Parcel, Building, Unit, Right, Party, RegisterEvent, ChainHead, SeizureDetail)
    return tuple(m.objects.count() for m in models)


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("340121001001GB00001F0001", "28位"),
        ("340121001001GQ00001F00010001", "第14位"),
        ("340121001001GB00001F00000001", "幢号"),
        ("990121001001GB00001F00010001", "省级"),
        ("340121001001GB00001F0001000!", "第28位"),
    ],
)
def test_invalid_unit_codes_are_refused_with_the_parser_message(registrar, code, fragment):
    item = replace(f.first_registration(households=1), units=(UnitSpec(code=code, location="长丰县"),))
    error = _invalid(item, registrar)
    assert fragment in error.fields["units[0].code"]


def test_unit_code_of_another_district_is_refused(registrar):
    item = replace(f.transfer(Unit(code=f.OTHER_PARCEL + "F00010001", region_code=f.REGION)))
    error = _invalid(item, registrar)
    assert "行政区" in error.fields["unit_codes[0]"]


def test_unknown_dictionary_codes_are_refused(registrar):
    item = f.first_registration(households=1)
    bad_right = replace(item.right, right_type="77", co_ownership="9")
    bad_unit = replace(item.units[0], planned_use="999", structure="8")
    error = _invalid(replace(item, right=bad_right, units=(bad_unit,), registration_type="101"), registrar)
    assert {
        "right_type",
        "co_ownership",
        "units[0].planned_use",
        "units[0].structure",
        "registration_type",
    } <= set(error.fields)
    assert "FWYT" in error.fields["units[0].planned_use"]


def test_right_type_must_fit_the_kind(registrar):
    item = f.first_registration(households=1)
    error = _invalid(replace(item, right=replace(item.right, right_type="15")), registrar)
    assert "权利种类" in error.fields["right_type"]


def test_registration_type_must_fit_the_operation(registrar):
    error = _invalid(replace(f.first_registration(), registration_type="200"), registrar)
    assert "100" in error.fields["registration_type"]


def test_shares_must_sum_to_exactly_100(registrar):
    holders = (replace(f.SELLER, share=Decimal("60")), replace(f.BUYER, share=Decimal("30.5")))
    error = _invalid(f.first_registration(holders=holders, co_ownership="2"), registrar)
    assert error.fields["parties"] == "按份共有的权利人份额合计应为100%，实际合计为90.5%"


def test_shares_must_be_given_for_every_co_owner(registrar):
    holders = (replace(f.SELLER, share=Decimal("60")), f.BUYER)
    error = _invalid(f.first_registration(holders=holders, co_ownership="2"), registrar)
    assert "份额" in error.fields["parties"]


def test_sole_ownership_has_exactly_one_holder(registrar):
    error = _invalid(f.first_registration(holders=(f.SELLER, f.BUYER), co_ownership="0"), registrar)
    assert "单独所有" in error.fields["parties"]


def test_several_holders_need_a_co_ownership_mode(registrar):
    error = _invalid(f.first_registration(holders=(f.SELLER, f.BUYER)), registrar)
    assert "co_ownership" in error.fields


@pytest.mark.parametrize("area", [Decimal("-1"), Decimal("0")])
def test_areas_must_be_positive(registrar, area):
    item = f.first_registration(households=1)
    error = _invalid(replace(item, units=(replace(item.units[0], built_area=area),)), registrar)
    assert error.fields["units[0].built_area"] == "面积必须大于0"


def test_parcel_area_must_be_positive(registrar):
    item = replace(
        f.first_registration(households=1),
        parcels=(ParcelSpec(code=f.PARCEL, location="长丰县", area=Decimal("-5")),),
    )
    assert "parcels[0].area" in _invalid(item, registrar).fields


def test_amounts_that_look_like_yuan_are_refused(registrar):
    unit, _ = f.registered_house(registrar)
    error = _invalid(f.mortgage(unit, amount=Decimal("1200000")), registrar)
    assert "元" in error.fields["detail.secured_amount"] and "万元" in error.fields["detail.secured_amount"]
    record(item=f.mortgage(unit, amount=HOUSEHOLD_AMOUNT_MAX_WAN), by=registrar)


def test_negative_amounts_are_refused(registrar):
    unit, title = f.registered_house(registrar)
    error = _invalid(f.transfer(unit, target=title, price=Decimal("-1")), registrar)
    assert error.fields["detail.price"] == "金额不能为负数"


def test_amounts_have_at_most_four_decimals(registrar):
    unit, title = f.registered_house(registrar)
    error = _invalid(f.transfer(unit, target=title, price=Decimal("1.23456")), registrar)
    assert "4" in error.fields["detail.price"]


def test_period_end_cannot_precede_its_start(registrar):
    unit, _ = f.registered_house(registrar)
    item = f.mortgage(unit)
    detail = replace(item.right.detail, debt_start=date(2030, 1, 1), debt_end=date(2029, 1, 1))
    error = _invalid(replace(item, right=replace(item.right, detail=detail)), registrar)
    assert error.fields["detail.debt_end"] == "结束日期不能早于起始日期"


def test_ordinary_mortgage_needs_the_secured_amount(registrar):
    unit, _ = f.registered_house(registrar)
    item = f.mortgage(unit)
    detail = MortgageSpec(method="1", debt_start=date(2024, 1, 1), debt_end=date(2030, 1, 1))
    error = _invalid(replace(item, right=replace(item.right, detail=detail)), registrar)
    assert "detail.secured_amount" in error.fields


def test_detail_must_match_the_kind(registrar):
    unit, _ = f.registered_house(registrar)
    item = f.mortgage(unit)
    error = _invalid(replace(item, right=replace(item.right, detail=HouseOwnershipSpec())), registrar)
    assert "MortgageSpec" in error.fields["detail"]


def test_future_registration_time_is_refused(registrar):
    item = replace(f.first_registration(), registered_at=timezone.now() + timedelta(days=1))
    assert "registered_at" in _invalid(item, registrar).fields


def test_nul_characters_are_refused(registrar):
    item = replace(f.first_registration(), reason="首次\x00登记")
    assert "reason" in _invalid(item, registrar).fields


def test_release_needs_the_release_document(registrar):
    unit, _ = f.registered_house(registrar)
    seizure = record(item=f.seizure(unit), by=registrar).rights_created[0]
    error = _invalid(replace(f.release(seizure), release=None), registrar)
    assert "release" in error.fields


def test_nothing_is_written_when_validation_fails(registrar):
    before = _counts()
    item = f.first_registration(holders=(f.SELLER, f.BUYER), co_ownership="0")
    _invalid(item, registrar)
    assert _counts() == before


def test_a_failure_half_way_rolls_back_the_whole_item(registrar):
    """The second unit conflicts after the first unit's right has been written: nothing of
    the item may remain, and the chain head must not move."""
    unit1, _ = f.registered_house(registrar)
    unit2, _ = f.registered_house(registrar, building=2, with_parcel=False)
    record(item=f.seizure(unit2), by=registrar)
    before = _counts()
    head = ChainHead.objects.get()
    versions = dict(Unit.objects.values_list("code", "version"))
    item = replace(f.mortgage(unit1), unit_codes=(unit1.code, unit2.code))
    with pytest.raises(Conflict) as exc:
        record(item=item, by=registrar)
    assert exc.value.code == "unit_seized"
    assert _counts() == before
    assert ChainHead.objects.get().hash == head.hash
    assert dict(Unit.objects.values_list("code", "version")) == versions


def test_a_failure_while_creating_units_rolls_back_the_parcel(registrar):
    record(item=f.first_registration(households=1), by=registrar)
    before = _counts()
    other_parcel = "340121001001GB00002"
    item = RegistrationItem(
        region_code=f.REGION,
        business_number=f.business_number(),
        operation=f.Operation.ADD_UNITS,
        parcels=(ParcelSpec(code=other_parcel, location="长丰县", area=Decimal("10")),),
        units=(
            UnitSpec(code=f.PARCEL + "W00000000", location="长丰县"),
            UnitSpec(code=f.house_code(), location="x"),
        ),
    )
    with pytest.raises(Conflict):
        record(item=item, by=registrar)
    assert _counts() == before and not Parcel.objects.filter(code=other_parcel).exists()
