"""The one-way ferry (单向摆渡) between network zones.

A package is a zip: `manifest.json` (package id, source region, sequence, time, and for every
message its BizMsgID, file name and SM3 digest), `manifest.sig` (the exporting node's SM2
signature over the manifest bytes) and `messages/<BizMsgID>.xml`. The importing node trusts an
exporter by its registered public key (`hub.LowerNode`), checks the signature and every digest
before it touches a single message, refuses a package it has seen or one older than the last
accepted from that source, then feeds each message to the receiver (`hub.message_receive`),
which verifies each message's own signature and is idempotent on BizMsgID.
"""

import io
import re
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bdcdj.core.crypto import sm3_hex
from bdcdj.core.errors import Conflict, InvalidInput, NotFound
from bdcdj.core.packages import (
    CONTROL_FILES,
    MANIFEST,
    SIGNATURE,
    PackageError,
    open_archive,
    read_manifest,
)
from bdcdj.core.packages import manifest_bytes as canonical_manifest
from bdcdj.exchange.models import OutboxMessage, OutboxStatus
from bdcdj.exchange.signing import sign, verify
from bdcdj.ferry.models import FerryExport, FerryImport
from bdcdj.hub.models import LowerNode
from bdcdj.hub.services import Refusal, message_receive

MAX_PACKAGE_BYTES = 200 * 1024 * 1024
MAX_MESSAGES = 10_000
_MESSAGE_NAME = re.compile(r"^messages/[0-9A-Za-z]{1,40}\.xml$")


@dataclass(frozen=True)
class ImportResult:
    package_id: str
    sequence: int
    accepted: int
    rejected: int
    receipts: list[tuple[str, str]]  # (BizMsgID, ResponseCode)


def _refuse(message: str, code: str = "ferry_package_invalid") -> InvalidInput:
    return InvalidInput(code=code, message=f"摆渡包无效：{message}")


@transaction.atomic
def ferry_export(*, limit: int = MAX_MESSAGES) -> tuple[bytes, FerryExport] | None:
    """A package of the outbox messages not yet ferried (valid ones only), or None if none."""
    last = FerryExport.objects.aggregate(m=Max("last_outbox_id"), s=Max("sequence"))
    rows = list(
        OutboxMessage.objects.filter(id__gt=last["m"] or 0)
        .exclude(status=OutboxStatus.INVALID)
        .order_by("id")
        .values_list("id", "biz_msg_id", "xml")[:limit]
    )
    if not rows:
        return None
    files = {f"messages/{biz}.xml": bytes(xml) for _id, biz, xml in rows}
    package_id, sequence = str(uuid.uuid4()), (last["s"] or 0) + 1
    manifest: dict[str, object] = {
        "package_id": package_id,
        "source_region": settings.BDCDJ_REGION_CODE,
        "sequence": sequence,
        "created_at": timezone.now().isoformat(),
        "messages": [
            {"biz_msg_id": biz, "file": f"messages/{biz}.xml", "sm3": sm3_hex(bytes(xml))}
            for _i, biz, xml in rows
        ],
    }
    manifest_bytes = canonical_manifest(manifest)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(MANIFEST, manifest_bytes)
        package.writestr(SIGNATURE, sign(manifest_bytes))
        for name, content in files.items():
            package.writestr(name, content)
    record = FerryExport.objects.create(
        package_id=package_id,
        sequence=sequence,
        last_outbox_id=rows[-1][0],
        message_count=len(rows),
        digest=sm3_hex(manifest_bytes),
    )
    return buffer.getvalue(), record


def _read(package: bytes) -> tuple[dict, bytes, str, dict[str, bytes]]:
    """Manifest, its bytes, its signature and the message files, after the archive checks."""
    if len(package) > MAX_PACKAGE_BYTES:
        raise _refuse("超过大小限制")
    try:
        with open_archive(
            package,
            allowed=lambda name: bool(_MESSAGE_NAME.match(name)),
            max_files=MAX_MESSAGES,
            max_bytes=MAX_PACKAGE_BYTES,
            label="摆渡包",
        ) as archive:
            manifest, manifest_bytes, signature = read_manifest(archive, label="摆渡包")
            files = {name: archive.read(name) for name in archive.namelist() if name not in CONTROL_FILES}
    except PackageError as exc:
        raise _refuse(exc.message) from exc
    except (zipfile.BadZipFile, KeyError) as exc:
        raise _refuse("不是有效的摆渡包") from exc
    return manifest, manifest_bytes, signature, files


def ferry_import(*, package: bytes) -> ImportResult:
    """Verify a package completely, refuse replays, then receive its messages."""
    manifest, manifest_bytes, signature, files = _read(package)
    try:
        source = str(manifest["source_region"])
        sequence = int(manifest["sequence"])
        package_id = str(manifest["package_id"])
        entries = list(manifest["messages"])
    except (KeyError, TypeError, ValueError) as exc:
        raise _refuse("清单字段不全") from exc
    node = LowerNode.objects.filter(region_code=source, is_active=True).first()
    if node is None:
        raise NotFound(code="ferry_source_unknown", message=f"未登记的摆渡来源节点：{source[:6]}")
    if not verify(public_key_hex=node.public_key_hex, data=manifest_bytes, signature_hex=signature):
        raise _refuse("清单签名无效", code="ferry_signature_invalid")
    listed = {str(e.get("file")): str(e.get("sm3")) for e in entries if isinstance(e, dict)}
    if set(listed) != set(files) or len(listed) != len(entries):
        raise _refuse("清单与包内文件不一致", code="ferry_tampered")
    for name, digest in listed.items():
        if sm3_hex(files[name]) != digest:
            raise _refuse(f"文件 {name} 的摘要与清单不符", code="ferry_tampered")
    if FerryImport.objects.filter(package_id=package_id).exists():
        raise Conflict(code="ferry_replayed", message="该摆渡包已导入过（重放），已拒绝")
    latest = FerryImport.objects.filter(source_region=source).aggregate(s=Max("sequence"))["s"] or 0
    if sequence <= latest:
        raise Conflict(
            code="ferry_out_of_order", message=f"摆渡包序号 {sequence} 不大于已导入的 {latest}，已拒绝"
        )
    receipts: list[tuple[str, str]] = []
    for entry in entries:
        try:
            receipt = message_receive(node=node, xml=files[str(entry["file"])])
        except Refusal as refusal:
            receipt = refusal.receipt
        receipts.append((str(entry.get("biz_msg_id", "")), receipt.response_code))
    accepted = sum(code == "0000" for _biz, code in receipts)
    FerryImport.objects.create(
        package_id=package_id,
        source_region=source,
        sequence=sequence,
        message_count=len(entries),
        accepted=accepted,
        rejected=len(entries) - accepted,
        digest=sm3_hex(manifest_bytes),
    )
    return ImportResult(package_id, sequence, accepted, len(entries) - accepted, receipts)
