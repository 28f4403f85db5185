"""Access messages (接入报文): building, safe parsing and validation. The receiving side uses
`parse_message`, `validate_message` and `schema_for` from here."""

from bdcdj.exchange.messages.build import MessageContent, build_xml, with_biz_msg_id
from bdcdj.exchange.messages.parse import (
    MAX_BYTES,
    MessageError,
    ParsedMessage,
    Receipt,
    parse_message,
    parse_receipt,
)
from bdcdj.exchange.messages.validate import schema_for, validate_message

__all__ = [
    "MAX_BYTES",
    "MessageContent",
    "MessageError",
    "ParsedMessage",
    "Receipt",
    "build_xml",
    "parse_message",
    "parse_receipt",
    "schema_for",
    "validate_message",
    "with_biz_msg_id",
]
