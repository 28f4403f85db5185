"""登簿 throughput through the full service path, next to pgbench on the same machine.

Each measured operation is `cases.services.case_register` on a mortgage case already taken to
the 登簿 step: case lock, quality rules, `register.services.record` (unit locks, rank, hash
chain), certificate-number allocation and the case's progress event, in one transaction.
Preparing the cases (收件, materials, 受理, 审核) is not timed. pgbench's built-in TPC-B-like
script runs against its own database with the same client counts in the same run.
"""

import re
import subprocess
import threading
import time
from typing import Any

from django.db import connection, connections

CASES = 200
PGBENCH_DB = "bdcdj_pgbench"
PGBENCH_SECONDS = 15


def _staff() -> Any:
    from bdcdj.accounts.models import User
    from bdcdj.accounts.services import tenant_ensure, user_create
    from bdcdj.cases.services import workflow_ensure_defaults
    from bdcdj.cases.tests.helpers import REGION, Staff

    tenant_ensure(region_code=REGION, name="长丰县", province_abbr="皖", parent_code="340100")
    workflow_ensure_defaults(region_code=REGION)

    def user(name: str, role: str) -> User:
        existing = User.objects.filter(username=name).first()
        return existing or user_create(
            username=name,
            password="Kx7#mQ2v-Lp9!wZ",
            display_name="基准测试",
            organisation=None,
            roles=[role],
            region_codes=[REGION],
        )

    return Staff(
        clerk=user("bench-clerk", "clerk"),
        reviewer=user("bench-reviewer", "reviewer"),
        registrar=user("bench-registrar", "registrar"),
    )


def _prepare(staff: Any, count: int) -> list[Any]:
    """`count` titled houses on a fresh parcel, each with a mortgage case at the 登簿 step."""
    from bdcdj.cases.tests import helpers as h
    from bdcdj.register.models import PartyRole
    from bdcdj.register.services import record
    from bdcdj.register.tests import factories as f
    from bdcdj.standards.services import unit_code_allocate_parcel

    parcel = unit_code_allocate_parcel(
        region_code=h.REGION,
        zone="009",
        subzone="009",
        ownership_letter="G",
        parcel_type_letter="B",
        fixture_letter="F",
    )
    item = f.first_registration(households=count, parcel=parcel, holders=(h.SELLER.spec(PartyRole.HOLDER),))
    units = [right.unit for right in record(item=item, by=staff.registrar).rights_created]
    cases = []
    for unit in units:
        case = h.new_case(
            staff,
            "mortgage_first",
            [unit.code],
            [h.BANK.party("mortgagee"), h.SELLER.party("mortgagor")],
            dict(h.MORTGAGE_DATA),
        )
        cases.append(h.to_register(staff, case))
    return cases


def _register_all(staff: Any, cases: list[Any], clients: int) -> dict[str, Any]:
    from bdcdj.cases.models import Stage
    from bdcdj.cases.services import case_register

    errors: list[str] = []
    shares = [cases[i::clients] for i in range(clients)]

    def work(share: list[Any]) -> None:
        try:
            for case in share:
                if case_register(case=case, by=staff.registrar).stage != Stage.CERTIFY:
                    errors.append(case.number)
        except Exception as exc:  # counted and reported, the run goes on
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(share,)) for share in shares]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "clients": clients,
        "registrations": len(cases),
        "errors": len(errors),
        "seconds": round(elapsed, 2),
        "per_second": round(len(cases) / elapsed, 1),
    }


def _pgbench(clients: int) -> float:
    base = ["-h", "127.0.0.1", "-U", "postgres"]
    exists = subprocess.run(
        ["psql", *base, "-d", "postgres", "-tAc", f"select 1 from pg_database where datname='{PGBENCH_DB}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run(["createdb", *base, PGBENCH_DB], check=True)
        subprocess.run(["pgbench", *base, "-i", "-s", "1", "-q", PGBENCH_DB], check=True, capture_output=True)
    out = subprocess.run(
        [
            "pgbench",
            *base,
            "-b",
            "tpcb-like",
            "-T",
            str(PGBENCH_SECONDS),
            "-c",
            str(clients),
            "-j",
            str(clients),
            "-n",
            PGBENCH_DB,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"tps = ([0-9.]+)", out)
    if match is None:
        raise RuntimeError(f"pgbench printed no tps: {out[-300:]}")
    return float(match.group(1))


def run(*, scale: float) -> dict[str, Any]:
    if connection.vendor != "postgresql":
        raise RuntimeError("this benchmark needs PostgreSQL")
    count = max(20, int(CASES * scale))
    staff = _staff()
    prepare_started = time.perf_counter()
    single = _prepare(staff, count)
    double = _prepare(staff, count)
    prepared_in = time.perf_counter() - prepare_started
    one = _register_all(staff, single, clients=1)
    two = _register_all(staff, double, clients=2)
    tps_one, tps_two = _pgbench(1), _pgbench(2)
    return {
        "prepare_seconds": round(prepared_in, 1),
        "registration_1_client": one,
        "registration_2_clients": two,
        "pgbench_tpcb_like_tps_1_client": round(tps_one, 1),
        "pgbench_tpcb_like_tps_2_clients": round(tps_two, 1),
        "ratio_1_client": round(one["per_second"] / tps_one, 3),
        "ratio_2_clients": round(two["per_second"] / tps_two, 3),
        "goal_ratio": 0.2,
    }
