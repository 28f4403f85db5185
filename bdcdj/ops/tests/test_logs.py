"""Structured logs: JSON lines with the request id, and no secret or personal datum in any
record — message, extra fields or traceback."""

import io
import json
import logging
import logging.config

import pytest

from bdcdj.ops.logs import JsonFormatter, RedactFilter, RequestIdFilter, logging_config, request_id_var

ID_NUMBER = "34012119900101123X"
MOBILE = "13812345678"


@pytest.fixture
def stream() -> io.StringIO:
    """A logger configured exactly as settings.LOGGING does with BDCDJ_LOG_FORMAT=json."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactFilter())
    logger = logging.getLogger("bdcdj.test.ops")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield out
    logger.removeHandler(handler)


def lines(out: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_json_lines_carry_level_logger_message_and_request_id(stream):
    token = request_id_var.set("req-0001-abcd")
    try:
        logging.getLogger("bdcdj.test.ops").info("登簿完成 %s 件", 3, extra={"region": "340121"})
    finally:
        request_id_var.reset(token)
    [line] = lines(stream)
    assert line["level"] == "INFO" and line["logger"] == "bdcdj.test.ops"
    assert line["msg"] == "登簿完成 3 件" and line["request_id"] == "req-0001-abcd"
    assert line["region"] == "340121" and line["ts"].endswith("+00:00")


def test_secrets_and_personal_data_are_redacted_from_messages_extras_and_tracebacks(stream):
    log = logging.getLogger("bdcdj.test.ops")
    log.info("核验 %s 手机 %s", ID_NUMBER, MOBILE)
    log.warning(
        "login failed password=Hunter2Secret! token=abcdef0123456789 header Bearer eyJhbGciOiJSUzI1NiJ9.x"
    )
    log.info("call", extra={"api_key": "k-123456", "payload": {"password": "p@ss", "id": ID_NUMBER}, "ok": 1})
    try:
        raise ValueError(f"bad id {ID_NUMBER} secret=topsecretvalue")
    except ValueError:
        log.exception("failed")
    text = stream.getvalue()
    for secret in (
        ID_NUMBER,
        MOBILE,
        "Hunter2Secret!",
        "abcdef0123456789",
        "eyJhbGciOiJSUzI1NiJ9",
        "k-123456",
        "p@ss",
        "topsecretvalue",
    ):
        assert secret not in text, secret
    first, second, third, fourth = lines(stream)
    assert first["msg"] == "核验 3401**********123X 手机 138****5678"
    assert "password=[已隐去]" in second["msg"] and "Bearer [已隐去]" in second["msg"]
    assert third["api_key"] == "[已隐去]" and third["payload"] == {
        "password": "[已隐去]",
        "id": "3401**********123X",
    }
    assert third["ok"] == 1
    assert "ValueError" in fourth["exc"] and "3401**********123X" in fourth["exc"]


def test_settings_select_the_json_formatter_with_both_filters():
    config = logging_config(fmt="json", level="INFO")
    handler = config["handlers"]["console"]
    assert handler["formatter"] == "json" and handler["filters"] == ["request_id", "redact"]
    assert logging_config(fmt="plain", level="INFO")["handlers"]["console"]["formatter"] == "plain"


@pytest.mark.django_db
def test_the_request_log_line_has_the_response_request_id(client):
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactFilter())
    logger = logging.getLogger("bdcdj.request")
    logger.addHandler(handler)
    try:
        response = client.get(f"/query/?q={ID_NUMBER}")
    finally:
        logger.removeHandler(handler)
    [line] = [json.loads(x) for x in out.getvalue().splitlines()]
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["status"] == response.status_code and line["route"] == "query/"
    assert ID_NUMBER not in out.getvalue()  # the query string is never logged
