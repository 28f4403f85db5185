"""The check kinds, one function per kind; `CHECKS` maps a catalogue `kind` to its function."""

from bdcdj.quality.checks import codes, fields, relations, shapes
from bdcdj.quality.checks.base import Check, Hit, Scope

CHECKS: dict[str, Check] = {**fields.CHECKS, **codes.CHECKS, **relations.CHECKS, **shapes.CHECKS}

__all__ = ["CHECKS", "Check", "Hit", "Scope"]
