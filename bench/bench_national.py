"""National scale on one machine: 3,000 county senders delivering to one national receiver.

Method (docs/scale.md):
* 3,000 county nodes are registered in the bench database, each with its own SM2 key pair and
  bearer token; their messages are real signed access messages (ownership 首次登记, the hub
  tests' layout, district codes and unit numbers of the sending county) that pass SM2, XSD and
  the quality catalogue.
* The receiver is a separate process, started as tests/e2e/nodes.py starts a node: gunicorn,
  2 workers, on 127.0.0.1, against the same PostgreSQL database (partitioned layout).
* Senders are asyncio + aiohttp with bounded concurrency over loopback HTTP, one message per
  request, each from a random county with that county's token.
* Peak load: 300,000 messages/day ≈ 3.5/s on average; with a peak-hour factor of 3 ≈ 10.4/s.
  The peak phase sends open-loop at that rate for a fixed time (latency from the scheduled
  send to the receipt, so queueing counts); the max phase is closed-loop with CONCURRENCY
  senders back to back and gives the max sustained rate.
* Volume: between rounds the message table is filled with synthetic rows generated in the
  server (spread over the last 11 months, routed into the month × region partitions) to 1M,
  5M and 10M (× scale) rows, then ANALYZEd. The bench database is dropped at the end.
* Each round: the peak phase, the max phase (single messages), and a batch max phase
  (BATCH_SENDERS county relays posting BATCH_SIZE messages per `/messages/batch` request).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from bench.common import free_port

ROOT = Path(__file__).resolve().parents[1]
NODES = 3000
PER_DAY = 300_000
PEAK_FACTOR = 3.0
PEAK_RATE = PER_DAY / 86_400 * PEAK_FACTOR  # ≈ 10.4 messages/s
PEAK_SECONDS = 30
MAX_SECONDS = 20
CONCURRENCY = 16
BATCH_SENDERS = 4
BATCH_SIZE = 20
VOLUMES = (1_000_000, 5_000_000, 10_000_000)
URL_PATH = "/api/exchange/v1/messages"
XML_BYTEA = "\\\\x3c4d6573736167652f3e"  # COPY text format of bytea b"<Message/>"


def _region_codes(count: int) -> list[str]:
    """County-level district codes: 31 provinces × 10 cities × 10 counties (pppcckk)."""
    provinces = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41]
    provinces += [42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65]
    codes = [f"{p}{c:02d}{k:02d}" for p in provinces for c in range(1, 11) for k in range(1, 11)]
    return codes[:count]


def _register_nodes(count: int) -> list[dict[str, str]]:
    from bdcdj.exchange.signing import key_generate, public_key_of
    from bdcdj.hub.models import LowerNode
    from bdcdj.hub.services.nodes import TOKEN_PREFIX, token_digest

    nodes, rows = [], []
    for region in _region_codes(count):
        private = key_generate()
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        nodes.append({"region": region, "private": private, "token": token})
        rows.append(
            LowerNode(
                region_code=region,
                name=f"模拟县{region}",
                public_key_hex=public_key_of(private),
                token_hash=token_digest(token),
            )
        )
    LowerNode.objects.bulk_create(rows, batch_size=1000)
    return nodes


def _message(node: dict[str, str], serial: int) -> bytes:
    from bdcdj.exchange.signing import EMPTY_SIGN_ELEMENT, sign_with
    from bdcdj.hub.tests.factories import UNIT, message_xml, ownership_rows

    region = node["region"]
    unit = f"{region}{UNIT[6:-4]}{serial % 10_000:04d}"
    ywh = f"N{region}-{serial:07d}"
    rows = ownership_rows(ywh=ywh, unit=unit, QXDM=region)
    for row in rows["ZTT_GY_QLR"]:
        row["QXDM"] = region
    unsigned = message_xml(
        biz_msg_id=f"{region}{serial:012d}", area=region, ywh=ywh, unit=unit, rows=rows, private_key=None
    )
    signature = sign_with(private_key_hex=node["private"], data=unsigned).encode("ascii")
    return unsigned.replace(EMPTY_SIGN_ELEMENT, b"<DigitalSign>" + signature + b"</DigitalSign>", 1)


def _start_receiver(log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BDCDJ_", "DATABASE_URL"))}
    env.update(
        {
            "DATABASE_URL": url,
            "BDCDJ_ENV": "development",
            "DJANGO_DEBUG": "false",
            "BDCDJ_LOG_LEVEL": "WARNING",
            "BDCDJ_NODE_ROLE": "national",
            "BDCDJ_REGION_CODE": "100000",
            "DJANGO_SETTINGS_MODULE": "bdcdj.settings",
            "PYTHONPATH": str(ROOT),
        }
    )
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "bdcdj.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "2", "--timeout", "120"]
    log = log_path.open("wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"receiver exited with {process.returncode}, see {log_path}")
        try:
            with urllib.request.urlopen(f"{base}/api/openapi.json", timeout=30) as response:
                if response.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise RuntimeError("receiver not ready within 180 s")


async def _send(session: Any, base: str, node: dict[str, str], xml: bytes) -> tuple[bool, float]:
    headers = {
        "Content-Type": "application/xml",
        "X-Bdcdj-Node": node["region"],
        "Authorization": f"Bearer {node['token']}",
    }
    started = time.perf_counter()
    async with session.post(base + URL_PATH, data=xml, headers=headers) as response:
        body = await response.read()
    return response.status == 200 and b"<SuccessFlag>1</SuccessFlag>" in body, time.perf_counter() - started


async def _peak(base: str, work: list[tuple[dict[str, str], bytes]], rate: float) -> dict[str, Any]:
    """Open loop at `rate`: latency counts from the scheduled send, so queueing shows."""
    import aiohttp

    latencies: list[float] = []
    accepted = 0
    connector = aiohttp.TCPConnector(limit=CONCURRENCY * 4)
    async with aiohttp.ClientSession(connector=connector) as session:
        start = time.perf_counter()

        async def one(i: int, node: dict[str, str], xml: bytes) -> None:
            nonlocal accepted
            due = start + i / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            ok, _ = await _send(session, base, node, xml)
            accepted += ok
            latencies.append(time.perf_counter() - due)

        await asyncio.gather(*(one(i, n, x) for i, (n, x) in enumerate(work)))
        elapsed = time.perf_counter() - start
    return _figures(latencies, accepted, elapsed, offered=rate)


async def _max(base: str, work: list[tuple[dict[str, str], bytes]], seconds: float) -> dict[str, Any]:
    """Closed loop: CONCURRENCY senders back to back until the time or the messages run out."""
    import aiohttp

    latencies: list[float] = []
    accepted = 0
    queue = list(reversed(work))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONCURRENCY)) as session:
        start = time.perf_counter()

        async def sender() -> None:
            nonlocal accepted
            while queue and time.perf_counter() - start < seconds:
                node, xml = queue.pop()
                ok, latency = await _send(session, base, node, xml)
                accepted += ok
                latencies.append(latency)

        await asyncio.gather(*(sender() for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - start
    return _figures(latencies, accepted, elapsed, offered=None)


async def _max_batch(
    base: str, batches: list[tuple[dict[str, str], list[bytes]]], seconds: float
) -> dict[str, Any]:
    """Closed loop over `/messages/batch`: BATCH_SENDERS counties' relays, BATCH_SIZE per request."""
    import base64

    import aiohttp

    latencies: list[float] = []
    accepted = sent = 0
    queue = list(reversed(batches))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=BATCH_SENDERS)) as session:
        start = time.perf_counter()

        async def sender() -> None:
            nonlocal accepted, sent
            while queue and time.perf_counter() - start < seconds:
                node, xmls = queue.pop()
                body = {"messages": [base64.b64encode(x).decode("ascii") for x in xmls]}
                headers = {"X-Bdcdj-Node": node["region"], "Authorization": f"Bearer {node['token']}"}
                began = time.perf_counter()
                async with session.post(base + URL_PATH + "/batch", json=body, headers=headers) as response:
                    receipts = (await response.json())["receipts"] if response.status == 200 else []
                latencies.append(time.perf_counter() - began)
                sent += len(xmls)
                accepted += sum(r["success_flag"] == "1" for r in receipts)

        await asyncio.gather(*(sender() for _ in range(BATCH_SENDERS)))
        elapsed = time.perf_counter() - start
    figures = _figures(latencies, accepted, elapsed, offered=None)
    figures.update(
        {"requests": len(latencies), "sent": sent, "sustained_per_second": round(sent / elapsed, 1)}
    )
    return figures


