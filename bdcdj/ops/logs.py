"""Structured logs: a JSON-lines formatter (`BDCDJ_LOG_FORMAT=json`), the request id carried
into every record, and a redaction filter so secrets and personal data never reach a log.

The redaction works on the rendered message and on extra fields: keys that name secrets
(password, token, key, secret, authorization, cookie, session) lose their values; ID-card
numbers, unified social credit codes, mobile numbers and bearer tokens in free text are masked.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from contextvars import ContextVar
from typing import Any

request_id_var: ContextVar[str] = ContextVar("bdcdj_request_id", default="")

SECRET_KEY_NAMES = re.compile(
    r"pass(word|wd)?|secret|token|api[_-]?key|private|authorization|cookie|session|pii", re.I
)
# (pattern, replacement) applied to free text in order.
TEXT_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?i)\b(bearer|token)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 [已隐去]"),
    (
        re.compile(
            r"(?i)((?:password|passwd|secret|token|api[_-]?key|sessionid|csrftoken)[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,;]+"
        ),
        r"\1[已隐去]",
    ),
    # Resident ID numbers: 18 characters with a birth date (19xx/20xx) inside, or the old 15-digit
    # form; the date keeps message ids (BizMsgID, also 18 digits) readable.
    (
        re.compile(
            r"(?<![0-9A-Za-z])(\d{4})\d{2}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(\d{3}[0-9Xx])(?![0-9A-Za-z])"
        ),
        r"\1**********\2",
    ),
    (
        re.compile(
            r"(?<![0-9A-Za-z])(\d{4})\d{4}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(\d{3})(?![0-9A-Za-z])"
        ),
        r"\1********\2",
    ),
    # Mainland mobile numbers.
    (re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)"), r"\1****\2"),
]
RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}


def redact_text(text: str) -> str:
    for pattern, replacement in TEXT_RULES:
        text = pattern.sub(replacement, text)
    return text


def redact_value(key: str, value: Any) -> Any:
    if SECRET_KEY_NAMES.search(key):
        return "[已隐去]"
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {str(k): redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(key, v) for v in value]
    return value


class RedactFilter(logging.Filter):
    """Renders the message once, masks it, and masks extra fields; attach to every handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg, record.args = redact_text(message), None
        for key, value in list(vars(record).items()):
            if key not in RESERVED:
                setattr(record, key, redact_value(key, value))
        if record.exc_info and not record.exc_text:
            record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        return True


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts (UTC, ISO 8601), level, logger, msg, request_id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "") or request_id_var.get()
        if request_id:
            data["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in RESERVED and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            data["exc"] = record.exc_text
        return json.dumps(data, ensure_ascii=False, default=str)


def logging_config(*, fmt: str, level: str) -> dict[str, Any]:
    """The LOGGING dict of settings: `fmt` is "json" or "plain"."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "redact": {"()": "bdcdj.ops.logs.RedactFilter"},
            "request_id": {"()": "bdcdj.ops.logs.RequestIdFilter"},
        },
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {"()": "bdcdj.ops.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if fmt == "json" else "plain",
                "filters": ["request_id", "redact"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }
