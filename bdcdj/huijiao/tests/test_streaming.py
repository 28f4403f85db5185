"""Export streams: the number of queries follows the number of chunks, not of rows, and no
table is materialised. A few thousand house units are bulk-inserted as test data."""

import datetime as dt
import math
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bdcdj.accounts.models import User
from bdcdj.accounts.pii import blind_index, encrypt_text, mask_id_number, mask_name
from bdcdj.demo.people import fake_id_number, fake_name
from bdcdj.hub.models import LowerNode
from bdcdj.huijiao.services import export, package_export, package_import, package_path
from bdcdj.huijiao.tests.conftest import manifest_of
from bdcdj.register.models import (
    Building,
    ChainHead,
    Floor,
    HouseOwnershipDetail,
    LogicalBuilding,
    Parcel,
    Party,
    Right,
    Unit,
)

pytestmark = pytest.mark.django_db
REGION = "340123"
UNITS = 3000
PER_FLOOR = 100


def _bulk_register() -> None:
    import random

    rng = random.Random(7)
    registrar = User.objects.create(username="bulk-registrar")
    parcel = Parcel.objects.create(
        region_code=REGION,
        code="340123001001GB00001",
        kind="land",
        location="长丰县某路1号",
        area=Decimal("50000.00"),
        ownership_letter="G",
        parcel_type_letter="B",
    )
    building = Building.objects.create(
        region_code=REGION,
        parcel=parcel,
        number="0001",
        code=parcel.code + "F0001",
        location="某路1号1幢",
        floors_above=UNITS // PER_FLOOR,
    )
    logical = LogicalBuilding.objects.create(region_code=REGION, building=building, number="1")
    floors = Floor.objects.bulk_create(
        Floor(region_code=REGION, logical_building=logical, number=n)
        for n in range(1, UNITS // PER_FLOOR + 1)
    )
    units = Unit.objects.bulk_create(
        Unit(
            region_code=REGION,
            code=f"{building.code}{n:04d}",
            kind="house",
            parcel=parcel,
            building=building,
            floor=floors[(n - 1) // PER_FLOOR],
            household_no=f"{n:04d}",
            location=f"某路1号1幢{n}室",
            planned_use="11",
            built_area=Decimal("89.50"),
        )
        for n in range(1, UNITS + 1)
    )
    now = timezone.now()
    rights = Right.objects.bulk_create(
        Right(
            region_code=REGION,
            unit=unit,
            kind="house_ownership",
            right_type="4",
            registration_type="100",
            reason="首次登记",
            business_number=f"B{n:06d}",
            registered_at=now,
            registrar=registrar,
            registrar_name="登簿员",
        )
        for n, unit in enumerate(units)
    )
    HouseOwnershipDetail.objects.bulk_create(
        HouseOwnershipDetail(right=r, land_use_start=dt.date(2016, 6, 1), land_use_end=dt.date(2086, 5, 31))
        for r in rights
    )
    parties = []
    for right in rights:
        name, number = fake_name(rng), fake_id_number(rng, region_code=REGION)
        parties.append(
            Party(
                region_code=REGION,
                right=right,
                role="holder",
                party_type="1",
                name_enc=encrypt_text(name),
                name_masked=mask_name(name),
                id_type="1",
                id_number_enc=encrypt_text(number),
                id_masked=mask_id_number(number),
                id_index=blind_index(number),
            )
        )
    Party.objects.bulk_create(parties)
    ChainHead.objects.create(region_code=REGION, seq=1, hash="1" * 64)


def test_export_of_thousands_of_units_reads_in_chunks(node):
    _bulk_register()
    with CaptureQueriesContext(connection) as queries:
        package = package_export(region_code=REGION, kind="full")
    counts = {t["table"]: t["rows"] for t in manifest_of(package_path(package))["tables"]}
    assert counts["KTT_FW_H"] == counts["QLT_FW_FDCQ_YZ"] == counts["ZTT_GY_QLR"] == UNITS
    chunks = math.ceil(UNITS / export.CHUNK_SIZE)
    # Units: one read per chunk; rights: one read, one for parties and one for details per chunk.
    assert len(queries) <= 4 * chunks + 25, len(queries)
    assert package.row_count > 3 * UNITS


def test_import_of_thousands_of_rows_works_in_batches(node, settings):
    _bulk_register()
    LowerNode.objects.filter(region_code="340121").update(region_code="340100")  # a city node covering 340123
    settings.BDCDJ_REGION_CODE = "340100"
    package = package_export(region_code=REGION, kind="full")
    with CaptureQueriesContext(connection) as queries:
        outcome = package_import(source=package_path(package), node=LowerNode.objects.get())
    assert outcome.package.inserted == package.row_count
    assert len(queries) < package.row_count / 20, len(queries)