def _figures(
    latencies: list[float], accepted: int, elapsed: float, *, offered: float | None
) -> dict[str, Any]:
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1) if ordered else 0.0

    out: dict[str, Any] = {
        "sent": len(latencies),
        "accepted": accepted,
        "seconds": round(elapsed, 1),
        "sustained_per_second": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else 0.0,
    }
    if offered is not None:
        out["offered_per_second"] = round(offered, 1)
    return out


def _past_partitions(months_back: int) -> None:
    from bdcdj.hub.partitioning import Month, month_partition_sql
    from bdcdj.hub.services.partitions import partitions_ensure, region_partitions

    today = dt.date.today()
    month = Month(
        today.year - (1 if today.month <= months_back else 0), (today.month - months_back - 1) % 12 + 1
    )
    with connection.cursor() as cursor:
        for _ in range(months_back):
            for statement in month_partition_sql(
                month, tz=settings.TIME_ZONE, region_partitions=region_partitions()
            ):
                cursor.execute(statement)
            month = month.next()
    partitions_ensure()


def _fill(*, target: int, serial: int) -> tuple[int, float]:
    """Add synthetic rows until the table holds `target` rows; returns (rows added, seconds).

    Rows are generated in the server (generate_series) and routed by PostgreSQL into the
    month × region partitions; triggers are off for the session (replica role) and the BizMsgID
    keys are added in one statement afterwards — a bulk load of a partitioned table. (COPY from
    this process was tried first: on the shared 2-core machine the client side bounded it to
    about 3,000 rows/s.)"""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), COALESCE(max(id), 0) FROM hub_receivedmessage")
        have, last_id = (int(v) for v in cursor.fetchone())
    need = max(0, target - have)
    if not need:
        return 0, 0.0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        for offset in range(0, need, FILL_CHUNK):
            cursor.execute(
                FILL_SQL,
                {"start": serial + offset, "count": min(FILL_CHUNK, need - offset), "xml": b"<Message/>"},
            )
        cursor.execute("SET session_replication_role = origin")
        cursor.execute(
            "INSERT INTO hub_receivedmessage_key (biz_msg_id, message_id, region_code) "
            "SELECT biz_msg_id, id, region_code FROM hub_receivedmessage WHERE id > %s",
            [last_id],
        )
        cursor.execute("ANALYZE hub_receivedmessage")
        cursor.execute("ANALYZE hub_receivedmessage_key")
    return need, time.perf_counter() - started


