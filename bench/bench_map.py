"""地籍图 at county scale: 10,000 parcels with shapes, the window endpoint and the page.

A district of its own (340188) in its own PostgreSQL database gets N parcels (default 10,000)
laid out on a street grid near 长丰县, each an irregular quadrilateral in EPSG:4548 with one land
unit, a title on most, a mortgage on a quarter, a seizure or objection on a few. Bulk rows bypass
`register.services.record` and `cadastre.services` on purpose (fixture data for timing reads);
the shape service itself is timed separately on 200 parcels, overlap check and findings included.

Then gunicorn serves the project and we measure, over real HTTP with a logged-in session:
* `GET /api/cadastre/v1/map` at zoom 10–17 (a 1280×800 px viewport panned around the data):
  latency p50/p99, payload bytes, clusters or features returned;
* with Playwright and Debian's chromium: time from navigation to the first drawn window of
  /cadastre/map/, then zoom-in to 16 (polygons), a pan at 16, and zoom-out to 12 (clusters).
"""

from __future__ import annotations

import http.client
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import free_port, percentile, wait_up

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "bdcdj_bench_map"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
REGION = "340188"
FULL_SIZE = 10_000
CENTRE = (117.17, 32.48)
ZOOMS = (10, 12, 13, 14, 15, 16, 17)
SAMPLES = 40
VIEWPORT = (1280, 800)


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "BDCDJ_ENV": "development",
        "DJANGO_DEBUG": "0",
        "DB_CONN_MAX_AGE": "60",
        "BDCDJ_ZONE": "all",
        "BDCDJ_LOG_LEVEL": "WARNING",
        "BDCDJ_VAR_DIR": str(Path(tempfile.gettempdir()) / "bdcdj-map-bench"),
    }


# ---- data (runs in a subprocess against the bench database) ---------------------------------


def _prepare(size: int) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bdcdj.settings")
    django.setup()
    import datetime as dt

    from django.test import Client

    from bdcdj.accounts.models import Tenant, User, UserTenant
    from bdcdj.cadastre import geometry as geo
    from bdcdj.cadastre.demo import demo_quadrilateral
    from bdcdj.register.models import Parcel, Right, RightKind, Unit

    Tenant.objects.get_or_create(region_code=REGION, defaults={"name": "地籍图基准县", "province_abbr": "皖"})
    user, _ = User.objects.get_or_create(username="bench-map", defaults={"display_name": "地籍图基准"})
    UserTenant.objects.get_or_create(user=user, region_code=REGION)
    user.is_superuser = True  # page permissions are not what is measured
    user.save(update_fields=["is_superuser"])
    generated = 0.0
    existing = Parcel.objects.filter(region_code=REGION).exclude(geometry_wkt="").count()
    if existing != size:  # another size was generated before: start the district afresh
        started = time.perf_counter()
        Right.objects.filter(region_code=REGION).delete()
        Unit.objects.filter(region_code=REGION).delete()
        Parcel.objects.filter(region_code=REGION).delete()
        _generate(size, 0, user, Parcel, Unit, Right, RightKind, geo, demo_quadrilateral, dt)
        generated = round(time.perf_counter() - started, 1)
    # the write path, timed by storing the same shapes again (validation, overlap check, audit)
    from bdcdj.cadastre.services import parcel_geometry_set

    sample = list(
        Parcel.objects.filter(region_code=REGION).order_by("code").values_list("code", "geometry_wkt")[:200]
    )
    timings = []
    for code, wkt in sample:
        started = time.perf_counter()
        parcel_geometry_set(user=user, code=code, geometry=wkt)
        timings.append((time.perf_counter() - started) * 1000)
    client = Client()
    client.force_login(user)
    return {
        "session": client.cookies["sessionid"].value,
        "parcels": Parcel.objects.filter(region_code=REGION).exclude(geometry_wkt="").count(),
        "generate_seconds": generated,
        "geometry_set_p50_ms": round(statistics.median(timings), 1),
        "geometry_set_p99_ms": round(percentile(timings, 0.99), 1),
        "extent": _extent(Parcel, geo),
    }


def _extent(parcel_model: Any, geo: Any) -> list[float]:
    from django.db.models import Max, Min

    box = parcel_model.objects.filter(region_code=REGION).aggregate(
        x0=Min("bbox_minx"), y0=Min("bbox_miny"), x1=Max("bbox_maxx"), y1=Max("bbox_maxy")
    )
    lons, lats = geo.points_to_wgs84([box["x0"], box["x1"]], [box["y0"], box["y1"]], source=4548)
    return [lons[0], lats[0], lons[1], lats[1]]


