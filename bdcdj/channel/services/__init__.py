"""Writes of the institution channel: institutions, API keys, the port, batches of items."""

from bdcdj.channel.services.batch import (
    BatchResult,
    ItemResult,
    cancel_batch_submit,
    handover_batch_submit,
    mortgage_batch_submit,
)
from bdcdj.channel.services.keys import (
    ChannelAuthError,
    IssuedKey,
    api_key_authenticate,
    api_key_issue,
    api_key_revoke,
    institution_register,
    port_close,
    port_open,
)

__all__ = [
    "BatchResult",
    "ChannelAuthError",
    "IssuedKey",
    "ItemResult",
    "api_key_authenticate",
    "api_key_issue",
    "api_key_revoke",
    "cancel_batch_submit",
    "handover_batch_submit",
    "institution_register",
    "mortgage_batch_submit",
    "port_close",
    "port_open",
]
