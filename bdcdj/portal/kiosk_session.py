"""State of one person's use of a terminal, kept in the session under its own key: the card
read and whether the face check passed, the proofs printed, wrong-code attempts. It ends on
"退出", after a rating, or when the terminal sits idle for BDCDJ_KIOSK_IDLE_SECONDS — then the
whole session is flushed so the next person starts clean."""

from __future__ import annotations

import os
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from bdcdj.accounts import pii
from bdcdj.portal.kiosk_hardware import CardData
from bdcdj.portal.models import KioskDevice

KEY = "portal_kiosk"
DEFAULT_IDLE_SECONDS = 120


def idle_seconds() -> int:
    raw = getattr(settings, "BDCDJ_KIOSK_IDLE_SECONDS", None) or os.environ.get("BDCDJ_KIOSK_IDLE_SECONDS")
    try:
        return max(10, int(raw)) if raw else DEFAULT_IDLE_SECONDS
    except ValueError:
        return DEFAULT_IDLE_SECONDS


def kiosk_touch(request: HttpRequest, device: KioskDevice, *, now: float | None = None) -> bool:
    """Note activity; True when the previous state had timed out (it is then flushed)."""
    now = time.time() if now is None else now
    state = request.session.get(KEY)
    if not isinstance(state, dict):
        return False
    if state.get("device") != device.pk or now - float(state.get("last", 0)) > idle_seconds():
        request.session.flush()
        return True
    state["last"] = now
    request.session.modified = True
    return False


def kiosk_state(request: HttpRequest, device: KioskDevice) -> dict[str, Any]:
    """The state, started if there is none (only actions start one, never the start screen)."""
    state = request.session.get(KEY)
    if not isinstance(state, dict):
        request.session.cycle_key()
        state = {"device": device.pk, "last": time.time(), "proofs": [], "attempts": 0}
        request.session[KEY] = state
    request.session.modified = True
    return state


def kiosk_card_set(request: HttpRequest, device: KioskDevice, card: CardData, *, verified: bool) -> None:
    state = kiosk_state(request, device)
    state["card"] = {"name": pii.encrypt_text(card.name), "id": pii.encrypt_text(card.id_number)}
    state["verified"] = verified


def kiosk_card(request: HttpRequest, *, verified: bool = True) -> CardData | None:
    """The card read at this terminal; with `verified`, only once the face check passed."""
    state = request.session.get(KEY)
    if not isinstance(state, dict) or "card" not in state or (verified and not state.get("verified")):
        return None
    return CardData(
        name=pii.decrypt_text(state["card"]["name"]), id_number=pii.decrypt_text(state["card"]["id"])
    )


def kiosk_end(request: HttpRequest) -> None:
    request.session.flush()