def _generate(size, existing, user, Parcel, Unit, Right, RightKind, geo, quad, dt) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(340188)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    ox, oy = geo._transformer(4326, 4548).transform(*CENTRE)
    per_row = math.ceil(math.sqrt(size))
    pitch = 90.0  # metres per block: parcels of 1,500–4,500 m² with streets between
    parcels, units = [], []
    for n in range(existing, size):
        row, col = divmod(n, per_row)
        area = rng.uniform(1500, 4500)
        ring = quad(x=0.0, y=0.0, area_m2=area, aspect=rng.uniform(0.8, 1.3), skew=rng.uniform(-0.06, 0.06))
        left = min(x for x, _ in ring)
        x0, y0 = ox + col * pitch - left, oy + row * pitch
        coords = [(x + x0, y + y0) for x, y in ring]
        xs, ys = [c[0] for c in coords], [c[1] for c in coords]
        code = f"{REGION}001{n // 99_999 + 1:03d}GB{n % 99_999 + 1:05d}"
        parcels.append(
            Parcel(
                region_code=REGION,
                code=code,
                kind="land",
                location=f"基准县幸福路{n + 1}号",
                area=round(area, 2),
                land_use="05",
                right_nature="102",
                ownership_letter="G",
                parcel_type_letter="B",
                geometry_wkt="POLYGON ((" + ", ".join(f"{x:.3f} {y:.3f}" for x, y in coords) + "))",
                geometry_epsg=4548,
                geometry_area=round(area, 2),
                bbox_minx=min(xs),
                bbox_miny=min(ys),
                bbox_maxx=max(xs),
                bbox_maxy=max(ys),
                geometry_updated_at=now,
            )
        )
    Parcel.objects.bulk_create(parcels, batch_size=2000)
    ids = dict(Parcel.objects.filter(region_code=REGION).values_list("code", "id"))
    for parcel in parcels:
        units.append(
            Unit(
                region_code=REGION,
                code=f"{parcel.code}W00000000",
                kind="land",
                parcel_id=ids[parcel.code],
                location=parcel.location,
            )
        )
    Unit.objects.bulk_create(units, batch_size=2000)
    unit_ids = list(Unit.objects.filter(region_code=REGION, kind="land").values_list("id", flat=True))
    rights = []
    for k, unit_id in enumerate(unit_ids):
        draw = rng.random()
        kinds = []
        if draw < 0.9:
            kinds.append((RightKind.CONSTRUCTION_LAND_USE, "3"))
        if draw < 0.25:
            kinds.append((RightKind.MORTGAGE, "37"))
        if draw < 0.02:
            kinds.append((RightKind.SEIZURE, "98"))
        elif 0.95 < draw < 0.96:
            kinds.append((RightKind.OBJECTION, "97"))
        for kind, right_type in kinds:
            rights.append(
                Right(
                    region_code=REGION,
                    unit_id=unit_id,
                    kind=kind,
                    right_type=right_type,
                    registration_type="100",
                    business_number=f"B{k:08d}",
                    registered_at=now,
                    registrar=user,
                    registrar_name="地籍图基准",
                )
            )
    Right.objects.bulk_create(rights, batch_size=2000)


# ---- measurement ---------------------------------------------------------------------------


def _window(lon: float, lat: float, zoom: int) -> str:
    """The lon/lat box a 1280×800 px Web-Mercator viewport shows around (lon, lat)."""
    scale = 256 * 2**zoom
    x = (lon + 180) / 360 * scale
    y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * scale
    half_w, half_h = VIEWPORT[0] / 2, VIEWPORT[1] / 2

    def unproject(px: float, py: float) -> tuple[float, float]:
        lon_ = px / scale * 360 - 180
        lat_ = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * py / scale))))
        return lon_, lat_

    west, north = unproject(x - half_w, y - half_h)
    east, south = unproject(x + half_w, y + half_h)
    return f"{west:.6f},{south:.6f},{east:.6f},{north:.6f}"


