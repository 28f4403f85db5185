"""Precise query: fan-out of one task to 100 county endpoints, and the county-side search.

Fan-out. A national node runs as gunicorn on the bench database (PostgreSQL); 100 virtual county
endpoints, each with its own SM2 key, are served by one other process
(`python -m bench.bench_precise counties …`) over real HTTP on 127.0.0.1. This process creates
the task through `precise.services.task_create` (as the national node) and pushes it with
`deliver_due` (16 concurrent pushes); every county verifies and decrypts its task, then seals,
signs and POSTs an answer to the national node's `/api/precise/v1/results`. Measured: time from
task creation until all 100 answers are stored.

Search. The A post's search (`precise.services.listing.units_listing`: blind-index lookup of the
holder, then title and restrictions of each unit) over the households of `bench_register`'s bulk
generator (1,000,000 at full size; generated once with that module's `_generate`, reused after).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench.common import free_port

ROOT = Path(__file__).resolve().parents[1]
NATIONAL = "100000"
NATIONAL_KEY = "6a1b9b0f6c1a4e7d8f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f81"
SM2_ORDER = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
COUNTIES = 100
TARGET_ID = "11010519491231002X"
COLLECT_SECONDS = 300


def county_region(n: int) -> str:
    return f"99{n:04d}"


def county_key(region: str) -> str:
    digest = int.from_bytes(hashlib.sha256(f"bench-county-{region}".encode()).digest(), "big")
    return f"{digest % (SM2_ORDER - 2) + 1:064x}"


# -- the virtual counties (child process) -------------------------------------------------------
def serve_counties(*, port: int, count: int, national_url: str, national_public_key: str) -> None:
    """Answer every task pushed to /c/<region>/api/precise/v1/tasks with a signed, sealed result."""
    from bdcdj.precise import envelope

    keys = {county_region(n): county_key(county_region(n)) for n in range(1, count + 1)}
    answers = ThreadPoolExecutor(max_workers=8)

    def answer(region: str, serial: str) -> None:
        body = envelope.seal(
            kind="result",
            sender=region,
            recipient=NATIONAL,
            task=serial,
            payload={"serial": serial, "region": region, "answered_at": "", "units": []},
            recipient_public_key_hex=national_public_key,
            signing_key_hex=keys[region],
        )
        request = urllib.request.Request(
            f"{national_url}/api/precise/v1/results",
            data=body,
            headers={"Content-Type": "application/json", "X-Bdcdj-Node": region},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            print(f"{region} answer refused: {exc.code} {exc.read()[:200]!r}", file=sys.stderr, flush=True)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            parts = self.path.split("/")
            region = parts[2] if len(parts) > 2 else ""
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if region not in keys:
                return self._send(404, {"code": "recipient_unknown"})
            env = envelope.parse(raw)
            envelope.verify(env, public_key_hex=national_public_key)
            payload = envelope.open_payload(env, private_key_hex=keys[region])
            if env.recipient != region or not payload.get("legal_basis"):
                return self._send(400, {"code": "refused"})
            self._send(200, {"status": "received", "serial": env.task})
            answers.submit(answer, region, env.task)
            return None

        def _send(self, status: int, body: dict[str, str]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("ready", flush=True)
    server.serve_forever()


# -- the measurements (bench process) -----------------------------------------------------------


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise RuntimeError(f"{url} not ready")


def _fan_out(count: int) -> dict[str, Any]:
    from django.test import override_settings

    from bdcdj.accounts.models import Tenant, User, UserTenant
    from bdcdj.precise.envelope import public_key_of
    from bdcdj.precise.models import Assignment, AssignmentStatus
    from bdcdj.precise.services import deliver_due, endpoint_register, task_create

    national_port, counties_port = free_port(), free_port()
    national_url = f"http://127.0.0.1:{national_port}"
    env = {
        **os.environ,
        "BDCDJ_NODE_ROLE": "national",
        "BDCDJ_REGION_CODE": NATIONAL,
        "BDCDJ_NODE_SM2_KEY": NATIONAL_KEY,
        "PYTHONPATH": str(ROOT),
    }
    national = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bdcdj.wsgi",
            "--bind",
            f"127.0.0.1:{national_port}",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    counties = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.bench_precise",
            "counties",
            "--port",
            str(counties_port),
            "--count",
            str(count),
            "--national-url",
            national_url,
            "--national-key",
            public_key_of(NATIONAL_KEY),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=None,
    )
    try:
        _wait(f"{national_url}/api/openapi.json", national)
        assert counties.stdout is not None and counties.stdout.readline().strip() == b"ready"
        with override_settings(
            BDCDJ_NODE_ROLE="national", BDCDJ_REGION_CODE=NATIONAL, BDCDJ_NODE_SM2_KEY=NATIONAL_KEY
        ):
            Tenant.objects.get_or_create(region_code=NATIONAL, defaults={"name": "全国"})
            user, _ = User.objects.get_or_create(username="bench-national", defaults={"display_name": "基准"})
            UserTenant.objects.get_or_create(user=user, region_code=NATIONAL)
            regions = [county_region(n) for n in range(1, count + 1)]
            for region in regions:
                endpoint_register(
                    region_code=region,
                    name=f"基准县{region[-3:]}",
                    base_url=f"http://127.0.0.1:{counties_port}/c/{region}",
                    public_key_hex=public_key_of(county_key(region)),
                )
            started = time.perf_counter()
            task = task_create(
                by=user,
                authority="基准测试法院",
                legal_basis="《民事诉讼法》第二百五十三条",
                purpose="基准测试",
                target_kind="person",
                target_id=TARGET_ID,
                regions=regions,
            )
            report = deliver_due(task_id=task.pk)
            pushed = time.perf_counter()
            answered = 0
            while time.perf_counter() - started < COLLECT_SECONDS:
                answered = Assignment.objects.filter(task=task, status=AssignmentStatus.ANSWERED).count()
                if answered == count:
                    break
                time.sleep(0.05)
            finished = time.perf_counter()
    finally:
        for process in (counties, national):
            process.terminate()
            process.wait(timeout=20)
    return {
        "counties": count,
        "delivered_by_push": len(report.delivered),
        "answers_collected": answered,
        "push_all_seconds": round(pushed - started, 3),
        "all_answers_seconds": round(finished - started, 3),
    }


def _search(size: int) -> dict[str, Any]:
    import random

    from bdcdj.accounts import pii
    from bdcdj.precise.services.listing import units_listing
    from bdcdj.register.models import Party, Unit
    from bench.bench_register import REGION, SAMPLES, WARMUP, _bench_user, _generate, _time

    user = _bench_user()
    existing = Unit.objects.filter(region_code=REGION).count()
    if existing >= size:
        generation: dict[str, Any] = {"households": existing, "reused": True}
        encrypted = (
            Party.objects.filter(region_code=REGION, role="holder")
            .order_by("?")
            .values_list("id_number_enc", flat=True)[: SAMPLES + WARMUP]
        )
        ids = [pii.decrypt_text(token) for token in encrypted]
    else:
        if existing:
            raise RuntimeError(
                f"region {REGION} holds {existing} units, fewer than {size}: drop the bench database"
            )
        generation, _codes, ids = _generate(size, user)
    random.Random(9).shuffle(ids)
    found = [len(units_listing(user=user, id_number=n, region_code=REGION)) for n in ids[:50]]
    timing = _time(
        lambda number: units_listing(user=user, id_number=number, region_code=REGION), ids[: SAMPLES + WARMUP]
    )
    return {"generation": generation, "units_per_answer_sampled": round(sum(found) / len(found), 2), **timing}


def run(*, scale: float) -> dict[str, Any]:
    from django.db import connection

    if connection.vendor != "postgresql":
        raise RuntimeError("this benchmark needs PostgreSQL")
    return {
        "fan_out": _fan_out(max(10, int(COUNTIES * min(scale, 1.0)))),
        "county_search": _search(max(1000, int(1_000_000 * scale))),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["counties"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, default=COUNTIES)
    parser.add_argument("--national-url", required=True)
    parser.add_argument("--national-key", required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bdcdj.settings")
    import django

    django.setup()
    serve_counties(
        port=args.port,
        count=args.count,
        national_url=args.national_url,
        national_public_key=args.national_key,
    )


if __name__ == "__main__":
    main()
