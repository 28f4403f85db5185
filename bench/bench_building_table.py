"""楼盘表 of a 40-floor building with 20 households per floor (800 households), in Chromium.

Seeds the bench PostgreSQL database (bench.run has set it up) through the real write paths: a new
parcel and building (`record` ADD_UNITS), its 800 households from the building-table planning
service (`households_create`, codes allocated by `standards`), then titles, mortgages, seizures,
objections, advance notices and cancellations through `record`, so every status colour appears.
The console is served by gunicorn (DEBUG off, static files collected), and Debian chromium
(Playwright, the flags of tests/e2e/conftest.py) loads the 2D grid and the 3D view several times:
the figure is the time from navigation start to the page's own "rendered" mark
(`building-grid-rendered`, set two animation frames after the grid is in the DOM;
`building-3d-rendered`, set after ECharts GL's first finished frame). The HTML response time is
measured separately over loopback HTTP. Each run makes a new building; figures are measured,
never asserted.
"""

from __future__ import annotations

import http.client
import os
import random
import statistics
import subprocess
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.common import free_port, wait_up

ROOT = Path(__file__).resolve().parent.parent
REGION = "340121"
FLOORS, PER_FLOOR = 40, 20
USERNAME, PASSWORD = "bench_lpb", "Qz7#wertyMnb2026"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def _user() -> Any:
    from bdcdj.accounts.models import Organisation, PagePermission, Role, User
    from bdcdj.accounts.pages import apply_default_roles
    from bdcdj.accounts.services import organisation_create, tenant_ensure, user_create

    apply_default_roles(Role, PagePermission)  # the bench database may predate the 楼盘表 page
    tenant_ensure(region_code=REGION, name="长丰县", province_abbr="皖", parent_code="340100")
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        org = Organisation.objects.filter(code=f"{REGION}-BDCDJ").first() or organisation_create(
            code=f"{REGION}-BDCDJ",
            name="长丰县不动产登记中心",
            kind=Organisation.Kind.AUTHORITY,
            region_code=REGION,
        )
        user = user_create(
            username=USERNAME,
            password=PASSWORD,
            display_name="基准测试登簿员",
            organisation=org,
            roles=["registrar"],
            region_codes=[REGION],
        )
    return user


