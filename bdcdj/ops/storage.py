"""File storage that fails cleanly when the disk (or a size limit) is full.

Django's FileSystemStorage leaves a partly written file behind when a write fails. This
backend removes it and raises `StorageFull` (507, Chinese message), so the caller's
transaction rolls back with nothing half-written, and readiness reports the condition.
"""

from __future__ import annotations

import contextlib
import errno
import os
from typing import Any

from django.core.files.storage import FileSystemStorage

from bdcdj.ops.errors import StorageFull, storage_full_note

FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


class GuardedFileSystemStorage(FileSystemStorage):
    def _save(self, name: str, content: Any) -> str:
        try:
            return super()._save(name, content)  # type: ignore[misc]
        except OSError as exc:
            if exc.errno not in FULL_ERRNOS:
                raise
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.path(name))
            storage_full_note(where="storage")
            raise StorageFull(where="storage") from exc