def _endpoint(port: int, session: str, extent: list[float]) -> dict[str, Any]:
    rng = random.Random(7)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": f"sessionid={session}", "Accept": "application/json"}
    out: dict[str, Any] = {}
    for zoom in ZOOMS:
        latencies, sizes, returned, modes = [], [], [], set()
        for i in range(SAMPLES + 3):
            lon = rng.uniform(extent[0], extent[2])
            lat = rng.uniform(extent[1], extent[3])
            started = time.perf_counter()
            conn.request(
                "GET", f"/api/cadastre/v1/map?bbox={_window(lon, lat, zoom)}&zoom={zoom}", headers=headers
            )
            response = conn.getresponse()
            body = response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200:
                raise RuntimeError(f"map endpoint answered {response.status}: {body[:200]!r}")
            if i < 3:
                continue  # warm-up
            data = json.loads(body)
            latencies.append(elapsed)
            sizes.append(len(body))
            modes.add(data["mode"])
            returned.append(len(data["features"]) if data["mode"] == "features" else len(data["clusters"]))
        out[f"z{zoom}"] = {
            "mode": "/".join(sorted(modes)),
            "p50_ms": round(statistics.median(latencies), 1),
            "p99_ms": round(percentile(latencies, 0.99), 1),
            "payload_bytes_p50": int(statistics.median(sizes)),
            "payload_bytes_max": max(sizes),
            "items_p50": int(statistics.median(returned)),
            "samples": len(latencies),
        }
    conn.close()
    return out


def _browser(port: int, session: str) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{port}"
    ready = "[data-testid=cadastre-map][data-state=ready]"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        context = browser.new_context(
            viewport={"width": VIEWPORT[0], "height": VIEWPORT[1] + 200}, locale="zh-CN"
        )
        context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
        page = context.new_page()
        page.set_default_timeout(120_000)

        def settle(action: str) -> tuple[float, str, int]:
            page.evaluate(
                "() => { document.querySelector('[data-testid=cadastre-map]').dataset.state = 'moving'; }"
            )
            started = time.perf_counter()
            page.evaluate(action)
            page.wait_for_selector(ready)
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            elapsed = (time.perf_counter() - started) * 1000
            el = page.locator("[data-testid=cadastre-map]")
            return (
                round(elapsed, 1),
                el.get_attribute("data-mode") or "",
                int(el.get_attribute("data-drawn") or 0),
            )

        started = time.perf_counter()
        page.goto(f"{base}/cadastre/map/")
        page.wait_for_selector(ready)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        first = round((time.perf_counter() - started) * 1000, 1)
        el = page.locator("[data-testid=cadastre-map]")
        result: dict[str, Any] = {
            "first_render_ms": first,
            "first_render": {
                "zoom": page.evaluate("() => window.cadastreMap.map.getZoom()"),
                "mode": el.get_attribute("data-mode"),
                "drawn": int(el.get_attribute("data-drawn") or 0),
            },
        }
        steps = {
            "zoom_in_to_16": "() => { window.cadastreMap.map.setZoom(16, {animate: false}); }",
            "pan_at_16": "() => { window.cadastreMap.map.panBy([600, 300], {animate: false}); }",
            "zoom_out_to_12": "() => { window.cadastreMap.map.setZoom(12, {animate: false}); }",
        }
        for name, action in steps.items():
            ms, mode, drawn = settle(action)
            result[name] = {"ms": ms, "mode": mode, "drawn": drawn}
        settle("() => { window.cadastreMap.map.setZoom(16, {animate: false}); }")
        page.screenshot(path=str(Path(tempfile.gettempdir()) / "bdcdj-map-bench.png"))
        browser.close()
    result["note"] = "ms = from the map call to the drawn window (120 ms debounce included) and two frames"
    return result


def run(*, scale: float) -> dict[str, Any]:
    from bench.run import _ensure_database

    size = max(100, int(FULL_SIZE * scale))
    _ensure_database(DATABASE_URL)
    env = _env()
    python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    prepared = subprocess.run(
        [python, "-m", "bench.bench_map", "--prepare", str(size)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    data = json.loads(prepared.stdout.strip().splitlines()[-1])
    port = free_port()
    gunicorn = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "bdcdj.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_up(port, gunicorn, timeout=90)
        endpoint = _endpoint(port, data["session"], data["extent"])
        browser = _browser(port, data["session"])
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    return {
        "parcels": data["parcels"],
        "server": f"gunicorn gthread 2×4, PostgreSQL {DATABASE}",
        "generate_seconds": data["generate_seconds"],
        "geometry_set": {"p50_ms": data["geometry_set_p50_ms"], "p99_ms": data["geometry_set_p99_ms"]},
        "map_endpoint": endpoint,
        "browser": browser,
    }


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--prepare":
        print(json.dumps(_prepare(int(sys.argv[2]) if len(sys.argv) > 2 else FULL_SIZE), default=str))
