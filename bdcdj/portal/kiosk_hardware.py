"""The kiosk's ID-card reader and camera. `BDCDJ_KIOSK_HARDWARE` names the implementation.

The development one stands in for both devices: "swiping" a card is typing its number on the
on-screen keypad, and the chip's name comes from the fictional population the simulated 公安
holds; the camera frame is the photo the simulator keeps for that person unless the terminal
posts one. A terminal with real devices posts what its local reader driver and camera give.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class CardData:
    name: str
    id_number: str


class KioskHardware(Protocol):
    def read_card(self, *, keyed: str) -> CardData | None: ...

    def capture_face(self, *, card: CardData, posted: bytes) -> bytes: ...


@cache
def _population() -> dict[str, str]:
    from bdcdj.sharing.simulator.population import demo_population

    return dict(demo_population().people)


class SimulatedHardware:
    def read_card(self, *, keyed: str) -> CardData | None:
        name = _population().get(keyed)
        return CardData(name=name, id_number=keyed) if name else None

    def capture_face(self, *, card: CardData, posted: bytes) -> bytes:
        from bdcdj.sharing.simulator.store import fictional_photo

        return posted or fictional_photo(card.id_number)


@cache
def _hardware_class(path: str) -> type:
    return import_string(path)


DEFAULT_HARDWARE = "bdcdj.portal.kiosk_hardware.SimulatedHardware"


def kiosk_hardware() -> KioskHardware:
    path = getattr(settings, "BDCDJ_KIOSK_HARDWARE", "") or os.environ.get("BDCDJ_KIOSK_HARDWARE", "")
    return _hardware_class(path or DEFAULT_HARDWARE)()
