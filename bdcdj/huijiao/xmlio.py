"""The XML of one 汇交 table file, written and read as a stream.

A file holds one table, in the access-message layout (reference §4.2): `<Data AreaCode=…
Table=…>` with one attribute-only element per row, named by the table code, whose attributes are
the field codes. Values are formatted as access messages format them
(`exchange.messages.build.format_value`: local xs:dateTime, plain decimals, 是否 as 1/0); empty
values are left out. Writing goes through lxml's incremental writer and reading through a
hardened `iterparse` (no DTD, no entities, no network) with the table's XSD, one row at a time,
so neither side holds a table in memory.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from lxml import etree

from bdcdj.exchange.messages.build import format_value
from bdcdj.huijiao.tables import fields_of
from bdcdj.huijiao.xsd import schema_for

ROOT = "Data"


class TableFileError(Exception):
    """A table file that is not well-formed or not valid; `.message` is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TableWriter:
    """Rows of one table into one file, element by element."""

    def __init__(self, path: Path, *, table: str, region_code: str, version: str) -> None:
        self.path = path
        self.table = table
        self.count = 0
        self._fields = fields_of(table, version)
        self._stack = contextlib.ExitStack()
        writer = self._stack.enter_context(etree.xmlfile(str(path), encoding="UTF-8"))
        writer.write_declaration()
        self._stack.enter_context(writer.element(ROOT, {"AreaCode": region_code, "Table": table}))
        self._writer = writer

    def write(self, row: dict[str, Any]) -> dict[str, str]:
        """Write one row; returns the attributes written (field code → text)."""
        codes = self._fields if self._fields is not None else tuple(row)
        attributes = {}
        for code in codes:
            text = format_value(row.get(code))
            if text:
                attributes[code] = text
        self._writer.write("\n")
        self._writer.write(etree.Element(self.table, attributes))
        self.count += 1
        return attributes

    def close(self) -> None:
        self._writer.write("\n")
        self._stack.close()


def read_rows(stream: IO[bytes], *, table: str, region_code: str) -> Iterator[dict[str, str]]:
    """The rows of a table file as field code → text, validated against the table's XSD while
    parsing. TableFileError names the line of the first problem."""
    parser = etree.iterparse(
        stream,
        events=("start", "end"),
        schema=schema_for(table),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )
    depth = 0
    try:
        for event, element in parser:
            if event == "start":
                depth += 1
                if depth == 1 and element.getroottree().docinfo.doctype:
                    raise TableFileError(f"{table}.xml 含 DOCTYPE 声明，已拒绝")
                if depth == 1 and (element.get("AreaCode") != region_code or element.get("Table") != table):
                    raise TableFileError(f"{table}.xml 的区划或表名与清单不符")
                continue
            depth -= 1
            if depth == 1:
                yield dict(element.attrib)
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        raise TableFileError(f"{table}.xml 不符合表结构：{_reason(exc)}") from exc


def _reason(exc: etree.XMLSyntaxError) -> str:
    line = getattr(exc, "lineno", None) or (exc.position[0] if getattr(exc, "position", None) else 0)
    message = str(exc.msg if hasattr(exc, "msg") else exc)[:200]
    return f"第{line}行：{message}" if line else message
