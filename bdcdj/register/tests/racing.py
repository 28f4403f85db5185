"""Racing registrations from separate database connections (PostgreSQL race tests)."""

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections

from bdcdj.core.errors import Conflict


@pytest.fixture
def slow_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold the unit locks a little longer so the racing registrations really overlap."""
    import bdcdj.register.services.registration as impl

    original = impl.units_lock

    def held_longer(**kwargs: Any) -> Any:
        units = original(**kwargs)
        time.sleep(0.3)
        return units

    monkeypatch.setattr(impl, "units_lock", held_longer)


def race(*jobs: Callable[[], object]) -> list[str]:
    """Start the jobs together, each on its own connection; "ok" or the Conflict's code each."""
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[], object]) -> str:
        try:
            barrier.wait(timeout=10)
            job()
            return "ok"
        except Conflict as exc:
            return exc.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))
