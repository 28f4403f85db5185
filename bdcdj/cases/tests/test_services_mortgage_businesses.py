"""抵押权 首次 (一般、最高额), 变更, 转移, 注销 — from a blank case to the issued proof."""

from decimal import Decimal

import pytest

from bdcdj.cases.models import Stage
from bdcdj.cases.tests import helpers as h
from bdcdj.register.models import PartyRole, RightStatus
from bdcdj.register.selectors import unit_state

pytestmark = pytest.mark.django_db


def _mortgages(staff, code):
    return unit_state(user=staff.registrar, code=code).mortgages


def test_general_mortgage_issues_a_proof_with_the_first_rank(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    case = h.run(
        staff,
        "mortgage_first",
        [unit.code],
        [h.BANK.party("mortgagee"), h.SELLER.party("mortgagor")],
        {**h.MORTGAGE_DATA, "transfer_restricted": True},
    )
    [mortgage] = _mortgages(staff, unit.code)
    detail = mortgage.detail
    assert detail.rank == 1 and detail.secured_amount == Decimal("80.0000") and detail.transfer_restricted
    assert detail.guarantee_scope.startswith("主债权") and detail.debt_end.year == 2045
    proof = case.certificates.get()
    assert (
        proof.kind == "proof"
        and "不动产证明第" in proof.number
        and mortgage.certificate_number == proof.number
    )


def test_maximum_amount_mortgage_records_the_maximum_and_its_basis(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    h.run(
        staff,
        "mortgage_first",
        [unit.code],
        [h.BANK.party("mortgagee"), h.SELLER.party("mortgagor")],
        {
            **h.MORTGAGE_DATA,
            "method": "2",
            "secured_amount": None,
            "maximum_amount": "200",
            "maximum_basis": "2025年授信合同项下债权",
        },
    )
    [mortgage] = _mortgages(staff, unit.code)
    assert mortgage.detail.method == "2" and mortgage.detail.maximum_amount == Decimal("200.0000")
    assert mortgage.detail.secured_amount is None


def test_mortgage_change_keeps_the_rank_and_changes_the_amount(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    old = h.mortgage(staff.registrar, unit)
    h.run(
        staff,
        "mortgage_change",
        [unit.code],
        [h.BANK.party("applicant"), h.SELLER.party("applicant")],
        {"target_right_id": old.pk, "secured_amount": "60", "debt_end": "2040-01-01"},
    )
    [mortgage] = _mortgages(staff, unit.code)
    assert mortgage.predecessor_id == old.pk and mortgage.detail.rank == 1
    assert mortgage.detail.secured_amount == Decimal("60.0000") and mortgage.detail.debt_end.year == 2040
    assert mortgage.detail.method == old.detail.method


def test_mortgage_transfer_moves_it_to_the_new_creditor(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    old = h.mortgage(staff.registrar, unit)
    h.run(
        staff,
        "mortgage_transfer",
        [unit.code],
        [h.BANK2.party("mortgagee"), h.SELLER.party("mortgagor")],
        {"target_right_id": old.pk},
    )
    [mortgage] = _mortgages(staff, unit.code)
    mortgagees = [p.name_masked for p in mortgage.parties.all() if p.role == PartyRole.MORTGAGEE]
    assert mortgagees == [h.BANK2.name] and mortgage.detail.secured_amount == old.detail.secured_amount


def test_mortgage_cancellation_has_a_one_day_limit_and_issues_nothing(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    old = h.mortgage(staff.registrar, unit)
    case = h.run(
        staff, "mortgage_cancel", [unit.code], [h.SELLER.party("applicant")], {"target_right_id": old.pk}
    )
    assert case.time_limit_workdays == 1 and case.stage == Stage.ARCHIVED
    assert not case.certificates.exists() and not case.fees.exists()
    old.refresh_from_db()
    assert old.status == RightStatus.TERMINATED and _mortgages(staff, unit.code) == []
