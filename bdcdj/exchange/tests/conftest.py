"""Fixtures of the exchange tests: the case fixtures (districts, staff through the accounts
services, default workflows) plus a registered transfer and mortgage."""

from collections.abc import Callable

import pytest

from bdcdj.accounts.models import User
from bdcdj.cases.models import Case
from bdcdj.cases.tests import helpers as h
from bdcdj.cases.tests.conftest import _isolated, admin_user, districts, make_user, staff  # noqa: F401
from bdcdj.exchange.models import OutboxMessage
from bdcdj.exchange.services import relay as relay_module
from bdcdj.exchange.services import upstream as upstream_module
from bdcdj.exchange.signing import node_public_key_hex
from bdcdj.exchange.tests.transport import ClientUpstream
from bdcdj.hub.services import node_register
from bdcdj.monitor.services import daily_log as daily_log_module

COUNTY = "340121"


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


@pytest.fixture
def upstream(settings, monkeypatch) -> ClientUpstream:
    """This node registered at "the upper node" (the same database) and every upward call
    routed through the test client."""
    settings.BDCDJ_NODE_TOKEN = node_register(
        region_code=COUNTY, name="长丰县", public_key_hex=node_public_key_hex()
    ).token
    transport = ClientUpstream()
    monkeypatch.setattr(relay_module, "post", transport.post)
    monkeypatch.setattr(daily_log_module, "post_log", transport.post_log)
    monkeypatch.setattr(upstream_module, "get_json", transport.get_json)
    monkeypatch.setattr(upstream_module, "post_json", transport.post_json)
    return transport