def _seed(rng: random.Random) -> dict[str, Any]:
    """A new building with 800 households in a mix of statuses; returns its code and counts."""
    from bdcdj.register.models import Operation, PartyRole, RightKind
    from bdcdj.register.services import (
        AdvanceNoticeSpec,
        BuildingSpec,
        HouseOwnershipSpec,
        MortgageSpec,
        ObjectionSpec,
        ParcelSpec,
        PartySpec,
        RegistrationItem,
        RightSpec,
        SeizureSpec,
        record,
    )
    from bdcdj.register.services.planning import HouseholdPlan, households_create
    from bdcdj.standards.services import unit_code_allocate_building, unit_code_allocate_parcel

    user = _user()
    stamp = time.strftime("%Y%m%d%H%M%S")
    serial = iter(range(1, 100_000))

    def item(**fields: Any) -> RegistrationItem:
        return RegistrationItem(
            region_code=REGION, business_number=f"BLPB{stamp}-{next(serial):05d}", **fields
        )

    parcel = unit_code_allocate_parcel(
        region_code=REGION,
        zone="009",
        subzone="090",
        ownership_letter="G",
        parcel_type_letter="B",
        fixture_letter="F",
    )
    building = unit_code_allocate_building(parcel_code=parcel)
    record(
        by=user,
        item=item(
            operation=Operation.ADD_UNITS,
            reason="基准测试宗地与自然幢入库",
            parcels=(
                ParcelSpec(code=parcel, location="长丰县基准路1号", area=Decimal("30000"), land_use="071"),
            ),
            buildings=(
                BuildingSpec(
                    code=building,
                    location="长丰县基准路1号1幢",
                    name="基准大厦1幢",
                    floors_above=FLOORS,
                    structure="1",
                    planned_use="11",
                ),
            ),
        ),
    )
    started = time.perf_counter()
    created = households_create(
        by=user,
        building_code=building,
        plan=HouseholdPlan(floor_from=1, floor_to=FLOORS, per_floor=PER_FLOOR, built_area=Decimal("96.50")),
    ).units_created
    plan_seconds = time.perf_counter() - started
    codes = [u.code for u in created]
    rng.shuffle(codes)
    titled, unregistered = codes[:700], codes[700:]
    developer = PartySpec(
        role=PartyRole.HOLDER,
        name="基准示例置业有限公司",
        party_type="2",
        id_type="8",
        id_number="91340121MA2N0000X1",
    )
    land = HouseOwnershipSpec(land_use_start=date(2016, 6, 1), land_use_end=date(2086, 5, 31))
    titles = record(
        by=user,
        item=item(
            operation=Operation.CREATE,
            registration_type="100",
            reason="房屋所有权首次登记",
            unit_codes=tuple(titled),
            right=RightSpec(
                kind=RightKind.HOUSE_OWNERSHIP, right_type="4", parties=(developer,), detail=land
            ),
        ),
    ).rights_created
    by_code = {r.unit.code: r for r in titles}
    bank = PartySpec(
        role=PartyRole.MORTGAGEE,
        name="示例银行长丰支行",
        party_type="2",
        id_type="8",
        id_number="91340121MA2N0000X1",
    )
    mortgaged, seized, objected = titled[:200], titled[190:215], titled[215:225]
    for code in mortgaged:
        detail = MortgageSpec(
            method="1",
            secured_amount=Decimal("60"),
            debt_start=date(2024, 1, 1),
            debt_end=date(2044, 1, 1),
            property_type="2",
        )
        right = RightSpec(kind=RightKind.MORTGAGE, right_type="37", parties=(bank,), detail=detail)
        record(
            by=user,
            item=item(operation=Operation.CREATE, registration_type="100", unit_codes=(code,), right=right),
        )
    for n, code in enumerate(seized):
        detail = SeizureSpec(
            authority="长丰县人民法院", document_number=f"（2026）皖0121执{n + 100}号", start=date(2026, 1, 5)
        )
        right = RightSpec(kind=RightKind.SEIZURE, right_type="98", detail=detail)
        record(
            by=user,
            item=item(operation=Operation.SEIZE, registration_type="800", unit_codes=(code,), right=right),
        )
    applicant = PartySpec(
        role=PartyRole.OBJECTION_APPLICANT, name="赵示例", id_type="1", id_number="340121199001011234"
    )
    for code in objected:
        detail = ObjectionSpec(matter="对权利归属有异议", start=date(2026, 11, 20), end=date(2026, 12, 5))
        right = RightSpec(kind=RightKind.OBJECTION, parties=(applicant,), detail=detail)
        record(
            by=user,
            item=item(operation=Operation.CREATE, registration_type="600", unit_codes=(code,), right=right),
        )
    buyer = PartySpec(
        role=PartyRole.NOTICE_HOLDER, name="钱示例", id_type="1", id_number="34012119920202567X"
    )
    seller = PartySpec(
        role=PartyRole.NOTICE_OBLIGOR,
        name=developer.name,
        party_type="2",
        id_type="8",
        id_number=developer.id_number,
    )
    noticed = unregistered[:30]
    for code in noticed:
        detail = AdvanceNoticeSpec(notice_kind="1", price=Decimal("150"))
        right = RightSpec(
            kind=RightKind.ADVANCE_NOTICE, right_type="96", parties=(buyer, seller), detail=detail
        )
        record(
            by=user,
            item=item(operation=Operation.CREATE, registration_type="700", unit_codes=(code,), right=right),
        )
    cancelled = titled[-10:]
    for code in cancelled:
        target = (by_code[code].pk,)
        record(
            by=user, item=item(operation=Operation.CANCEL, registration_type="400", target_right_ids=target)
        )
    return {
        "building": building,
        "households": len(codes),
        "plan_800_households_s": round(plan_seconds, 2),
        "seeded": {
            "registered": len(titled),
            "unregistered": len(unregistered),
            "mortgaged": len(mortgaged),
            "seized": len(seized),
            "objection": len(objected),
            "notice": len(noticed),
            "cancelled": len(cancelled),
        },
    }


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(values), 1),
        "max_ms": round(max(values), 1),
        "runs": len(values),
    }


