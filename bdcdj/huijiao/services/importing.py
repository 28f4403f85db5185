"""Accepting a 汇交 package at the upper node.

Order of checks, nothing stored until all pass: the archive (`core.packages.open_archive`:
names, count, inflated size), the manifest's fields, the sending node (the authenticated one
for an upload, the registered one named by the manifest for a command) and its right to the
district, the SM2 signature over the manifest bytes with the node's registered key, the SM3 of
every file against the manifest, replay (package id seen), order (serial not above the last)
and continuity (an incremental's base package, first event and `prev_hash` must be the last
accepted package's, its head hash — a gap or a fork is refused, naming what was expected).

Then, in one transaction: each table file is parsed as a stream against its XSD and upserted
into `StandardRow` by table and natural key (row counts must match the manifest), the quality
catalogue runs over the package's rows (`services.qc`), and the package is recorded. Any error
rolls everything back and the archive copy is removed.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from bdcdj.accounts.pii import encrypt_text
from bdcdj.core.crypto import sm3_hex
from bdcdj.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from bdcdj.core.packages import (
    CONTROL_FILES,
    PackageError,
    open_archive,
    read_manifest,
    sm3_stream,
)
from bdcdj.exchange.signing import verify
from bdcdj.hub.models import LowerNode
from bdcdj.hub.services import region_covers
from bdcdj.huijiao.models import IncomingPackage, PackageKind, StandardRow
from bdcdj.huijiao.services.export import packages_dir
from bdcdj.huijiao.services.qc import QcReport, package_qc
from bdcdj.huijiao.tables import file_name, personal_fields, row_key, spec_for, table_of_file, unit_of
from bdcdj.huijiao.xmlio import TableFileError, read_rows
from bdcdj.quality.findings import VERSIONS
from bdcdj.quality.values import shown

FORMAT = "bdcdj-huijiao/1"
MAX_TABLES = 64
BATCH = 500
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_HASH = re.compile(r"^[0-9a-f]{64}$")


def max_package_bytes() -> int:
    return int(getattr(settings, "BDCDJ_HUIJIAO_MAX_PACKAGE_BYTES", 1024 * 1024 * 1024))


@dataclass(frozen=True)
class Manifest:
    package_id: str
    region_code: str
    node: str
    serial: int
    kind: str
    base_package_id: str
    seq_from: int
    seq_to: int
    prev_hash: str
    head_hash: str
    layout: str
    tables: list[dict[str, Any]]


@dataclass(frozen=True)
class ImportOutcome:
    package: IncomingPackage
    report: QcReport


def _refuse(message: str, code: str = "huijiao_package_invalid") -> InvalidInput:
    return InvalidInput(code=code, message=f"汇交包无效：{message}")


def _manifest(raw: dict[str, Any]) -> Manifest:
    try:
        events = raw["events"]
        found = Manifest(
            package_id=str(raw["package_id"]),
            region_code=str(raw["region_code"]),
            node=str(raw["node"]),
            serial=int(raw["serial"]),
            kind=str(raw["kind"]),
            base_package_id=str(raw.get("base_package_id") or ""),
            seq_from=int(events["from"]),
            seq_to=int(events["to"]),
            prev_hash=str(events["prev_hash"]),
            head_hash=str(events["head_hash"]),
            layout=str(raw["layout"]),
            tables=[dict(t) for t in raw["tables"]],
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise _refuse("清单字段不全") from exc
    problems = []
    if raw.get("format") != FORMAT:
        problems.append("格式标识不符")
    if not _UUID.match(found.package_id) or (
        found.base_package_id and not _UUID.match(found.base_package_id)
    ):
        problems.append("包标识格式有误")
    if not (len(found.region_code) == 6 and found.region_code.isdigit()):
        problems.append("行政区划代码应为6位数字")
    if found.kind not in PackageKind.values or found.layout not in VERSIONS:
        problems.append("包类型或表结构版本有误")
    if found.serial < 1 or found.seq_from < 1 or found.seq_to < found.seq_from:
        problems.append("包序号或事件序号范围有误")
    if not (_HASH.match(found.prev_hash) and _HASH.match(found.head_hash)):
        problems.append("事件摘要格式有误")
    if len(found.tables) > MAX_TABLES:
        problems.append("数据表过多")
    if problems:
        raise _refuse("；".join(problems))
    return found


def _node_for(manifest: Manifest, node: LowerNode | None) -> LowerNode:
    if node is None:
        node = LowerNode.objects.filter(region_code=manifest.node, is_active=True).first()
        if node is None:
            raise NotFound(
                code="huijiao_source_unknown", message=f"未登记的汇交来源节点：{manifest.node[:6]}"
            )
    elif manifest.node != node.region_code:
        raise Forbidden(code="huijiao_node_mismatch", message="汇交包清单中的节点与上传节点不一致")
    if not region_covers(node.region_code, manifest.region_code):
        raise Forbidden(
            code="huijiao_region_forbidden",
            message=f"节点 {node.region_code} 无权汇交行政区 {manifest.region_code} 的数据",
        )
    return node


def _verify_files(archive: zipfile.ZipFile, manifest: Manifest) -> dict[str, dict[str, Any]]:
    """Table → manifest entry, after checking the listed files are exactly those present and
    each one's SM3 (read as a stream)."""
    present = {name for name in archive.namelist() if name not in CONTROL_FILES}
    listed: dict[str, dict[str, Any]] = {}
    for entry in manifest.tables:
        table = str(entry.get("table", ""))
        if str(entry.get("file", "")) != file_name(table) or table_of_file(file_name(table)) is None:
            raise _refuse(f"清单列出的数据表“{table[:40]}”不可识别", code="huijiao_tampered")
        listed[table] = entry
    if {file_name(t) for t in listed} != present or len(listed) != len(manifest.tables):
        raise _refuse("清单与包内文件不一致", code="huijiao_tampered")
    for table, entry in listed.items():
        with archive.open(file_name(table)) as stream:
            digest, _size = sm3_stream(stream)
        if digest != str(entry.get("sm3", "")):
            raise _refuse(f"文件 {file_name(table)} 的摘要与清单不符", code="huijiao_tampered")
    return listed


