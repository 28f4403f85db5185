"""The storage-full error and the note readiness reads after one happened."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from django.conf import settings

from bdcdj.core.errors import DomainError

STORAGE_FULL_MESSAGE = "服务器存储空间不足，文件未保存，请稍后重试或联系系统管理员"
# How long after a storage-full error readiness keeps reporting it.
STORAGE_FULL_MEMORY_SECONDS = 600
_last_full: list[float] = [0.0]


class StorageFull(DomainError):
    """507 Insufficient Storage: nothing was kept; the caller may retry later."""

    status_code = 507

    def __init__(self, *, where: str = "") -> None:
        super().__init__(
            code="storage_full", message=STORAGE_FULL_MESSAGE, fields={"file": "未保存"} if where else {}
        )


def _marker() -> Path:
    return Path(settings.VAR_DIR) / "run" / "storage-full"


def storage_full_note(*, where: str) -> None:
    """Remember the failure in this process and, when a few bytes still fit, for the others."""
    from bdcdj.ops.metrics import STORAGE_FULL

    STORAGE_FULL.labels(where).inc()
    _last_full[0] = time.time()
    try:
        marker = _marker()
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(f"{int(_last_full[0])} {where}\n")
    except OSError:
        pass  # the disk is full; this process still remembers


def storage_full_recent(*, now: float | None = None) -> float | None:
    """Seconds since the last storage-full error seen by any process, if within the memory window."""
    now = time.time() if now is None else now
    last = _last_full[0]
    with contextlib.suppress(OSError, ValueError, IndexError):
        last = max(last, float(_marker().read_text().split()[0]))
    age = now - last
    return age if last and age < STORAGE_FULL_MEMORY_SECONDS else None


def storage_full_clear() -> None:
    """After the operator freed space (and for tests)."""
    _last_full[0] = 0.0
    _marker().unlink(missing_ok=True)
