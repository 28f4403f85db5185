"""Signed PDFs at rest: SM4-encrypted files under BDCDJ_CERTS_DIR/files, outside the web root.

The file key is derived from BDCDJ_PII_KEY (HMAC-SM3 with a fixed label), so files and the
personal data in the database are protected by the same secret without reusing the key
itself. Paths are generated (never a name or certificate number) and relative to the
directory, so the directory can move. A transaction that fails after writing deletes its
files again (`files_guard`), like the case documents.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from bdcdj.core.crypto import hmac_sm3, sm4_decrypt, sm4_encrypt

_written: list[list[Path]] = []


class StoredFileMissing(Exception):
    """The encrypted file is gone or cannot be decrypted with the current key."""


def _key() -> bytes:
    return hmac_sm3(bytes.fromhex(settings.BDCDJ_PII_KEY), b"bdcdj certs files v1")[:16]


def _root() -> Path:
    return Path(settings.BDCDJ_CERTS_DIR) / "files"


@contextmanager
def files_guard() -> Iterator[None]:
    """Delete files written inside the block when the block fails."""
    written: list[Path] = []
    _written.append(written)
    try:
        yield
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    finally:
        _written.pop()


def store_encrypted(*, region_code: str, prefix: str, content: bytes) -> str:
    """Encrypt and write; returns the path relative to the files directory."""
    relative = Path(region_code, f"{timezone.localdate():%Y}", f"{prefix}-{secrets.token_hex(12)}.pdf.sm4")
    target = _root() / relative
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(sm4_encrypt(_key(), content))
    if _written:
        _written[-1].append(target)
    return relative.as_posix()


def read_decrypted(relative: str) -> bytes:
    path = (_root() / relative).resolve()
    if _root().resolve() not in path.parents:
        raise StoredFileMissing(relative)
    try:
        return sm4_decrypt(_key(), path.read_bytes())
    except (OSError, ValueError) as exc:
        raise StoredFileMissing(relative) from exc
