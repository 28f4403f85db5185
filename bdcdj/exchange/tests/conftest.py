"""Fixtures of the exchange tests: the case fixtures (districts, staff through the accounts
services, default workflows) plus a registered transfer and mortgage."""

from collections.abc import Callable

import pytest

from bdcdj.accounts.models import User
from bdcdj.cases.models import Case
from bdcdj.cases.tests import helpers as h
from bdcdj.cases.tests.conftest import _isolated, admin_user, districts, make_user, staff  # noqa: F401
from bdcdj.exchange.models import OutboxMessage


@pytest.fixture
def registered(staff) -> Callable[[str], tuple[Case, OutboxMessage]]:  # noqa: F811
    """Register a transfer ("transfer") or a mortgage ("mortgage") of a fresh house; returns
    the case (at 缮证) and its outbox message."""

    def make(kind: str) -> tuple[Case, OutboxMessage]:
        [(unit, _)] = h.titled_house(staff.registrar)
        if kind == "transfer":
            case = h.new_case(
                staff,
                "house_transfer_sale",
                [unit.code],
                [h.BUYER.party("holder"), h.SELLER.party("obligor")],
                {"price": "120.5"},
            )
        else:
            case = h.new_case(
                staff,
                "mortgage_first",
                [unit.code],
                [h.BANK.party("mortgagee"), h.SELLER.party("mortgagor")],
                dict(h.MORTGAGE_DATA),
            )
        case = h.case_register(case=h.to_register(staff, case), by=staff.registrar)
        return case, OutboxMessage.objects.get(case_number=case.number)

    return make


@pytest.fixture
def outbox_admin(make_user) -> User:  # noqa: F811
    return make_user("outbox_admin", roles=("admin",))
