"""Helpers shared by the console's form readers."""

from __future__ import annotations

MAX_ROWS = 50


def clean(value: str | None, limit: int = 2000) -> str:
    """A posted text without NUL characters, trimmed and cut to `limit`."""
    return (value or "").replace("\x00", "").strip()[:limit]


def number(text: str | None, *, digits: int = 9) -> int | None:
    """A small non-negative integer typed or posted as text; None for anything else."""
    text = (text or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= digits:
        return int(text)
    return None
