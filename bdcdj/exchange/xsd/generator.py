"""XSD generation: one schema per RecType and scheme, from the field spec.

Sources, in this order: the quality app's table spec (`quality/rules/tables.csv`, appendix A of
the reference: right, party and unit tables), `business_tables.csv` next to this file (the
业务 tables DJT_DJ_SL, DJF_DJ_*, same columns) and `access_tables.csv` (appendix A tables only
the messages need so far: 逻辑幢 KTT_FW_LJZ, 层 KTT_FW_C, 宗海 KTT_ZHJBXX and the land, sea,
agricultural and forest right tables; the quality spec wins when it describes a table too).
Required flag Y → `use="required"`; C (required
under a condition a quality rule states) and N → optional. Dictionary fields enumerate the codes
of the standards dictionary of the layout's version (2015 scheme → 2015 dictionaries, revised →
2021). Numbers are xs:decimal / xs:integer with the spec's ＞0 / ≥0 bound, dates xs:dateTime,
known code fields carry patterns (28-character unit code, 19-character parcel code, 6-digit
area code, 10-digit 要素代码), text fields the 2015 database lengths we know.

Tables no spec describes (KTF_*, ZD_K_103, ZH_K_105, KTT_GZW …) get a row type that requires
YSDM and accepts other attributes unchecked; docs/exchange.md lists them.

Rows are attribute-only elements; `<Data>` is a repeatable choice of the RecType's tables, so
row order is free (XSD 1.0 `xs:all` cannot repeat an element). `<Head>` is an `xs:all`. That the
main table is present is checked by `validate_message`, which XSD 1.0 cannot express here.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from xml.sax.saxutils import quoteattr

from bdcdj.quality.rules import TABLES, TableSpec, load_tables
from bdcdj.standards.catalogues import RecType, dictionary_specs, rectype_table

XSD_DIR = Path(__file__).resolve().parent
SCHEMES = ("revised", "2015")
LAYOUT_OF_SCHEME = {"revised": "2021", "2015": "2015"}
# 2015 element names of tables the revision renamed (reference §4.9) → the spec's table code.
RENAMED_2015 = {"DJT_DJ_SLSQ": "DJT_DJ_SL", "DJF_DJ_SQR": "DJF_DJ_SQ"}

UNIT_CODE = r"\d{12}[GJZ][ABSXCDEFHGWYLN]\d{5}[FLQW]\d{8}"
PARCEL_CODE = r"\d{12}[GJZ][ABSXCDEFHGWYLN]\d{5}"
PATTERNS = {
    "BDCDYH": UNIT_CODE,
    "GYDBDCDYH": UNIT_CODE,
    "XYDBDCDYH": UNIT_CODE,
    "ZDDM": PARCEL_CODE,
    "ZHDM": PARCEL_CODE,
    "ZHHDDM": PARCEL_CODE,
    "QXDM": r"\d{6}",
    "YSDM": r"\d{10}",
}
# Maximum lengths of text fields (2015 database CHAR(n), reference appendix A).
LENGTHS = {
    "YWH": 50,
    "ZL": 200,
    "FDZL": 200,
    "DJJG": 200,
    "DBR": 50,
    "DJYY": 200,
    "ZJH": 50,
    "QLRZJH": 50,
    "YWRZJH": 50,
    "SLRY": 50,
    "SHRYXM": 50,
    "DBRYXM": 50,
    "JDMC": 50,
    "SJMC": 100,
    "FZRY": 50,
    "FZMC": 50,
    "GDRY": 50,
    "SHBW": 100,
}
HEAD_FIELDS: tuple[tuple[str, str, bool], ...] = (
    # (element, simple type, required)
    ("BizMsgID", "BizMsgIDType", True),
    ("ASID", "ASIDType", True),
    ("AreaCode", "AreaCodeType", True),
    ("RecType", "RecTypeType", True),
    ("RightType", "dict_QLLX", True),
    ("RegType", "dict_DJLX", True),
    ("CreateDate", "xs:dateTime", True),
    ("RecFlowID", "RecFlowIDType", True),
    ("RegOrgID", "RegOrgIDType", True),
    ("ParcelID", "ParcelIDType", True),
    ("EstateNum", "EstateNumType", True),
    ("PreEstateNum", "xs:string", False),
    ("CertCount", "xs:nonNegativeInteger", False),
    ("ProofCount", "xs:nonNegativeInteger", False),
    ("PreCertID", "xs:string", False),
    ("DigitalSign", "DigitalSignType", True),
)


@cache
def table_specs() -> dict[str, TableSpec]:
    """Every table the field spec describes: the quality spec plus the 业务 tables."""
    return {
        **load_tables(XSD_DIR / "access_tables.csv"),
        **TABLES,
        **load_tables(XSD_DIR / "business_tables.csv"),
    }


def spec_for_element(element: str) -> TableSpec | None:
    return table_specs().get(RENAMED_2015.get(element, element))


def xsd_path(*, scheme: str, rectype: str) -> Path:
    return XSD_DIR / scheme / f"{rectype}.xsd"


def _dictionary_codes(code: str, version: str) -> list[str]:
    for spec in dictionary_specs():
        if spec.code == code and spec.applies_to(version):
            return [item.code for item in spec.items_for(version)]
    return []


def _enumeration(name: str, codes: list[str]) -> list[str]:
    lines = [f'  <xs:simpleType name="{name}">', '    <xs:restriction base="xs:string">']
    lines += [f"      <xs:enumeration value={quoteattr(code)}/>" for code in codes]
    return [*lines, "    </xs:restriction>", "  </xs:simpleType>"]


def _pattern(name: str, pattern: str) -> list[str]:
    return [
        f'  <xs:simpleType name="{name}">',
        '    <xs:restriction base="xs:string">',
        f"      <xs:pattern value={quoteattr(pattern)}/>",
        "    </xs:restriction>",
        "  </xs:simpleType>",
    ]


def _attribute(table: TableSpec, field_code: str, version: str, dictionaries: set[str]) -> list[str]:
    field = table.fields[field_code]
    use = ' use="required"' if field.required == "Y" else ""
    head = f"      <xs:attribute name={quoteattr(field.code)}{use}"
    if field.dictionary and _dictionary_codes(field.dictionary, version):
        dictionaries.add(field.dictionary)
        return [f'{head} type="dict_{field.dictionary}"/>']
    if field.code in PATTERNS and field.type == "text":
        return [f'{head} type="code_{field.code}"/>']
    if field.type == "date":
        return [f'{head} type="xs:dateTime"/>']
    if field.type == "blob":
        return [f'{head} type="xs:base64Binary"/>']
    if field.type in {"number", "int"}:
        base = "xs:decimal" if field.type == "number" else "xs:integer"
        facet = {"gt0": "minExclusive", "ge0": "minInclusive"}.get(field.constraint)
        if not facet:
            return [f'{head} type="{base}"/>']
        return [
            f"{head}>",
            "        <xs:simpleType>",
            f'          <xs:restriction base="{base}"><xs:{facet} value="0"/></xs:restriction>',
            "        </xs:simpleType>",
            "      </xs:attribute>",
        ]
    if field.code in LENGTHS:
        return [
            f"{head}>",
            "        <xs:simpleType>",
            f'          <xs:restriction base="xs:string"><xs:maxLength value="{LENGTHS[field.code]}"/>'
            "</xs:restriction>",
            "        </xs:simpleType>",
            "      </xs:attribute>",
        ]
    return [f'{head} type="xs:string"/>']


def _row_type(element: str, version: str, dictionaries: set[str]) -> list[str]:
    spec = spec_for_element(element)
    lines = [f'  <xs:complexType name="row_{element}">']
    if spec is None:
        lines.append(f"    <!-- {element}: 字段规格未收录，只检查要素代码 -->")
        lines.append('    <xs:attribute name="YSDM" use="required" type="code_YSDM"/>')
        lines.append('    <xs:anyAttribute processContents="skip"/>')
        return [*lines, "  </xs:complexType>"]
    lines.append(f"    <!-- {spec.name} -->")
    for field in spec.fields_in(version):
        lines += [line[2:] for line in _attribute(spec, field.code, version, dictionaries)]
    return [*lines, "  </xs:complexType>"]


def xsd_text(*, scheme: str, rectype: str) -> str:
    """The schema of one RecType of one scheme, deterministic to the byte."""
    found: RecType = rectype_table()[(scheme, rectype)]
    version = LAYOUT_OF_SCHEME[scheme]
    dictionaries: set[str] = {"QLLX", "DJLX"}
    rows: list[str] = []
    for element in found.tables:
        rows += _row_type(element, version, dictionaries)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<!-- {found.rectype} {found.name}（{'2015版' if scheme == '2015' else '修订版'}业务编码）"
        "：由 manage.py build_xsds 生成，勿手工修改 -->",
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">',
        '  <xs:element name="Message">',
        "    <xs:complexType>",
        "      <xs:sequence>",
        '        <xs:element name="Head" type="HeadType"/>',
        '        <xs:element name="Data" type="DataType"/>',
        "      </xs:sequence>",
        "    </xs:complexType>",
        "  </xs:element>",
        '  <xs:complexType name="HeadType">',
        "    <xs:all>",
    ]
    for name, kind, required in HEAD_FIELDS:
        occurs = "" if required else ' minOccurs="0"'
        lines.append(f'      <xs:element name="{name}" type="{kind}"{occurs}/>')
    lines += ["    </xs:all>", "  </xs:complexType>", '  <xs:complexType name="DataType">']
    lines.append('    <xs:choice maxOccurs="unbounded">')
    lines += [f'      <xs:element name="{element}" type="row_{element}"/>' for element in found.tables]
    lines += ["    </xs:choice>", "  </xs:complexType>"]
    lines += rows
    lines += _pattern("BizMsgIDType", r"\d{18}(BBXZ|CBXZ|BL)?")
    lines += _enumeration("ASIDType", ["AS100"])
    lines += _pattern("AreaCodeType", r"\d{6}")
    lines += _enumeration("RecTypeType", [found.rectype])
    lines += _pattern("ParcelIDType", PARCEL_CODE)
    lines += _pattern("EstateNumType", UNIT_CODE)
    lines += _pattern("DigitalSignType", r"([0-9A-Fa-f]{128})?")
    lines += [
        '  <xs:simpleType name="RecFlowIDType">',
        '    <xs:restriction base="xs:string"><xs:minLength value="1"/><xs:maxLength value="50"/>'
        "</xs:restriction>",
        "  </xs:simpleType>",
        '  <xs:simpleType name="RegOrgIDType">',
        '    <xs:restriction base="xs:string"><xs:minLength value="1"/><xs:maxLength value="50"/>'
        "</xs:restriction>",
        "  </xs:simpleType>",
    ]
    for code, pattern in PATTERNS.items():
        lines += _pattern(f"code_{code}", pattern)
    for code in sorted(dictionaries):
        lines += _enumeration(f"dict_{code}", _dictionary_codes(code, version))
    lines.append("</xs:schema>")
    return "\n".join(lines) + "\n"


def all_rectypes() -> list[tuple[str, str]]:
    return sorted((scheme, rectype) for scheme, rectype in rectype_table() if scheme in SCHEMES)


def write_all() -> list[Path]:
    """Write every schema; returns the paths written."""
    written = []
    for scheme, rectype in all_rectypes():
        path = xsd_path(scheme=scheme, rectype=rectype)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(xsd_text(scheme=scheme, rectype=rectype), encoding="utf-8")
        written.append(path)
    return written
