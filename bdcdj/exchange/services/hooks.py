"""Extension point of the outbox for apps that must react to a rejection without the exchange
importing them (the hub depends on the exchange, not the other way round).

`on_rejected(fn)` registers `fn(message, rejected_by)`, called after an outbox row became rejected — by its
upper node's receipt or by a rejection passed down from a higher level — in the transaction that
stored the rejection. The hub uses it to keep the rejection of a forwarded message against the
message it forwarded, so the lower node can fetch it (docs/hub.md §上级拒收的下传). `rejected_by`
is the region code of the node that refused the message, "" when it did not say.
"""

from __future__ import annotations

from collections.abc import Callable

from bdcdj.exchange.models import OutboxMessage

RejectedHook = Callable[[OutboxMessage, str], object]
_REJECTED: list[RejectedHook] = []


def on_rejected(hook: RejectedHook) -> RejectedHook:
    if hook not in _REJECTED:
        _REJECTED.append(hook)
    return hook


def run_rejected(message: OutboxMessage, *, rejected_by: str) -> None:
    for hook in _REJECTED:
        hook(message, rejected_by)
