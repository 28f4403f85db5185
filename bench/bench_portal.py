"""Portal pages under 200 concurrent simulated users, over loopback HTTP.

The portal is served by gunicorn from the venv against its own PostgreSQL database
(`bdcdj_bench_portal`, created and migrated here; never the shared bench database). The
database is prepared in a subprocess: a district, its default workflows, verified citizens each
with two online 转移 applications (made through `application_submit`) and a portal session per
citizen. Then 200 client threads, each with its own keep-alive `http.client` connection, loop
for a bounded time over four pages — the landing page, one 办事指南, the login page and the
logged-in 我的办件 — and every response's latency is recorded. Figures are measured, never asserted.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.common import free_port, percentile, wait_up

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "bdcdj_bench_portal"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
USERS = 200
SECONDS = 30
CITIZENS = 20
REGION = "340121"
PAGES = {
    "landing": "/portal/",
    "guide": f"/portal/d/{REGION}/guide/house_transfer_sale/",
    "login": "/portal/login/",
    "my_cases": "/portal/cases/",
}


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "BDCDJ_ENV": "development",
        "DJANGO_DEBUG": "0",
        "DB_CONN_MAX_AGE": "60",
        "BDCDJ_ZONE": "all",
        "BDCDJ_LOG_LEVEL": "WARNING",
        # Uploaded materials of the seeded applications stay out of the project's var/.
        "BDCDJ_VAR_DIR": str(Path(tempfile.gettempdir()) / "bdcdj-portal-bench"),
    }


def _prepare() -> list[str]:
    """(in the subprocess) Seed the bench database; returns one session key per citizen."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bdcdj.settings")
    django.setup()
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from bdcdj.accounts import pii
    from bdcdj.accounts.models import User
    from bdcdj.accounts.services import tenant_ensure, user_create
    from bdcdj.cases.services import workflow_ensure_defaults
    from bdcdj.cases.tests.helpers import Person, resident_id, titled_house
    from bdcdj.portal import sms
    from bdcdj.portal.models import Citizen
    from bdcdj.portal.services import application_submit, keys
    from bdcdj.portal.session import SESSION_KEY
    from bdcdj.portal.tests.helpers import BUYER, uploads_for

    tenant_ensure(region_code=REGION, name="长丰县", province_abbr="皖", parent_code="340100")
    workflow_ensure_defaults(region_code=REGION)
    registrar = User.objects.filter(username="bench-registrar").first() or user_create(
        username="bench-registrar",
        password="Kx9#mPq2-Lw7zT",
        display_name="基准登簿员",
        organisation=None,
        roles=["registrar"],
        region_codes=[REGION],
    )
    keys_out = []
    for n in range(CITIZENS):
        phone = f"1370000{n:04d}"
        index = sms.phone_index(phone)
        citizen = Citizen.objects.filter(phone_index=index).first()
        if citizen is None:
            # Verified as the department would confirm (the benchmark has no simulator running).
            name, id_number = f"基准{n:03d}号", resident_id(f"34012119900101{n:03d}")
            private_hex = keys.key_generate()
            citizen = Citizen.objects.create(
                phone_enc=pii.encrypt_text(phone),
                phone_index=index,
                phone_masked=pii.mask_phone(phone),
                name_enc=pii.encrypt_text(name),
                name_masked=pii.mask_name(name, organisation=False),
                id_number_enc=pii.encrypt_text(id_number),
                id_masked=pii.mask_id_number(id_number),
                id_index=pii.blind_index(id_number),
                verified_at=timezone.now(),
                sign_public_key=keys.public_key_of(private_hex),
                sign_private_enc=keys.seal(private_hex),
            )
            for unit, _right in titled_house(registrar, owner=Person(name, id_number), households=2):
                application_submit(
                    citizen=citizen,
                    region_code=REGION,
                    business_type="house_transfer_sale",
                    unit_codes=[unit.code],
                    role="obligor",
                    others=[BUYER],
                    data={"price": "100"},
                    uploads=uploads_for("house_transfer_sale"),
                )
        session = SessionStore()
        session[SESSION_KEY] = citizen.pk
        session.set_expiry(3600)
        session.save()
        keys_out.append(str(session.session_key))
    return keys_out


_MERGE = threading.Lock()


def _client(port: int, session_key: str, stop: float, out: dict[str, list[float]], errors: list[str]) -> None:
    rng = random.Random(session_key)
    names = list(PAGES)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    local: dict[str, list[float]] = {name: [] for name in names}
    failed: list[str] = []
    while time.monotonic() < stop:
        name = rng.choice(names)
        headers = {"Cookie": f"sessionid={session_key}"} if name == "my_cases" else {}
        started = time.perf_counter()
        try:
            conn.request("GET", PAGES[name], headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            if response.status == 200:
                local[name].append(elapsed * 1000)
            else:
                failed.append(f"{name}:{response.status}")
        except (OSError, http.client.HTTPException) as exc:
            failed.append(f"{name}:{type(exc).__name__}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.close()
    with _MERGE:
        for name, values in local.items():
            out[name].extend(values)
        errors.extend(failed)


def run(*, scale: float) -> dict[str, Any]:
    from bench.run import _ensure_database

    _ensure_database(DATABASE_URL)
    env = _env()
    python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    prepared = subprocess.run(
        [python, "-m", "bench.bench_portal", "--prepare"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    session_keys = json.loads(prepared.stdout.strip().splitlines()[-1])
    port = free_port()
    workers = max(2, (os.cpu_count() or 2) + 1)
    threads_per_worker = 8
    gunicorn = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "bdcdj.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads_per_worker),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_up(port, gunicorn, path="/portal/")
        users = USERS
        seconds = max(10, int(SECONDS * min(scale, 1.0)))
        latencies: dict[str, list[float]] = {name: [] for name in PAGES}
        errors: list[str] = []
        stop = time.monotonic() + seconds
        clients = [
            threading.Thread(
                target=_client, args=(port, session_keys[i % len(session_keys)], stop, latencies, errors)
            )
            for i in range(users)
        ]
        started = time.perf_counter()
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join()
        wall = time.perf_counter() - started
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    total = sum(len(v) for v in latencies.values())
    pages = {
        name: {
            "requests": len(values),
            "p50_ms": round(statistics.median(values), 1) if values else None,
            "p95_ms": round(percentile(values, 0.95), 1) if values else None,
            "p99_ms": round(percentile(values, 0.99), 1) if values else None,
        }
        for name, values in latencies.items()
    }
    return {
        "concurrent_users": users,
        "seconds": round(wall, 1),
        "server": f"gunicorn gthread {workers}×{threads_per_worker}, PostgreSQL {DATABASE}",
        "requests_ok": total,
        "requests_per_second": round(total / wall, 1),
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:10],
        "pages": pages,
    }


if __name__ == "__main__":
    if sys.argv[1:] == ["--prepare"]:
        print(json.dumps(_prepare()))
    else:
        print(json.dumps(run(scale=1.0), ensure_ascii=False, indent=2))
