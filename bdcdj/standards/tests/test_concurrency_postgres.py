"""Many connections drawing numbers from one scope at once get exactly 1..N: no duplicate, no gap.

Runs on PostgreSQL only: the SQLite test database lives in memory and cannot serve several
connections the way a deployment does. The root conftest restores the dictionaries and demo
templates that the flush after a transactional test removes.
"""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from bdcdj.standards.services import (
    certificate_number_allocate,
    unit_code_allocate_household,
    unit_code_allocate_parcel,
)
from bdcdj.standards.tests.conftest import postgres_only

pytestmark = [
    pytest.mark.postgres,
    postgres_only,
    pytest.mark.django_db(transaction=True),
]

THREADS = 8
PER_THREAD = 12


def run_in_threads(work: Callable[[int, int], object]) -> tuple[list[object], list[BaseException]]:
    """Call work(thread, round) from THREADS threads, each on its own connection, started together."""
    barrier = threading.Barrier(THREADS)
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(thread: int) -> None:
        try:
            barrier.wait()
            for round_ in range(PER_THREAD):
                value = work(thread, round_)
                if value is not None:
                    with lock:
                        results.append(value)
        except BaseException as exc:  # reported to the test below
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def test_concurrent_household_allocation_is_gap_free():
    building = "340121001001GB00001F0001"

    def allocate(thread: int, round_: int) -> str:
        with transaction.atomic():
            return unit_code_allocate_household(building_code=building)

    codes, errors = run_in_threads(allocate)
    assert errors == []
    numbers = sorted(int(str(code)[24:]) for code in codes)
    assert numbers == list(range(1, THREADS * PER_THREAD + 1))


def test_rolled_back_callers_leave_no_gap_among_committed_parcels():
    class Abort(Exception):
        pass

    def allocate(thread: int, round_: int) -> str | None:
        try:
            with transaction.atomic():
                code = unit_code_allocate_parcel(
                    region_code="340121",
                    zone="001",
                    subzone="001",
                    ownership_letter="G",
                    parcel_type_letter="B",
                )
                if (thread + round_) % 3 == 0:
                    raise Abort
                return code
        except Abort:
            return None

    codes, errors = run_in_threads(allocate)
    assert errors == []
    serials = sorted(int(str(code)[14:19]) for code in codes)
    assert serials == list(range(1, len(codes) + 1))
    assert len(codes) == sum(1 for t in range(THREADS) for r in range(PER_THREAD) if (t + r) % 3)


def test_concurrent_certificate_numbers_are_gap_free_and_unique():
    def allocate(thread: int, round_: int) -> str:
        with transaction.atomic():
            return certificate_number_allocate(region_code="340121", kind="certificate", year=2026).number

    numbers, errors = run_in_threads(allocate)
    assert errors == []
    expected = [f"皖(2026)长丰县不动产权第{n:07d}号" for n in range(1, THREADS * PER_THREAD + 1)]
    assert sorted(numbers) == expected