FILL_CHUNK = 250_000
FILL_SQL = """
INSERT INTO hub_receivedmessage (region_code, biz_msg_id, node_id, rectype, reg_type, right_type,
  estate_num, rec_flow_id, create_date, xml, digest, status, success_flag, response_code,
  response_info, signature_ok, findings, received_at, clearance)
SELECT n.region_code, 'S' || lpad((%(start)s + g)::text, 17, '0'), n.id, '1000402', '100', '4',
  n.region_code || '001001GB00001F0001' || lpad((g %% 10000)::text, 4, '0'), 'N' || (%(start)s + g),
  '2026-01-01T00:00:00', %(xml)s, repeat('0', 64), 'accepted', '1', '0000', '接入成功', true, '[]'::jsonb,
  now() - random() * interval '330 days', ''
FROM generate_series(1, %(count)s) AS g
JOIN (SELECT id, region_code, (row_number() OVER (ORDER BY id)) - 1 AS rn FROM hub_lowernode) AS n
  ON n.rn = g %% (SELECT count(*) FROM hub_lowernode)
"""


def _sizes() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = int(cursor.fetchone()[0])
        cursor.execute(
            "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relkind = 'r'"
        )
        leaves = int(cursor.fetchone()[0])
    return {"database_gb": round(size / 1e9, 2), "leaf_partitions": leaves}


