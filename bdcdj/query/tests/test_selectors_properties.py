"""`properties_of`: the current rights of one ID number with their restrictions."""

import pytest

from bdcdj.cases.tests import helpers as h
from bdcdj.core.errors import InvalidInput
from bdcdj.query.selectors import houses_of, properties_of
from bdcdj.register.models import RightKind

pytestmark = pytest.mark.django_db


def test_holder_sees_house_with_mortgage_and_buyer_sees_nothing(staff):
    [(unit, title)] = h.titled_house(staff.registrar, owner=h.SELLER)
    h.mortgage(staff.registrar, unit, owner=h.SELLER)
    [mine] = properties_of(id_number=h.SELLER.id_number.lower())
    assert mine.unit_code == unit.code and mine.right_id == title.pk and mine.is_house
    assert mine.certificate_number == title.certificate_number and mine.co_ownership_label == "单独所有"
    assert [r.kind for r in mine.restrictions] == [RightKind.MORTGAGE] and mine.is_mortgaged
    assert mine.restrictions[0].start is not None and not mine.is_seized
    assert properties_of(id_number=h.BUYER.id_number) == []
    assert houses_of(id_number=h.SELLER.id_number, region_code=h.REGION) and not houses_of(
        id_number=h.SELLER.id_number, region_code=h.OTHER_REGION
    )


def test_the_bank_holding_the_mortgage_holds_no_property(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    h.mortgage(staff.registrar, unit)
    assert properties_of(id_number=h.BANK.id_number) == []


def test_a_resident_sees_the_residence_right(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    h.residence(staff.registrar, unit, resident=h.SPOUSE)
    [right] = properties_of(id_number=h.SPOUSE.id_number)
    assert right.right_kind == RightKind.RESIDENCE and not right.is_house


def test_blank_id_number_is_refused_in_chinese():
    with pytest.raises(InvalidInput) as error:
        properties_of(id_number="  ")
    assert error.value.message == "请输入证件号"
