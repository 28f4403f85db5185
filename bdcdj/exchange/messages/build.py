"""Serialising a message: `<Message><Head>…</Head><Data>…</Data></Message>`, UTF-8, rows as
attribute-only elements named by table, attributes named by field code (reference §4.2).

Values: datetimes as local `xs:dateTime` without offset (`2026-03-02T10:15:00`), dates as
midnight, decimals in plain notation, booleans as the 是否 codes 1/0; None and "" are left
out (an absent required attribute is then reported by the XSD, not sent as an empty string).
The Head's DigitalSign is written empty (`<DigitalSign></DigitalSign>`): see `signing`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from lxml import etree

from bdcdj.exchange.messages.head import HEAD_ORDER


@dataclass
class MessageContent:
    """What one message carries, before serialisation. `rows` keys are element names."""

    head: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    table_order: tuple[str, ...] = ()


def format_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0).isoformat()
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time()).isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()


def _ordered(rows: Mapping[str, list[dict[str, Any]]], order: Iterable[str]) -> list[str]:
    order = list(order)
    return [t for t in order if t in rows] + sorted(t for t in rows if t not in order)


def build_xml(content: MessageContent) -> bytes:
    """The message bytes (declaration included, DigitalSign empty)."""
    root = etree.Element("Message")
    head = etree.SubElement(root, "Head")
    for name in HEAD_ORDER:
        if name == "DigitalSign":
            etree.SubElement(head, name).text = ""
            continue
        text = format_value(content.head.get(name))
        if text:
            etree.SubElement(head, name).text = text
    data = etree.SubElement(root, "Data")
    for table in _ordered(content.rows, content.table_order):
        for row in content.rows[table]:
            element = etree.SubElement(data, table)
            for code, raw in row.items():
                text = format_value(raw)
                if text:
                    element.set(code, text)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def with_biz_msg_id(xml: bytes, biz_msg_id: str) -> bytes:
    """The same message under another BizMsgID, its signature blanked (to be signed again)."""
    from bdcdj.exchange.messages.parse import MessageError, parse_xml

    root = parse_xml(xml)
    head = root.find("Head")
    if head is None:
        raise MessageError(code="message_shape", message="报文缺少 Head")
    for name, text in (("BizMsgID", biz_msg_id), ("DigitalSign", "")):
        element = head.find(name)
        if element is None:
            element = etree.SubElement(head, name)
        element.text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