def run(*, scale: float) -> dict[str, Any]:
    from bdcdj.hub.models import LowerNode
    from bdcdj.hub.services.partitions import messages_partitioned

    if connection.vendor != "postgresql" or not messages_partitioned():
        raise RuntimeError("this benchmark needs the partitioned PostgreSQL layout")
    free_gb = shutil.disk_usage("/work").free / 1e9
    volumes = [max(10_000, int(v * scale)) for v in VOLUMES]
    if free_gb < 40 * volumes[-1] / 10_000_000 + 5:
        raise RuntimeError(f"not enough free disk ({free_gb:.0f} GB) for {volumes[-1]} rows")
    started = time.perf_counter()
    _past_partitions(11)
    nodes = _register_nodes(NODES) if not LowerNode.objects.exists() else None
    if nodes is None:
        raise RuntimeError("the bench database must start empty (bench.run creates it)")
    peak_count = int(PEAK_RATE * PEAK_SECONDS)
    max_count = int(MAX_SECONDS * 80)
    rng = random.Random(7)
    serial = 0

    def work(count: int) -> list[tuple[dict[str, str], bytes]]:
        nonlocal serial
        items = []
        for _ in range(count):
            serial += 1
            node = nodes[rng.randrange(len(nodes))]
            items.append((node, _message(node, serial)))
        return items

    generation_started = time.perf_counter()

    def county_batches(count: int) -> list[tuple[dict[str, str], list[bytes]]]:
        nonlocal serial
        out = []
        for _ in range(count):
            node = nodes[rng.randrange(len(nodes))]
            serial += BATCH_SIZE
            out.append((node, [_message(node, serial - i) for i in range(BATCH_SIZE)]))
        return out

    batches = [(work(peak_count), work(max_count), county_batches(MAX_SECONDS * 6)) for _ in volumes]
    generation_seconds = time.perf_counter() - generation_started
    process, base = _start_receiver(Path(tempfile.gettempdir()) / "bdcdj-bench-national-receiver.log")
    steps = []
    try:
        warm = work(20)
        asyncio.run(_max(base, warm, 30))
        copy_serial = 10**15
        for volume, (peak_work, max_work, batch_work) in zip(volumes, batches, strict=True):
            added, fill_seconds = _fill(target=volume, serial=copy_serial)
            copy_serial += added
            load_before = os.getloadavg()[0]
            peak = asyncio.run(_peak(base, peak_work, PEAK_RATE))
            top = asyncio.run(_max(base, max_work, MAX_SECONDS))
            top_batch = asyncio.run(_max_batch(base, batch_work, MAX_SECONDS))
            steps.append(
                {
                    "stored_messages": volume,
                    "filled_rows": added,
                    "fill_rows_per_second": round(added / fill_seconds) if fill_seconds else None,
                    "peak": peak,
                    "max": top,
                    "max_batch": top_batch,
                    # the machine is shared: the 1-minute load average around the phases
                    "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
                    **_sizes(),
                }
            )
            print(f"   {volume:>10,} stored: peak {peak}  max {top}  batch {top_batch}", flush=True)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    total = round(time.perf_counter() - started, 1)
    connection.close()  # the bench database is large: drop it (bench.run only writes the JSON now)
    name = settings.DATABASES["default"]["NAME"]
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--force", name], check=False)
    return {
        "nodes": NODES,
        "daily_messages": PER_DAY,
        "peak_factor": PEAK_FACTOR,
        "peak_rate_per_second": round(PEAK_RATE, 1),
        "peak_seconds": PEAK_SECONDS,
        "max_seconds": MAX_SECONDS,
        "max_concurrency": CONCURRENCY,
        "batch_senders": BATCH_SENDERS,
        "batch_size": BATCH_SIZE,
        "receiver": "gunicorn, 2 workers, loopback HTTP, one message per request",
        "message_generation_seconds": round(generation_seconds, 1),
        "free_disk_gb_at_start": round(free_gb),
        "steps": steps,
        "total_seconds": total,
        "bench_database_dropped": name,
    }