def _check_sequence(manifest: Manifest) -> None:
    if IncomingPackage.objects.filter(package_id=manifest.package_id).exists():
        raise Conflict(code="huijiao_replayed", message="该汇交包已导入过（重放），已拒绝")
    last = IncomingPackage.objects.filter(region_code=manifest.region_code).order_by("-serial").first()
    if last is not None and manifest.serial <= last.serial:
        raise Conflict(
            code="huijiao_out_of_order",
            message=f"汇交包序号 {manifest.serial} 不大于已导入的 {last.serial}，已拒绝",
        )
    if manifest.kind == PackageKind.FULL:
        if manifest.seq_from != 1:
            raise _refuse("全量包应从第 1 条登簿事件开始")
        if last is not None and manifest.seq_to < last.seq_to:
            raise Conflict(
                code="huijiao_stale_full",
                message=f"全量包只到第 {manifest.seq_to} 条登簿事件，早于已导入的第 {last.seq_to} 条，已拒绝",
            )
        return
    if last is None:
        raise Conflict(code="huijiao_no_base", message="尚未导入该行政区的全量包，增量包无法衔接，已拒绝")
    if manifest.seq_from != last.seq_to + 1:
        raise Conflict(
            code="huijiao_sequence_gap",
            message=f"登簿事件序号不连续：已导入至第 {last.seq_to} 条，"
            f"本包从第 {manifest.seq_from} 条开始，已拒绝",
        )
    if manifest.base_package_id != last.package_id or manifest.prev_hash != last.head_hash:
        raise Conflict(
            code="huijiao_chain_mismatch",
            message="增量包的基础包或事件链摘要与已导入的最新包不一致，已拒绝",
        )


def _row_hash(row: dict[str, str]) -> str:
    canonical = json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return sm3_hex(canonical.encode("utf-8"))


def _stored(table: str, row: dict[str, str]) -> tuple[dict[str, str], str]:
    """(data with personal values masked, ciphertext of the clear personal values)."""
    personal = personal_fields(table)
    hidden = {code: value for code, value in row.items() if code in personal}
    if not hidden:
        return row, ""
    spec = spec_for(table)
    assert spec is not None  # only tables with a spec have personal fields
    data = {
        code: shown(spec.fields[code], value) if code in personal else value for code, value in row.items()
    }
    return data, encrypt_text(json.dumps(hidden, ensure_ascii=False, sort_keys=True))


def _load_table(stream: IO[bytes], *, table: str, package: IncomingPackage, counts: dict[str, int]) -> int:
    rows = 0
    batch: list[dict[str, str]] = []
    for row in read_rows(stream, table=table, region_code=package.region_code):
        batch.append(row)
        rows += 1
        if len(batch) >= BATCH:
            _upsert(batch, table=table, package=package, counts=counts)
            batch = []
    if batch:
        _upsert(batch, table=table, package=package, counts=counts)
    return rows


