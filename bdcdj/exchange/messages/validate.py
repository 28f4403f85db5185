"""Validation of access messages against the committed XSD of their RecType, with the errors
in Chinese (table and field named as the field spec names them), plus the checks XSD 1.0
cannot express here (the main table must be present)."""

from __future__ import annotations

import re
from functools import cache

from django.conf import settings
from lxml import etree

from bdcdj.core.errors import NotFound
from bdcdj.exchange.messages.parse import MessageError, parse_xml
from bdcdj.exchange.xsd.generator import spec_for_element, xsd_path
from bdcdj.standards.catalogues import rectype_table

HEAD_NAMES = {
    "BizMsgID": "业务报文ID",
    "ASID": "接入标准ID",
    "AreaCode": "行政区划",
    "RecType": "业务编码",
    "RightType": "权利类型",
    "RegType": "登记类型",
    "CreateDate": "登簿时间",
    "RecFlowID": "业务流水号",
    "RegOrgID": "登记机构",
    "ParcelID": "宗地/宗海代码",
    "EstateNum": "不动产单元号",
    "PreEstateNum": "上一手不动产单元号",
    "CertCount": "证书数量",
    "ProofCount": "证明数量",
    "PreCertID": "上一手证号",
    "DigitalSign": "数字签名",
}
_ELEMENT_ATTR = re.compile(r"^Element '(?P<el>[^']+)'(?:, attribute '(?P<attr>[^']+)')?: (?P<rest>.*)$", re.S)


def node_scheme() -> str:
    return str(getattr(settings, "BDCDJ_RECTYPE_SCHEME", "revised"))


def scheme_of(rectype: str, scheme: str | None = None) -> str:
    """The scheme a RecType is read in: the given one, else the node's, else the other one."""
    candidates = (
        [scheme] if scheme else [node_scheme(), *(s for s in ("revised", "2015") if s != node_scheme())]
    )
    for candidate in candidates:
        if (candidate, rectype) in rectype_table():
            return candidate
    message = f"业务编码 {rectype} 不在业务编码表中"
    raise NotFound(code="unknown_rectype", message=message, fields={"RecType": message})


@cache
def _schema(scheme: str, rectype: str) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(xsd_path(scheme=scheme, rectype=rectype)), parser))


def schema_for(rectype: str, scheme: str | None = None) -> etree.XMLSchema:
    """The compiled XSD of a RecType (cached per process). NotFound for an unknown code."""
    return _schema(scheme_of(rectype, scheme), rectype)


def _field_label(element: str, attribute: str | None) -> str:
    spec = spec_for_element(element)
    table = f"{spec.name}（{element}）" if spec else element
    if element in HEAD_NAMES:
        table = f"报文头{HEAD_NAMES[element]}（{element}）"
    if not attribute:
        return table
    field = spec.fields.get(attribute) if spec else None
    return f"{table}的{field.name}（{attribute}）" if field else f"{table}的 {attribute}"


def translate(error: str) -> str | None:
    """A libxml2 schema error in Chinese; None for an echo of an error already reported."""
    match = _ELEMENT_ATTR.match(error.strip())
    if not match:
        return f"报文不符合 XSD：{error.strip()}"
    element, attribute, rest = match["el"], match["attr"], match["rest"]
    where = _field_label(element, attribute)
    if "is required but missing" in rest:
        missing = re.search(r"attribute '([^']+)'", rest)
        return f"{_field_label(element, missing[1] if missing else None)}为必填项，不能为空"
    if "[facet 'enumeration']" in rest:
        value = re.search(r"The value '([^']*)'", rest)
        return f"{where}的值“{value[1] if value else ''}”不在字典中"
    if "[facet 'pattern']" in rest:
        value = re.search(r"The value '([^']*)'", rest)
        return f"{where}的值“{value[1] if value else ''}”格式不正确"
    if "[facet 'maxLength']" in rest or "[facet 'minLength']" in rest:
        return f"{where}的长度不符合要求"
    if "[facet 'minExclusive']" in rest:
        return f"{where}应大于 0"
    if "[facet 'minInclusive']" in rest:
        return f"{where}不能小于 0"
    if "is not a valid value of the atomic type" in rest:
        if re.search(
            r"atomic type '(dict_|code_|BizMsgID|ASID|AreaCode|RecType|ParcelID|Estate|Digital)", rest
        ):
            return None  # echo of the facet error just reported
        value = re.search(r"^'([^']*)'", rest)
        kind = (
            "日期时间" if "dateTime" in rest else "数值" if ("decimal" in rest or "integer" in rest) else "值"
        )
        return f"{where}的值“{value[1] if value else ''}”不是有效的{kind}"
    if "is not allowed" in rest:
        return f"{where}不是该表的字段"
    if "This element is not expected" in rest:
        return f"不应出现{where}（不属于该业务编码的报文结构）"
    if "Missing child element" in rest:
        expected = re.search(r"Expected is \(?\s*([^).]+)", rest)
        names = expected[1].strip() if expected else ""
        return f"{where}缺少元素：{names}"
    return f"{where}：{rest}"


def validate_message(*, xml: bytes, scheme: str | None = None) -> list[str]:
    """Chinese errors of a message (empty list: valid). Unreadable input gives one error."""
    try:
        root = parse_xml(xml)
    except MessageError as exc:
        return [exc.message]
    rectype_el = root.find("Head/RecType")
    rectype = (rectype_el.text or "").strip() if rectype_el is not None else ""
    if not rectype:
        return ["报文头缺少业务编码（RecType）"]
    try:
        used = scheme_of(rectype, scheme)
        schema = schema_for(rectype, used)
    except NotFound as exc:
        return [exc.message]
    errors: list[str] = []
    if not schema.validate(root):
        for entry in schema.error_log:
            text = translate(entry.message)
            if text and text not in errors:
                errors.append(text)
    main = rectype_table()[(used, rectype)].main_table
    if root.find(f"Data/{main}") is None:
        spec = spec_for_element(main)
        errors.append(f"缺少主表{spec.name if spec else ''}（{main}）的数据")
    return errors
