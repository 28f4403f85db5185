"""Typed domain errors. Services raise these; one handler maps them to HTTP and pages show them.

Every error carries a stable machine `code`, a Chinese `message` for people, and optional
per-field messages (`fields`), so the UI can put each message next to its input.
"""

from collections.abc import Mapping


class DomainError(Exception):
    status_code = 400

    def __init__(self, *, code: str, message: str, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields: dict[str, str] = dict(fields or {})

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class InvalidInput(DomainError):
    status_code = 400


class Forbidden(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


def invalid_fields(fields: Mapping[str, str], *, code: str = "invalid_input") -> InvalidInput:
    """One InvalidInput for several bad fields; the message lists them so a log line is readable."""
    summary = "；".join(f"{name}：{msg}" for name, msg in fields.items())
    return InvalidInput(code=code, message=f"输入有误：{summary}", fields=fields)
