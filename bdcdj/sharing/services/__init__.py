"""Writes of the sharing context. Other apps import from here (see docs/sharing.md)."""

from bdcdj.sharing.services.case_checks import case_checks_run, planned_checks
from bdcdj.sharing.services.checks import (
    CheckOutcome,
    check,
    check_retry,
    identity_verify,
    outcome_of,
    pending_message,
)
from bdcdj.sharing.services.orders import OrderReceipt, court_order_receive
from bdcdj.sharing.services.setup import interface_test, sharing_setup

__all__ = [
    "CheckOutcome",
    "OrderReceipt",
    "case_checks_run",
    "check",
    "check_retry",
    "court_order_receive",
    "identity_verify",
    "interface_test",
    "outcome_of",
    "pending_message",
    "planned_checks",
    "sharing_setup",
]
