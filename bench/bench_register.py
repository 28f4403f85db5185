"""Register reads at scale: current state of a unit by code, and units by owner ID number.

Generates N households (default 1,000,000) with a current house-ownership right each, one or
two holders, and a mortgage on every tenth, straight into PostgreSQL with COPY (names and ID
numbers SM4-encrypted, blind indexes computed exactly as the register does). Bulk generation
bypasses `register.services.record` on purpose: it is fixture data for timing reads, written in
minutes rather than hours; the event chain is not involved in these reads. Then the real
selectors are timed through the Django ORM as a console request would call them.
"""

import datetime as dt
import random
import statistics
import time
from decimal import Decimal
from typing import Any

from django.db import connection

FULL_SIZE = 1_000_000
REGION = "340199"
PER_BUILDING = 100  # 25 floors × 4
BUILDINGS_PER_PARCEL = 4
SAMPLES = 2000
WARMUP = 200


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 3)

    return {
        "p50_ms": pick(0.50),
        "p95_ms": pick(0.95),
        "p99_ms": pick(0.99),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 3),
        "samples": len(ordered),
    }


def _next_id(table: str) -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return int(cur.fetchone()[0])


def _copy(model: Any, rows: list[dict[str, Any]]) -> None:
    """COPY dict rows into the model's table; columns not given take the field's default."""
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in rows[0])]
    defaults = {f.attname: f.get_default() for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with (
        connection.cursor() as cur,
        cur.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([row[f.attname] if f.attname in row else defaults[f.attname] for f in fields])


def _fix_sequence(table: str) -> None:
    with connection.cursor() as cur:
        cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")


def _bench_user() -> Any:
    from bdcdj.accounts.models import Tenant, User, UserTenant

    Tenant.objects.get_or_create(region_code=REGION, defaults={"name": "基准测试县", "province_abbr": "皖"})
    user, _ = User.objects.get_or_create(username="bench-reader", defaults={"display_name": "基准测试"})
    UserTenant.objects.get_or_create(user=user, region_code=REGION)
    user.is_superuser = True  # page permissions are not what is measured
    user.save(update_fields=["is_superuser"])
    return user


def _generate(size: int, user: Any) -> tuple[dict[str, Any], list[str], list[str]]:
    from bdcdj.accounts import pii
    from bdcdj.demo.people import fake_id_number, fake_name
    from bdcdj.register.models import HouseOwnershipDetail, MortgageDetail, Parcel, Party, Right, Unit
    from bdcdj.register.models.units import Building

    rng = random.Random(20261123)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    ids = {m: _next_id(m._meta.db_table) for m in (Parcel, Building, Unit, Right, Party)}
    rows: dict[Any, list[dict[str, Any]]] = {
        m: [] for m in (Parcel, Building, Unit, Right, Party, HouseOwnershipDetail, MortgageDetail)
    }

    def new_id(model: Any) -> int:
        ids[model] += 1
        return ids[model] - 1

    sample_codes: list[str] = []
    sample_ids: list[str] = []
    sample_rate = SAMPLES * 2 / size
    started = time.perf_counter()
    households = parcel_no = 0
    while households < size:
        parcel_no += 1
        subzone, serial = divmod(parcel_no - 1, 99_999)
        parcel_code = f"{REGION}001{subzone + 1:03d}GB{serial + 1:05d}"
        parcel_id = new_id(Parcel)
        street = f"基准县幸福路{parcel_no}号"
        rows[Parcel].append(
            dict(
                id=parcel_id,
                region_code=REGION,
                code=parcel_code,
                kind="land",
                location=street,
                area=Decimal("20000.00"),
                land_use="07",
                right_nature="102",
                ownership_letter="G",
                parcel_type_letter="B",
                created_at=now,
            )
        )
        for b in range(1, BUILDINGS_PER_PARCEL + 1):
            building_code = f"{parcel_code}F{b:04d}"
            building_id = new_id(Building)
            rows[Building].append(
                dict(
                    id=building_id,
                    region_code=REGION,
                    parcel_id=parcel_id,
                    number=f"{b:04d}",
                    code=building_code,
                    name=f"{b}幢",
                    location=f"{street}{b}幢",
                    floors_above=25,
                    floors_below=1,
                    total_households=PER_BUILDING,
                    structure="3",
                    planned_use="11",
                    created_at=now,
                )
            )
            for h in range(1, min(PER_BUILDING, size - households) + 1):
                households += 1
                code = f"{building_code}{h:04d}"
                unit_id = new_id(Unit)
                area = Decimal(rng.randrange(6000, 14000)) / 100
                rows[Unit].append(
                    dict(
                        id=unit_id,
                        region_code=REGION,
                        code=code,
                        kind="house",
                        parcel_id=parcel_id,
                        building_id=building_id,
                        household_no=f"{h:04d}",
                        room_label=f"{(h - 1) // 4 + 1}{(h - 1) % 4 + 1:02d}",
                        location=f"{street}{b}幢{h}室",
                        planned_use="11",
                        house_type="1",
                        house_nature="0",
                        structure="3",
                        built_area=area,
                        version=1,
                        created_at=now,
                    )
                )
                right_id = new_id(Right)
                rows[Right].append(
                    dict(
                        id=right_id,
                        region_code=REGION,
                        unit_id=unit_id,
                        kind="house_ownership",
                        right_type="4",
                        registration_type="200",
                        reason="买卖",
                        certificate_number=f"皖(2025)基准县不动产权第{right_id:08d}号",
                        business_number=f"B{right_id}",
                        registered_at=now,
                        registrar_id=user.pk,
                        registrar_name="基准测试",
                        status="1",
                        co_ownership="0",
                    )
                )
                rows[HouseOwnershipDetail].append(dict(right_id=right_id, built_area=area))
                for order in range(1, (2 if rng.random() < 0.3 else 1) + 1):
                    name, id_number = fake_name(rng), fake_id_number(rng, region_code="340121")
                    rows[Party].append(
                        dict(
                            id=new_id(Party),
                            region_code=REGION,
                            right_id=right_id,
                            role="holder",
                            order=order,
                            party_type="1",
                            name_enc=pii.encrypt_text(name),
                            name_masked=pii.mask_name(name),
                            id_type="1",
                            id_number_enc=pii.encrypt_text(id_number),
                            id_masked=pii.mask_id_number(id_number),
                            id_index=pii.blind_index(id_number),
                        )
                    )
                    if rng.random() < sample_rate:
                        sample_ids.append(id_number)
                if households % 10 == 0:
                    mortgage_id = new_id(Right)
                    rows[Right].append(
                        dict(
                            id=mortgage_id,
                            region_code=REGION,
                            unit_id=unit_id,
                            kind="mortgage",
                            right_type="37",
                            registration_type="100",
                            reason="抵押借款",
                            certificate_number=f"皖(2025)基准县不动产证明第{mortgage_id:08d}号",
                            business_number=f"M{mortgage_id}",
                            registered_at=now,
                            registrar_id=user.pk,
                            registrar_name="基准测试",
                            status="1",
                        )
                    )
                    rows[MortgageDetail].append(
                        dict(
                            right_id=mortgage_id,
                            method="1",
                            secured_amount=Decimal("80"),
                            debt_start=dt.date(2025, 1, 1),
                            debt_end=dt.date(2045, 1, 1),
                            rank=1,
                        )
                    )
                if rng.random() < sample_rate:
                    sample_codes.append(code)
    prepared = time.perf_counter()
    for model, model_rows in rows.items():
        _copy(model, model_rows)
    for model in (Parcel, Building, Unit, Right, Party):
        _fix_sequence(model._meta.db_table)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    finished = time.perf_counter()
    written = sum(len(r) for r in rows.values())
    figures = {
        "households": households,
        "rows_written": written,
        "prepare_seconds": round(prepared - started, 1),
        "copy_seconds": round(finished - prepared, 1),
        "households_per_second": round(households / (finished - started)),
        "rows_per_second": round(written / (finished - started)),
    }
    return figures, sample_codes, sample_ids


def _time(fn: Any, args: list[Any]) -> dict[str, float]:
    for arg in args[:WARMUP]:
        fn(arg)
    samples = []
    for arg in args[WARMUP:]:
        t0 = time.perf_counter()
        fn(arg)
        samples.append(time.perf_counter() - t0)
    return _percentiles(samples)


def _earlier_generation(households: int) -> dict[str, Any]:
    """The generation figures of the run that built the reused data, when they are on record."""
    import json
    from pathlib import Path

    previous = Path(__file__).parent / "results" / "register.json"
    try:
        figures = json.loads(previous.read_text())["figures"]["generation"]
    except (OSError, ValueError, KeyError):
        return {}
    if figures.get("households") != households:
        return {}
    earlier = figures.get("measured_when_built", figures)
    return {
        "measured_when_built": {
            k: v for k, v in earlier.items() if k not in {"reused", "measured_when_built"}
        }
    }


def run(*, scale: float) -> dict[str, Any]:
    from bdcdj.accounts import pii
    from bdcdj.register.models import Party, Unit
    from bdcdj.register.selectors import unit_state, units_by_owner_id

    if connection.vendor != "postgresql":
        raise RuntimeError("this benchmark needs PostgreSQL")
    size = max(1000, int(FULL_SIZE * scale))
    user = _bench_user()
    existing = Unit.objects.filter(region_code=REGION).count()
    if existing >= size:
        generation: dict[str, Any] = {"households": existing, "reused": True, **_earlier_generation(existing)}
        codes = list(
            Unit.objects.filter(region_code=REGION)
            .order_by("?")
            .values_list("code", flat=True)[: SAMPLES + WARMUP]
        )
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
        generation, codes, ids = _generate(size, user)
    random.Random(7).shuffle(codes)
    random.Random(8).shuffle(ids)
    state = _time(lambda code: unit_state(user=user, code=code), codes[: SAMPLES + WARMUP])
    owner = _time(lambda number: units_by_owner_id(user=user, id_number=number), ids[: SAMPLES + WARMUP])
    return {
        "generation": generation,
        "unit_state_by_code": state,
        "units_by_owner_id": owner,
        "goal_p99_ms": 20,
    }
