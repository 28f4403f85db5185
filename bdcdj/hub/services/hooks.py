"""Extension points of the receiver, for apps that react to what the hub stores without the hub
importing them (the monitor depends on the hub, not the other way round).

`on_accepted(fn)` registers `fn(message)`, called inside the receiving transaction after an
accepted message, its mirror rows and its forwarding entry are stored: a failing hook rolls the
whole delivery back, so keep hooks small and local (no network). Apps register in `ready()`.
"""

from __future__ import annotations

from collections.abc import Callable

from bdcdj.hub.models import ReceivedMessage

AcceptedHook = Callable[[ReceivedMessage], object]
_ACCEPTED: list[AcceptedHook] = []


def on_accepted(hook: AcceptedHook) -> AcceptedHook:
    if hook not in _ACCEPTED:
        _ACCEPTED.append(hook)
    return hook


def run_accepted(message: ReceivedMessage) -> None:
    for hook in _ACCEPTED:
        hook(message)
