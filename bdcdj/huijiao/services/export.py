"""Writing a 汇交 package of one district's register (full or incremental).

A package is a zip: one XML file per standard table (`huijiao.xmlio`), `manifest.json`
(district, node, serial, kind, base package, the register event range with the hash of the
event before it and of its last event, the layout, and per table the file, row count, size and
SM3) and `manifest.sig` (this node's SM2 signature over the manifest bytes, `core.packages`).

Full: every parcel, building, 逻辑幢, 层, unit, right (current and ended) and party of the
district. Incremental: what the register events after the last package changed — the units,
parcels and buildings they created (with 逻辑幢 and 层 created on first use), the rights they
created, ended or changed (轮候 queue, 预告 converted), with their parties.

Memory stays constant: rows are read with `.iterator(chunk_size=…)` and mapped chunk by chunk
(parties and details loaded per chunk), written element by element to files under a working
directory, hashed from disk, and zipped at the end.
"""

from __future__ import annotations

import contextlib
import shutil
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from bdcdj.accounts.models import Tenant
from bdcdj.core.crypto import sm3_hex
from bdcdj.core.errors import Conflict, InvalidInput
from bdcdj.core.packages import MANIFEST, SIGNATURE, manifest_bytes, sm3_file
from bdcdj.exchange.signing import sign
from bdcdj.huijiao import mapping
from bdcdj.huijiao.models import OutgoingPackage, PackageKind
from bdcdj.huijiao.tables import TABLE_ORDER, file_name, layout
from bdcdj.huijiao.xmlio import TableWriter
from bdcdj.register.models import (
    GENESIS_HASH,
    Building,
    ChainHead,
    Floor,
    LogicalBuilding,
    Parcel,
    RegisterEvent,
    Right,
    Unit,
    attach_details,
)

FORMAT = "bdcdj-huijiao/1"
CHUNK_SIZE = 500
Model = TypeVar("Model", bound=models.Model)