def _browser(base: str, building: str, runs: int) -> tuple[dict[str, Any], str]:
    from playwright.sync_api import sync_playwright

    figures: dict[str, Any] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/login/")
        page.fill("input[name=username]", USERNAME)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        session = next(c["value"] for c in context.cookies() if c["name"] == "sessionid")
        for name, path, selector, mark in (
            (
                "grid_2d",
                f"/buildings/{building}/",
                "#building-grid[data-rendered='1']",
                "building-grid-rendered",
            ),
            (
                "view_3d",
                f"/buildings/{building}/3d/",
                "#building-3d[data-rendered='1']",
                "building-3d-rendered",
            ),
        ):
            rendered, ttfb, first = [], [], 0.0
            for n in range(runs + 1):
                page.goto(f"{base}/login/")  # leave the page so every run is a fresh navigation
                page.goto(f"{base}{path}")
                page.wait_for_selector(selector, timeout=60_000)
                timing = page.evaluate(
                    """(mark) => {
                        const nav = performance.getEntriesByType('navigation')[0];
                        return {mark: performance.getEntriesByName(mark)[0].startTime,
                                ttfb: nav.responseStart - nav.requestStart,
                                cells: document.querySelectorAll('#building-grid a.hh').length};
                    }""",
                    mark,
                )
                if n == 0:
                    first = timing["mark"]  # cold: vendored scripts not yet in the browser cache
                    continue
                rendered.append(timing["mark"])
                ttfb.append(timing["ttfb"])
            figures[name] = {
                "navigation_to_rendered": _summary(rendered),
                "first_visit_ms": round(first, 1),
                "time_to_first_byte": _summary(ttfb),
            }
            if name == "grid_2d":
                figures[name]["cells"] = timing["cells"]
        browser.close()
    return figures, session


def _server(port: int, building: str, session: str, runs: int) -> dict[str, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    figures = {}
    for name, path in (
        ("grid_2d_html", f"/buildings/{building}/"),
        ("view_3d_html", f"/buildings/{building}/3d/"),
    ):
        values, size = [], 0
        for _ in range(runs):
            started = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": f"sessionid={session}"})
            response = conn.getresponse()
            body = response.read()
            values.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}")
            size = len(body)
        figures[name] = {**_summary(values), "bytes": size}
    conn.close()
    return figures


def run(*, scale: float) -> dict[str, Any]:

    seeded = _seed(random.Random(20261203))
    runs = max(3, round(10 * min(scale, 1.0)))
    python = str(ROOT / ".venv" / "bin" / "python")
    var = Path(tempfile.mkdtemp(prefix="bdcdj-lpb-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "BDCDJ_ENV": "development",
        "DJANGO_DEBUG": "0",
        "DB_CONN_MAX_AGE": "60",
        "BDCDJ_ZONE": "all",
        "BDCDJ_LOG_LEVEL": "WARNING",
        "BDCDJ_VAR_DIR": str(var),
    }
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    server_args = ["--workers", "2", "--worker-class", "gthread", "--threads", "4", "--log-level", "warning"]
    gunicorn = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "bdcdj.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            *server_args,
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_up(port, gunicorn)
        browser, session = _browser(f"http://127.0.0.1:{port}", seeded["building"], runs)
        server = _server(port, seeded["building"], session, runs * 2)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    return {
        **seeded,
        "floors": FLOORS,
        "per_floor": PER_FLOOR,
        "browser": "Debian chromium (Playwright, headless, --disable-gpu: WebGL on SwiftShader)",
        "server": "gunicorn gthread 2×4, DEBUG off, PostgreSQL",
        "chromium": browser,
        "server_response": server,
    }
