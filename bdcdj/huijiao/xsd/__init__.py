"""One XSD per 汇交 table file (`xsd/<TABLE>.xsd`), generated from the field spec
(`huijiao.tables`) by `manage.py huijiao_build_xsds`; a test keeps the files in step.

The schema is structural: the root `Data` with its `AreaCode` and `Table`, rows named by the
table, only the spec's field codes as attributes (of either layout), and the lexical type of
each value (xs:decimal, xs:integer, xs:dateTime, base64 for files). Completeness, dictionary
codes, value ranges and code formats are the quality catalogue's job: the upper node reports
them per row in the QC report instead of refusing the whole package for one bad value.
Tables without a spec accept any attributes.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from xml.sax.saxutils import quoteattr

from lxml import etree

from bdcdj.huijiao.tables import TABLE_ORDER, spec_for

XSD_DIR = Path(__file__).resolve().parent
TYPES = {"number": "xs:decimal", "int": "xs:integer", "date": "xs:dateTime", "blob": "xs:base64Binary"}


def xsd_path(table: str) -> Path:
    return XSD_DIR / f"{table}.xsd"


def xsd_text(table: str) -> str:
    """The schema of one table file, deterministic to the byte."""
    spec = spec_for(table)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<!-- 汇交表文件 {table}：由 manage.py huijiao_build_xsds 生成，勿手工修改 -->",
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">',
        '  <xs:element name="Data">',
        "    <xs:complexType>",
        "      <xs:sequence>",
        f'        <xs:element name="{table}" type="row" minOccurs="0" maxOccurs="unbounded"/>',
        "      </xs:sequence>",
        '      <xs:attribute name="AreaCode" use="required">',
        "        <xs:simpleType>",
        '          <xs:restriction base="xs:string"><xs:pattern value="\\d{6}"/></xs:restriction>',
        "        </xs:simpleType>",
        "      </xs:attribute>",
        f'      <xs:attribute name="Table" use="required" fixed="{table}" type="xs:string"/>',
        "    </xs:complexType>",
        "  </xs:element>",
        '  <xs:complexType name="row">',
    ]
    if spec is None:
        lines.append("    <!-- 字段规格未收录：接受任意字段 -->")
        lines.append('    <xs:anyAttribute processContents="skip"/>')
    else:
        lines.append(f"    <!-- {spec.name} -->")
        for field in spec.fields.values():
            kind = TYPES.get(field.type, "xs:string")
            lines.append(f"    <xs:attribute name={quoteattr(field.code)} type={quoteattr(kind)}/>")
    lines += ["  </xs:complexType>", "</xs:schema>"]
    return "\n".join(lines) + "\n"


def write_all() -> list[Path]:
    written = []
    for table in TABLE_ORDER:
        path = xsd_path(table)
        path.write_text(xsd_text(table), encoding="utf-8")
        written.append(path)
    return written


@cache
def schema_for(table: str) -> etree.XMLSchema:
    """The compiled schema of a table file (from the generated file)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(xsd_path(table)), parser))