def _upsert(
    rows: list[dict[str, str]], *, table: str, package: IncomingPackage, counts: dict[str, int]
) -> None:
    keyed = {row_key(table, row): row for row in rows}
    if len(keyed) != len(rows):
        raise _refuse(f"{table}.xml 中有主键重复的记录")
    existing = {
        r.row_key: r
        for r in StandardRow.objects.filter(
            region_code=package.region_code, table=table, row_key__in=list(keyed)
        )
    }
    now = timezone.now()
    new, changed = [], []
    for key, row in keyed.items():
        digest = _row_hash(row)
        data, personal = _stored(table, row)
        stored = existing.get(key)
        if stored is None:
            new.append(
                StandardRow(
                    region_code=package.region_code,
                    table=table,
                    row_key=key[:200],
                    unit_code=unit_of(row)[:28],
                    data=data,
                    personal_enc=personal,
                    row_hash=digest,
                    package=package,
                    updated_at=now,
                )
            )
            counts["inserted"] += 1
            continue
        counts["updated" if stored.row_hash != digest else "unchanged"] += 1
        stored.data, stored.personal_enc, stored.row_hash = data, personal, digest
        stored.unit_code, stored.package, stored.updated_at = unit_of(row)[:28], package, now
        changed.append(stored)
    StandardRow.objects.bulk_create(new, batch_size=BATCH)
    StandardRow.objects.bulk_update(
        changed, ["data", "personal_enc", "row_hash", "unit_code", "package", "updated_at"], batch_size=BATCH
    )


def package_import(
    *, source: bytes | Path, node: LowerNode | None = None, via: str = "command"
) -> ImportOutcome:
    """Verify a package completely, refuse replays and gaps, then load and check its rows."""
    if isinstance(source, bytes) and len(source) > max_package_bytes():
        raise _refuse("超过大小限制")
    if isinstance(source, Path) and source.stat().st_size > max_package_bytes():
        raise _refuse("超过大小限制")
    try:
        archive = open_archive(
            source,
            allowed=lambda name: table_of_file(name) is not None,
            max_files=MAX_TABLES,
            max_bytes=max_package_bytes() * 20,
            label="汇交包",
        )
    except PackageError as exc:
        raise _refuse(exc.message) from exc
    with archive:
        try:
            raw, raw_bytes, signature = read_manifest(archive, label="汇交包")
        except PackageError as exc:
            raise _refuse(exc.message) from exc
        manifest = _manifest(raw)
        sender = _node_for(manifest, node)
        if not verify(public_key_hex=sender.public_key_hex, data=raw_bytes, signature_hex=signature):
            raise _refuse("清单签名无效", code="huijiao_signature_invalid")
        try:
            listed = _verify_files(archive, manifest)
        except (zipfile.BadZipFile, OSError) as exc:
            raise _refuse("包内文件损坏", code="huijiao_tampered") from exc
        _check_sequence(manifest)
        target = packages_dir("in") / f"{manifest.package_id}.zip"
        try:
            _keep_copy(source, target)
            outcome = _load(archive, manifest, listed, sender, via, raw_bytes, target.name)
        except IntegrityError as exc:
            raise Conflict(code="huijiao_replayed", message="该汇交包正在或已经导入（重放），已拒绝") from exc
        except BaseException:
            with contextlib.suppress(OSError):
                target.unlink()
            raise
    return outcome


@transaction.atomic
def _load(
    archive: zipfile.ZipFile,
    manifest: Manifest,
    listed: dict[str, dict[str, Any]],
    node: LowerNode,
    via: str,
    raw_bytes: bytes,
    stored_name: str,
) -> ImportOutcome:
    package = IncomingPackage.objects.create(
        region_code=manifest.region_code,
        package_id=manifest.package_id,
        node=node,
        serial=manifest.serial,
        kind=manifest.kind,
        base_package_id=manifest.base_package_id,
        seq_from=manifest.seq_from,
        seq_to=manifest.seq_to,
        head_hash=manifest.head_hash,
        manifest_sm3=sm3_hex(raw_bytes),
        via=via,
        file_path=stored_name,
    )
    counts = {"inserted": 0, "updated": 0, "unchanged": 0}
    tables = []
    for table, entry in listed.items():
        with archive.open(file_name(table)) as stream:
            try:
                rows = _load_table(stream, table=table, package=package, counts=counts)
            except TableFileError as exc:
                raise _refuse(exc.message, code="huijiao_table_invalid") from exc
        if rows != int(entry.get("rows", -1)):
            raise _refuse(
                f"{file_name(table)} 有 {rows} 条记录，清单记为 {entry.get('rows')} 条",
                code="huijiao_tampered",
            )
        tables.append({"table": table, "rows": rows, "sm3": entry.get("sm3", "")})
    report = package_qc(package=package, version=manifest.layout)
    package.tables = tables
    package.row_count = sum(t["rows"] for t in tables)
    package.inserted, package.updated, package.unchanged = (
        counts["inserted"],
        counts["updated"],
        counts["unchanged"],
    )
    package.qc_blocking, package.qc_warnings = report.blocking, report.warnings
    package.save()
    return ImportOutcome(package=package, report=report)


def _keep_copy(source: bytes | Path, target: Path) -> None:
    if isinstance(source, bytes):
        target.write_bytes(source)
    else:
        shutil.copyfile(source, target)


def incoming_path(package: IncomingPackage) -> Path:
    return packages_dir("in") / package.file_path
