"""The simulator's people, companies and marriages: a dry replay of the demo county's builder
(`bdcdj.demo.dataset`) with its random seed, so every fictional party of the demo (full and
small) exists in the department databases with the same name and ID number.

The replay runs the demo's own code with registration, certificate numbers and unit-code
allocation replaced by no-ops; none of them draws from the random stream, so the sequence of
names and numbers is exactly the demo's. This is the only part of the simulator that needs
Django (imported, no database).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any


@dataclass
class Population:
    people: dict[str, str] = field(default_factory=dict)  # id_number -> name
    companies: dict[str, str] = field(default_factory=dict)  # credit code -> name
    couples: list[tuple[str, str]] = field(default_factory=list)  # co-owning buyers (共同共有)
    seizures: list[tuple[str, str]] = field(default_factory=list)  # (court, document number)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bdcdj.settings")
    import django

    django.setup()


@contextmanager
def _allocators_stubbed(dataset: Any) -> Iterator[None]:
    counter = iter(range(1, 10**6))
    saved = (dataset.unit_code_allocate_parcel, dataset.unit_code_allocate_building)
    dataset.unit_code_allocate_parcel = lambda **kw: f"{kw['region_code']}001005GB{next(counter):05d}"
    dataset.unit_code_allocate_building = lambda *, parcel_code: f"{parcel_code}F{next(counter) % 10000:04d}"
    try:
        yield
    finally:
        dataset.unit_code_allocate_parcel, dataset.unit_code_allocate_building = saved


def demo_population(sizes: tuple[str, ...] = ("full", "small")) -> Population:
    _django()
    from bdcdj.demo import dataset

    found = Population()

    class Replay(dataset._Builder):
        serial = 0

        def _certificate(self, kind: str) -> str:
            return ""

        def _record(self, item: Any) -> object:
            right = item.right
            parties = right.parties if right is not None else ()
            for party in parties:
                if party.id_type == "1":
                    found.people[party.id_number] = party.name
                elif party.id_type == "8":
                    found.companies[party.id_number] = party.name
            holders = [p for p in parties if p.role == "holder" and p.id_type == "1"]
            if right is not None and right.co_ownership == "1" and len(holders) == 2:
                found.couples.append((holders[0].id_number, holders[1].id_number))
            if right is not None and right.kind == "seizure":
                found.seizures.append((right.detail.authority, right.detail.document_number))
            created = [
                SimpleNamespace(pk=self._next(), unit=SimpleNamespace(code=u.code)) for u in item.units
            ]
            return SimpleNamespace(rights_created=created or [SimpleNamespace(pk=self._next(), unit=None)])

        def _next(self) -> int:
            self.serial += 1
            return self.serial

    with _allocators_stubbed(dataset):
        for size in sizes:
            builder = Replay(size=size, registrar=None)  # type: ignore[arg-type]  # never registers
            dataset._populate(builder)
    return found