def packages_dir(kind: str) -> Path:
    """Where packages are kept (outside the web root): `out` written here, `in` received."""
    path = Path(settings.MEDIA_ROOT) / "huijiao" / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def chunks(query: models.QuerySet[Model], size: int) -> Iterator[list[Model]]:
    """The query's rows in lists of `size`, fetched with a streaming iterator."""
    batch: list[Model] = []
    for obj in query.iterator(chunk_size=size):
        batch.append(obj)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _slices(values: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass
class ChangeSet:
    """What register events of a range touched (codes and ids only)."""

    parcels: set[str] = field(default_factory=set)
    buildings: set[str] = field(default_factory=set)
    units: set[str] = field(default_factory=set)
    rights: set[int] = field(default_factory=set)


def changes_between(*, region_code: str, seq_from: int, seq_to: int) -> ChangeSet:
    changes = ChangeSet()
    events = RegisterEvent.objects.filter(region_code=region_code, seq__gte=seq_from, seq__lte=seq_to)
    for payload in events.order_by("seq").values_list("payload", flat=True).iterator(chunk_size=CHUNK_SIZE):
        changes.parcels.update(payload.get("parcels_created") or ())
        changes.buildings.update(payload.get("buildings_created") or ())
        changes.units.update(u["code"] for u in payload.get("units_created") or ())
        for key in ("rights_created", "rights_ended", "rights_changed"):
            changes.rights.update(int(r["id"]) for r in payload.get(key) or () if r.get("id"))
    return changes


class _Files:
    """One writer per table, opened on the table's first row."""

    def __init__(self, directory: Path, *, region_code: str, version: str) -> None:
        self.directory = directory
        self.region_code = region_code
        self.version = version
        self.writers: dict[str, TableWriter] = {}

    def write(self, rows: Iterable[mapping.TableRow | None]) -> None:
        for item in rows:
            if item is None:
                continue
            table, row = item
            writer = self.writers.get(table)
            if writer is None:
                writer = TableWriter(
                    self.directory / file_name(table),
                    table=table,
                    region_code=self.region_code,
                    version=self.version,
                )
                self.writers[table] = writer
            writer.write(row)

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()


def _authority(region_code: str) -> str:
    tenant = Tenant.objects.filter(region_code=region_code).first()
    return f"{tenant.name if tenant else region_code}不动产登记机构"


def _write_units(files: _Files, region_code: str, changes: ChangeSet | None, seq_from: int) -> None:
    parcels = Parcel.objects.filter(region_code=region_code).order_by("id")
    buildings = Building.objects.filter(region_code=region_code).order_by("id")
    logicals = LogicalBuilding.objects.filter(region_code=region_code).select_related("building")
    floors = Floor.objects.filter(region_code=region_code).select_related("logical_building__building")
    units = Unit.objects.filter(region_code=region_code).select_related("floor__logical_building", "building")
    if changes is None:
        for batch in chunks(parcels, CHUNK_SIZE):
            files.write(mapping.parcel_rows(p) for p in batch)
        for b_batch in chunks(buildings, CHUNK_SIZE):
            files.write(mapping.building_rows(b) for b in b_batch)
        for l_batch in chunks(logicals.order_by("id"), CHUNK_SIZE):
            files.write(mapping.logical_building_rows(lb, building_code=lb.building.code) for lb in l_batch)
        for f_batch in chunks(floors.order_by("id"), CHUNK_SIZE):
            files.write(_floor(f) for f in f_batch)
        for u_batch in chunks(units.order_by("id"), CHUNK_SIZE):
            files.write(mapping.household_rows(u) for u in u_batch)
        return
    for codes in _slices(sorted(changes.parcels), CHUNK_SIZE):
        files.write(mapping.parcel_rows(p) for p in parcels.filter(code__in=codes))
    for codes in _slices(sorted(changes.buildings), CHUNK_SIZE):
        files.write(mapping.building_rows(b) for b in buildings.filter(code__in=codes))
        files.write(
            mapping.logical_building_rows(lb, building_code=lb.building.code)
            for lb in logicals.filter(building__code__in=codes).order_by("id")
        )
    for codes in _slices(sorted(changes.units), CHUNK_SIZE):
        unit_batch = list(units.filter(code__in=codes).order_by("id"))
        new_floors = _first_used([u.floor for u in unit_batch if u.floor is not None], seq_from)
        older = _older_logicals(new_floors, seq_from)
        logicals_new = {
            f.logical_building_id: f.logical_building
            for f in new_floors
            if f.logical_building.building.code not in changes.buildings
            and f.logical_building_id not in older
        }
        files.write(
            mapping.logical_building_rows(lb, building_code=lb.building.code)
            for _pk, lb in sorted(logicals_new.items())
        )
        files.write(_floor(f) for f in new_floors)
        files.write(mapping.household_rows(u) for u in unit_batch)


def _floor(floor: Floor) -> mapping.TableRow:
    logical = floor.logical_building
    return mapping.floor_rows(floor, building_code=logical.building.code, logical_number=logical.number)


def _first_used(floors: list[Floor], seq_from: int) -> list[Floor]:
    """Floors (逻辑幢 and 层 are created on first use) without a unit from before the range."""
    unique = {f.pk: f for f in floors}
    older = set(
        Unit.objects.filter(floor_id__in=list(unique), created_by_event__seq__lt=seq_from).values_list(
            "floor_id", flat=True
        )
    )
    return [f for pk, f in sorted(unique.items()) if pk not in older]


def _older_logicals(floors: list[Floor], seq_from: int) -> set[int]:
    ids = {f.logical_building_id for f in floors}
    return set(
        Unit.objects.filter(
            floor__logical_building_id__in=ids, created_by_event__seq__lt=seq_from
        ).values_list("floor__logical_building_id", flat=True)
    )


def _write_rights(files: _Files, region_code: str, changes: ChangeSet | None) -> None:
    authority = _authority(region_code)
    rights = Right.objects.filter(region_code=region_code).select_related(
        "unit__floor__logical_building", "unit__building", "predecessor"
    )
    if changes is None:
        batches: Iterable[list[Right]] = chunks(rights.order_by("id"), CHUNK_SIZE)
    else:
        batches = (
            list(rights.filter(pk__in=ids).order_by("id"))
            for ids in _slices(sorted(changes.rights), CHUNK_SIZE)
        )
    for batch in batches:
        prefetch_related_objects(batch, "parties")
        attach_details(batch)
        for right in batch:
            files.write(mapping.right_rows(right, authority=authority))


def _event_hash(region_code: str, seq: int) -> str:
    if seq <= 0:
        return GENESIS_HASH
    found = (
        RegisterEvent.objects.filter(region_code=region_code, seq=seq).values_list("hash", flat=True).first()
    )
    return found or GENESIS_HASH


def package_export(*, region_code: str, kind: str, by: str = "system") -> OutgoingPackage:
    """Write the district's next package and record it. Conflict when there is nothing to
    carry (an empty register, no change since the last package) or no full package yet."""
    if len(region_code) != 6 or not region_code.isdigit():
        raise InvalidInput(code="huijiao_region_invalid", message="行政区划代码应为6位数字")
    if kind not in PackageKind.values:
        raise InvalidInput(code="huijiao_kind_invalid", message="汇交包类型应为全量或增量")
    head = ChainHead.objects.filter(region_code=region_code).first()
    if head is None or head.seq == 0:
        raise Conflict(code="huijiao_register_empty", message=f"行政区 {region_code} 的登记簿没有数据")
    last = OutgoingPackage.objects.filter(region_code=region_code).order_by("-serial").first()
    seq_to = head.seq
    if kind == PackageKind.INCREMENTAL:
        if last is None:
            raise Conflict(code="huijiao_no_base", message="尚未生成全量包，请先导出全量包")
        if last.seq_to >= seq_to:
            raise Conflict(code="huijiao_no_changes", message="自上次汇交以来登记簿没有变化")
        seq_from = last.seq_to + 1
    else:
        seq_from = 1
    version = layout()
    head_hash = _event_hash(region_code, seq_to)
    package_id = str(uuid.uuid4())
    serial = (last.serial if last else 0) + 1
    work = packages_dir("tmp") / package_id
    work.mkdir()
    try:
        files = _Files(work, region_code=region_code, version=version)
        try:
            changes = (
                None
                if kind == PackageKind.FULL
                else changes_between(region_code=region_code, seq_from=seq_from, seq_to=seq_to)
            )
            _write_units(files, region_code, changes, seq_from)
            _write_rights(files, region_code, changes)
        finally:
            files.close()
        tables: list[dict[str, Any]] = []
        for table in TABLE_ORDER:
            writer = files.writers.get(table)
            if writer is None:
                continue
            digest, size = sm3_file(writer.path)
            tables.append(
                {"table": table, "file": file_name(table), "rows": writer.count, "sm3": digest, "bytes": size}
            )
        manifest = {
            "format": FORMAT,
            "package_id": package_id,
            "region_code": region_code,
            "node": settings.BDCDJ_REGION_CODE,
            "serial": serial,
            "kind": kind,
            "base_package_id": last.package_id if last and kind == PackageKind.INCREMENTAL else "",
            "events": {
                "from": seq_from,
                "to": seq_to,
                "prev_hash": _event_hash(region_code, seq_from - 1),
                "head_hash": head_hash,
            },
            "layout": version,
            "created_at": timezone.now().isoformat(),
            "tables": tables,
        }
        raw = manifest_bytes(manifest)
        name = f"huijiao-{region_code}-{serial:06d}-{kind}.zip"
        target = packages_dir("out") / name
        partial = target.with_suffix(".zip.tmp")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, raw)
            archive.writestr(SIGNATURE, sign(raw))
            for entry in tables:
                archive.write(work / str(entry["file"]), arcname=str(entry["file"]))
        partial.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    try:
        with transaction.atomic():
            record = OutgoingPackage.objects.create(
                region_code=region_code,
                package_id=package_id,
                serial=serial,
                kind=kind,
                base_package_id=str(manifest["base_package_id"]),
                seq_from=seq_from,
                seq_to=seq_to,
                head_hash=head_hash,
                tables=[{"table": t["table"], "rows": t["rows"], "sm3": t["sm3"]} for t in tables],
                row_count=sum(int(t["rows"]) for t in tables),
                file_path=name,
                size_bytes=target.stat().st_size,
                manifest_sm3=sm3_hex(raw),
                created_by=by[:150],
            )
    except IntegrityError as exc:
        with contextlib.suppress(OSError):
            target.unlink()
        raise Conflict(code="huijiao_concurrent_export", message="另一个汇交包正在生成，请稍后重试") from exc
    return record


def package_path(package: OutgoingPackage) -> Path:
    return packages_dir("out") / package.file_path
