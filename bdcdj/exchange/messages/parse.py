"""Safe parsing of access messages and receipts.

Input comes from other nodes, so the parser trusts nothing: no DTD is loaded, no entity is
resolved, nothing is fetched from the network, huge trees are refused, and a document that
declares a DOCTYPE at all (the carrier of XXE and "billion laughs") is rejected before lxml sees
it. Every refusal is a `MessageError` (an InvalidInput) with a Chinese message — never a crash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from bdcdj.core.errors import InvalidInput

MAX_BYTES = 10 * 1024 * 1024
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class MessageError(InvalidInput):
    """A message that cannot be read: too large, DOCTYPE/entities, not well-formed, wrong shape."""


@dataclass(frozen=True)
class ParsedMessage:
    head: dict[str, str]
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(xml: bytes, *, max_bytes: int = MAX_BYTES) -> etree._Element:
    """The root element of a safe, well-formed document; MessageError otherwise."""
    if not isinstance(xml, bytes | bytearray):
        raise MessageError(code="message_not_bytes", message="报文应为 UTF-8 编码的字节串")
    if len(xml) > max_bytes:
        raise MessageError(
            code="message_too_large", message=f"报文过大（{len(xml)} 字节，上限 {max_bytes} 字节）"
        )
    if not xml.strip():
        raise MessageError(code="message_empty", message="报文为空")
    if _DOCTYPE.search(xml):
        raise MessageError(code="message_doctype", message="报文不得包含 DOCTYPE 或实体声明")
    try:
        root = etree.fromstring(bytes(xml), parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise MessageError(code="message_malformed", message=f"报文不是格式正确的 XML：{exc.msg}") from exc
    if root is None:
        raise MessageError(code="message_malformed", message="报文不是格式正确的 XML")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise MessageError(code="message_doctype", message="报文不得包含 DOCTYPE 或实体声明")
    return root


def parse_message(*, xml: bytes, max_bytes: int = MAX_BYTES) -> ParsedMessage:
    """Head values (element → text) and rows (table → list of attribute dicts) of a message."""
    root = parse_xml(xml, max_bytes=max_bytes)
    if root.tag != "Message":
        raise MessageError(code="message_shape", message=f"报文根元素应为 Message，实际为 {root.tag}")
    head_el, data_el = root.find("Head"), root.find("Data")
    if head_el is None or data_el is None:
        raise MessageError(code="message_shape", message="报文应包含 Head 和 Data 两部分")
    head = {str(child.tag): (child.text or "").strip() for child in head_el if isinstance(child.tag, str)}
    rows: dict[str, list[dict[str, str]]] = {}
    for child in data_el:
        if isinstance(child.tag, str):
            rows.setdefault(str(child.tag), []).append({str(k): str(v) for k, v in child.attrib.items()})
    return ParsedMessage(head=head, rows=rows)


@dataclass(frozen=True)
class Receipt:
    """The upper node's answer `<Rep>`: SuccessFlag 1 成功, 2 失败."""

    biz_msg_id: str
    success_flag: str
    response_code: str
    response_info: str

    @property
    def accepted(self) -> bool:
        return self.success_flag == "1"


def parse_receipt(*, xml: bytes, max_bytes: int = 1024 * 1024) -> Receipt:
    root = parse_xml(xml, max_bytes=max_bytes)
    if root.tag not in {"Rep", "respond"}:
        raise MessageError(code="receipt_shape", message=f"回执根元素应为 Rep，实际为 {root.tag}")

    def text(name: str) -> str:
        found = root.find(name)
        return (found.text or "").strip() if found is not None else ""

    receipt = Receipt(
        biz_msg_id=text("BizMsgID"),
        success_flag=text("SuccessFlag"),
        response_code=text("ResponseCode"),
        response_info=text("ResponseInfo"),
    )
    if receipt.success_flag not in {"1", "2"}:
        raise MessageError(
            code="receipt_flag", message=f"回执 SuccessFlag 应为 1 或 2，实际为“{receipt.success_flag}”"
        )
    return receipt
