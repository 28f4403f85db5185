"""The receipt (响应报文) answered for every delivery, and the ResponseCode list (docs/hub.md)."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

SUCCESS = "1"
FAILURE = "2"
INFO_MAX = 4000


class Code:
    OK = "0000"  # 成功
    FORMAT = "1001"  # 报文格式错误（含 DOCTYPE/实体、缺少 BizMsgID）
    SCHEMA = "1002"  # XSD校验失败
    SIGNATURE = "1003"  # 签名无效
    QUALITY = "1004"  # 数据质检不通过
    UNAUTHORIZED = "1005"  # 节点未授权
    TOO_LARGE = "1006"  # 报文过大
    AREA = "1007"  # 区划不符
    ID_CONFLICT = "1008"  # 业务报文ID已被其他节点使用
    MEDIA_TYPE = "1009"  # Content-Type 不是 application/xml
    NOT_STORED = "1010"  # 暂时无法保存（批量中的一条；未保存任何内容，请重发）


@dataclass(frozen=True)
class Receipt:
    biz_msg_id: str
    success_flag: str
    response_code: str
    response_info: str
    http_status: int = 200

    @property
    def ok(self) -> bool:
        return self.success_flag == SUCCESS

    @classmethod
    def failure(cls, *, code: str, info: str, http_status: int, biz_msg_id: str = "") -> Receipt:
        return cls(biz_msg_id, FAILURE, code, info[:INFO_MAX], http_status)

    def to_xml(self) -> bytes:
        root = etree.Element("Rep")
        for tag, value in (
            ("BizMsgID", self.biz_msg_id),
            ("SuccessFlag", self.success_flag),
            ("ResponseCode", self.response_code),
            ("ResponseInfo", self.response_info),
        ):
            etree.SubElement(root, tag).text = value
        return bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=True))


class Refusal(Exception):
    """A delivery refused before anything was stored; carries the receipt to answer."""

    def __init__(self, receipt: Receipt) -> None:
        super().__init__(receipt.response_info)
        self.receipt = receipt
