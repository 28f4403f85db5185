"""预告登记 (预购商品房, 预抵押) and their conversion to 本登记 (转移, 抵押权首次)."""

from decimal import Decimal

import pytest

from bdcdj.cases.tests import helpers as h
from bdcdj.register.models import RightStatus
from bdcdj.register.selectors import unit_state

pytestmark = pytest.mark.django_db


def test_purchase_notice_on_a_presold_unit_issues_a_proof(staff):
    [unit, _] = h.bare_units(staff.registrar)
    case = h.run(
        staff,
        "advance_notice_purchase",
        [unit.code],
        [h.BUYER.party("notice_holder"), h.DEVELOPER.party("notice_obligor")],
        {"notice_kind": "1", "price": "150"},
    )
    [notice] = unit_state(user=staff.registrar, code=unit.code).advance_notices
    assert notice.detail.notice_kind == "1" and notice.detail.price == Decimal("150.0000")
    assert notice.detail.location == unit.location  # taken from the unit
    assert case.certificates.get().kind == "proof"


def test_mortgage_notice_on_a_purchase_notice(staff):
    [unit, _] = h.bare_units(staff.registrar)
    h.purchase_notice(staff.registrar, unit)
    h.run(
        staff,
        "advance_notice_mortgage",
        [unit.code],
        [h.BANK.party("notice_holder"), h.BUYER.party("notice_obligor")],
        {"notice_kind": "3", "price": "100", "guarantee_scope": "主债权", "transfer_restricted": False},
    )
    kinds = sorted(
        n.detail.notice_kind for n in unit_state(user=staff.registrar, code=unit.code).advance_notices
    )
    assert kinds == ["1", "3"]


def test_purchase_notice_becomes_the_buyers_title(staff):
    [(unit, _)] = h.titled_house(staff.registrar, owner=h.DEVELOPER)
    notice = h.purchase_notice(staff.registrar, unit)
    case = h.run(
        staff,
        "notice_to_title",
        [unit.code],
        [h.BUYER.party("holder"), h.DEVELOPER.party("obligor")],
        {"price": "150"},
    )
    notice.refresh_from_db()
    state = unit_state(user=staff.registrar, code=unit.code)
    assert notice.status == RightStatus.HISTORIC and notice.detail.converted_to_id == state.title.pk
    assert state.advance_notices == [] and case.certificates.get().kind == "certificate"


def test_mortgage_notice_becomes_the_mortgage(staff):
    [(unit, _)] = h.titled_house(staff.registrar, owner=h.BUYER)
    notice = h.mortgage_notice(staff.registrar, unit)
    h.run(
        staff,
        "notice_to_mortgage",
        [unit.code],
        [h.BANK.party("mortgagee"), h.BUYER.party("mortgagor")],
        h.MORTGAGE_DATA,
    )
    notice.refresh_from_db()
    [mortgage] = unit_state(user=staff.registrar, code=unit.code).mortgages
    assert notice.status == RightStatus.HISTORIC and notice.detail.converted_to_id == mortgage.pk
