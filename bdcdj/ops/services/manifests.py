"""The signed JSON manifest that sits beside every archive and backup file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bdcdj.core.packages import sm3_stream


def file_sm3(path: Path) -> str:
    with path.open("rb") as handle:
        return sm3_stream(handle)[0]


def canonical(manifest: dict[str, Any]) -> bytes:
    """The bytes the manifest's signature covers: everything but the signature, sorted."""
    unsigned = {k: v for k, v in manifest.items() if k != "signature"}
    return json.dumps(unsigned, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".manifest.json")
