"""Two 登簿 of cases on the same unit, raced from separate connections (PostgreSQL row locks).

The register holds each unit lock a moment longer than usual, so the second registration
really waits on SELECT … FOR UPDATE and then sees the first one's result: the unit version
it examined at 受理 is gone, so it is refused and nothing of it remains.
"""

import pytest

from bdcdj.cases.models import Case, Stage
from bdcdj.cases.services import case_register, case_units_refresh
from bdcdj.cases.tests import helpers as h
from bdcdj.register.models import Right, RightKind, RightStatus
from bdcdj.register.selectors import unit_state
from bdcdj.register.services import chain_verify
from bdcdj.register.tests.racing import race, slow_lock  # noqa: F401  (fixture)
from bdcdj.standards.models import CertificateNumber

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("slow_lock"),
]

SEIZURE = {
    "authority": h.COURT,
    "document_number": "（2025）皖0121执9号",
    "seizure_kind": "1",
    "start": "2025-01-01",
    "end": "2027-12-31",
    "scope": "该不动产单元",
}


def test_transfer_and_seizure_raced_never_both_register(staff):
    [(unit, title)] = h.titled_house(staff.registrar)
    sale = h.to_register(
        staff,
        h.new_case(
            staff,
            "house_transfer_sale",
            [unit.code],
            [h.BUYER.party("holder"), h.SELLER.party("obligor")],
            {"price": "90"},
        ),
    )
    seizure = h.to_register(staff, h.new_case(staff, "seizure", [unit.code], [], SEIZURE))

    outcomes = race(
        lambda: case_register(case=sale, by=staff.registrar),
        lambda: case_register(case=seizure, by=staff.registrar),
    )

    assert sorted(outcomes) == ["ok", "unit_changed"]
    state = unit_state(user=staff.registrar, code=unit.code)
    title.refresh_from_db()
    if outcomes[0] == "ok":  # the transfer won: no seizure, and the 登簿 of the seizure left nothing
        assert title.status == RightStatus.HISTORIC and not state.is_seized
        assert Case.objects.get(pk=seizure.pk).stage == Stage.REGISTER
    else:  # the seizure won: the title is untouched and no certificate number was used
        assert title.status == RightStatus.CURRENT and state.is_seized
        assert Case.objects.get(pk=sale.pk).stage == Stage.REGISTER and not CertificateNumber.objects.exists()
    assert chain_verify(region_code=h.REGION).ok


def test_two_mortgages_raced_get_distinct_ranks(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    parties = [h.BANK.party("mortgagee"), h.SELLER.party("mortgagor")]
    first = h.to_register(staff, h.new_case(staff, "mortgage_first", [unit.code], parties, h.MORTGAGE_DATA))
    second = h.to_register(staff, h.new_case(staff, "mortgage_first", [unit.code], parties, h.MORTGAGE_DATA))

    outcomes = race(
        lambda: case_register(case=first, by=staff.registrar),
        lambda: case_register(case=second, by=staff.registrar),
    )

    assert sorted(outcomes) == ["ok", "unit_changed"]
    loser = second if outcomes[0] == "ok" else first
    case_register(case=case_units_refresh(case=loser, by=staff.registrar), by=staff.registrar)
    mortgages = Right.objects.filter(unit=unit, kind=RightKind.MORTGAGE, status=RightStatus.CURRENT)
    assert sorted(m.mortgage_detail.rank for m in mortgages) == [1, 2]
    serials = sorted(CertificateNumber.objects.filter(kind="proof").values_list("serial", flat=True))
    assert serials == [1, 2]  # the refused attempt gave its number back
