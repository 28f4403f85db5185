"""Signed zip packages carried between nodes: the ferry's packages of access messages and the
汇交 packages of standard tables share one shape — `manifest.json` (canonical JSON bytes, the
exact bytes the exporting node signs), `manifest.sig` (SM2, r ‖ s hex, by
`exchange.signing.sign`) and files whose SM3 digests the manifest lists.

This module decides which bytes the signature covers and refuses archives that could hurt the
reader (foreign names, too many entries, too large once inflated) before any entry is read.
Signing and verifying stay with the callers, which know whose key applies.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives import hashes

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
CONTROL_FILES = frozenset({MANIFEST, SIGNATURE})
READ_BLOCK = 1024 * 1024


class PackageError(Exception):
    """An archive that must not be read further; `.message` is Chinese and safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    """The canonical bytes of a manifest: what is written to the archive and signed."""
    return json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode()


def open_archive(
    source: bytes | Path | IO[bytes],
    *,
    allowed: Callable[[str], bool],
    max_files: int,
    max_bytes: int,
    label: str,
) -> zipfile.ZipFile:
    """The archive, after checking it is a zip with a manifest and its signature, holds at most
    `max_files` other entries, all named as `allowed` accepts, and inflates to at most
    `max_bytes`. `label` names the package in messages (摆渡包, 汇交包)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise PackageError(f"不是有效的{label}") from exc
    names = archive.namelist()
    if len(names) > max_files + len(CONTROL_FILES) or not set(names) >= CONTROL_FILES:
        archive.close()
        raise PackageError("缺少清单或签名，或文件过多")
    for name in names:
        if name not in CONTROL_FILES and not allowed(name):
            archive.close()
            raise PackageError(f"包含不允许的文件名“{name[:40]}”")
    if len(set(names)) != len(names):
        archive.close()
        raise PackageError("包内有重名文件")
    if sum(info.file_size for info in archive.infolist()) > max_bytes:
        archive.close()
        raise PackageError("解压后超过大小限制")
    return archive


def read_manifest(archive: zipfile.ZipFile, *, label: str) -> tuple[dict[str, Any], bytes, str]:
    """(manifest, its exact bytes, the signature hex) of an archive from `open_archive`."""
    try:
        raw = archive.read(MANIFEST)
        signature = archive.read(SIGNATURE).decode("ascii", "replace").strip()
        manifest = json.loads(raw)
    except (zipfile.BadZipFile, UnicodeDecodeError, json.JSONDecodeError, KeyError) as exc:
        raise PackageError(f"不是有效的{label}") from exc
    if not isinstance(manifest, dict):
        raise PackageError("清单字段不全")
    return manifest, raw, signature


def sm3_stream(stream: IO[bytes]) -> tuple[str, int]:
    """SM3 hex digest and byte count of a stream, read in blocks (constant memory)."""
    digest = hashes.Hash(hashes.SM3())
    size = 0
    while block := stream.read(READ_BLOCK):
        digest.update(block)
        size += len(block)
    return digest.finalize().hex(), size


def sm3_file(path: Path) -> tuple[str, int]:
    with path.open("rb") as stream:
        return sm3_stream(stream)
