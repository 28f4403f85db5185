"""A 登簿 happens at one instant: the case, the rights it creates or ends and the event agree."""

import pytest

from bdcdj.cases.tests import helpers as h
from bdcdj.register.models import Right

pytestmark = pytest.mark.django_db


def test_a_cancellation_ends_the_title_at_the_cases_registration_moment(staff):
    [(unit, old)] = h.titled_house(staff.registrar)
    case = h.new_case(
        staff, "house_cancel", [unit.code], [h.SELLER.party("applicant")], {"target_right_id": old.pk}
    )
    case = h.case_register(case=h.to_register(staff, case), by=staff.registrar)
    old.refresh_from_db()
    assert old.ended_at is not None and old.ended_at == case.registered_at


def test_a_mortgage_is_registered_at_the_cases_registration_moment(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    case = h.new_case(
        staff,
        "mortgage_first",
        [unit.code],
        [h.BANK.party("mortgagee"), h.SELLER.party("mortgagor")],
        dict(h.MORTGAGE_DATA),
    )
    case = h.case_register(case=h.to_register(staff, case), by=staff.registrar)
    mortgage = Right.objects.get(unit=unit, kind="mortgage")
    assert mortgage.registered_at == case.registered_at
