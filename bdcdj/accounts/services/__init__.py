"""Writes of the accounts app. Other apps import from here, never from the submodules."""

from bdcdj.accounts.services.audit import audit_record, pii_reveal
from bdcdj.accounts.services.login import LoginResult, login_attempt, user_unlock
from bdcdj.accounts.services.provisioning import (
    organisation_create,
    roles_sync_defaults,
    tenant_ensure,
    user_create,
)

__all__ = [
    "LoginResult",
    "audit_record",
    "login_attempt",
    "organisation_create",
    "pii_reveal",
    "roles_sync_defaults",
    "tenant_ensure",
    "user_create",
    "user_unlock",
]
