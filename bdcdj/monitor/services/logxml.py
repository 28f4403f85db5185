"""The 登簿日志 XML (standards §4.7) — the only place that speaks its element and attribute
names — and its safe parsing on the receiving side.

Counters map to 登记类型 (DJLX): firstReg 100, transferReg 200, changeReg 300, logoutReg 400,
riviseReg (sic) 500, dissentingReg 600, advanceReg 700, seizeReg 800, otherReg 900; internal
codes such as 901/902 fold into 900. `totalNum` is their sum and `businessTypeCount` the number
of non-zero counters.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

from bdcdj.exchange.messages.parse import MessageError, parse_xml

COUNTERS: tuple[tuple[str, str], ...] = (
    ("firstReg", "100"),
    ("transferReg", "200"),
    ("changeReg", "300"),
    ("logoutReg", "400"),
    ("riviseReg", "500"),
    ("dissentingReg", "600"),
    ("advanceReg", "700"),
    ("seizeReg", "800"),
    ("otherReg", "900"),
)
REGISTRATION_TYPES = tuple(code for _, code in COUNTERS)
MAX_LOG_BYTES = 20 * 1024 * 1024
_DATE = re.compile(r"^\d{8}$")
_AREA = re.compile(r"^\d{6}$")


def registration_bucket(code: str) -> str:
    """The DJLX counter a registration type falls into (100…900)."""
    code = (code or "").strip()
    if len(code) >= 1 and code[0] in "12345678" and (len(code) == 1 or code[1:3] == "00"):
        return code[0] + "00"
    return "900"


@dataclass(frozen=True)
class RegisterItem:
    """One 登簿 business of the day (RegisterList/Register)."""

    business_number: str  # YWH
    registration_type: str  # DJLX
    right_type: str  # QLLX
    unit_code: str  # BDCDYH
    certificates: str  # ZSZMH, comma-joined
    reported: bool  # SFSB
    biz_msg_id: str  # BWID


@dataclass(frozen=True)
class AccessItem:
    """One message sent that day that reached the platform (AccessList/Access)."""

    business_number: str
    unit_code: str
    biz_msg_id: str
    registration_type: str = ""


@dataclass
class DailyLogContent:
    area_code: str
    area_name: str
    day: dt.date
    registered: list[RegisterItem] = field(default_factory=list)
    accessed: list[AccessItem] = field(default_factory=list)
    remark: str = ""
    access_info: dict[str, int] = field(default_factory=dict)  # AccessInfo as read from a received log


def counters(codes: Iterable[str]) -> dict[str, int]:
    """DJLX bucket → count, every bucket present."""
    counted = Counter(registration_bucket(code) for code in codes)
    return {code: counted.get(code, 0) for code in REGISTRATION_TYPES}


def _info(parent: etree._Element, tag: str, counts: dict[str, int]) -> None:
    attrs = {"totalNum": str(sum(counts.values()))}
    attrs.update({name: str(counts[code]) for name, code in COUNTERS})
    attrs["businessTypeCount"] = str(sum(1 for value in counts.values() if value))
    etree.SubElement(parent, tag, attrs)


def render(content: DailyLogContent) -> bytes:
    root = etree.Element("AccessLogs")
    log = etree.SubElement(root, "AccessLog")
    etree.SubElement(log, "AreaCode").text = content.area_code
    etree.SubElement(log, "AreaName").text = content.area_name
    etree.SubElement(log, "AccessDate").text = content.day.strftime("%Y%m%d")
    etree.SubElement(log, "Remark").text = content.remark
    _info(log, "RegisterInfo", counters(item.registration_type for item in content.registered))
    _info(log, "AccessInfo", counters(item.registration_type for item in content.accessed))
    register_list = etree.SubElement(log, "RegisterList", totalNum=str(len(content.registered)))
    for item in content.registered:
        etree.SubElement(
            register_list,
            "Register",
            {
                "YWH": item.business_number,
                "DJLX": item.registration_type,
                "QLLX": item.right_type,
                "BDCDYH": item.unit_code,
                "ZSZMH": item.certificates,
                "SFSB": "1" if item.reported else "0",
                "BWID": item.biz_msg_id,
            },
        )
    access_list = etree.SubElement(log, "AccessList", totalNum=str(len(content.accessed)))
    for access in content.accessed:
        etree.SubElement(
            access_list,
            "Access",
            {"YWH": access.business_number, "BDCDYH": access.unit_code, "BWID": access.biz_msg_id},
        )
    return bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True))


@dataclass(frozen=True)
class ResendItem:
    """One 登簿未接入 item the upper node sends back for 补报 (our extension of `RespondLog`:
    `<ResendList totalNum><Resend AccessDate YWH BDCDYH BWID DJLX Reason/></ResendList>`)."""

    day: dt.date | None
    business_number: str
    unit_code: str
    biz_msg_id: str
    registration_type: str
    reason: str


def render_resend_list(parent: etree._Element, items: Iterable[ResendItem]) -> None:
    rows = list(items)
    element = etree.SubElement(parent, "ResendList", totalNum=str(len(rows)))
    for item in rows:
        etree.SubElement(
            element,
            "Resend",
            {
                "AccessDate": item.day.strftime("%Y%m%d") if item.day else "",
                "YWH": item.business_number,
                "BDCDYH": item.unit_code,
                "BWID": item.biz_msg_id,
                "DJLX": item.registration_type,
                "Reason": item.reason,
            },
        )


def parse_resend_list(root: etree._Element) -> list[ResendItem]:
    """The `ResendList` of a received `RespondLog` (none: empty list). Rows without 业务号 are
    skipped; values are cut to the lengths the county stores."""
    element = root.find("ResendList")
    if element is None:
        return []
    items = []
    for row in element:
        if row.tag != "Resend" or not (row.get("YWH") or "").strip():
            continue
        raw_day = (row.get("AccessDate") or "").strip()
        try:
            day = dt.datetime.strptime(raw_day, "%Y%m%d").date() if _DATE.match(raw_day) else None
        except ValueError:
            day = None
        items.append(
            ResendItem(
                day=day,
                business_number=(row.get("YWH") or "").strip()[:64],
                unit_code=(row.get("BDCDYH") or "").strip()[:40],
                biz_msg_id=(row.get("BWID") or "").strip()[:40],
                registration_type=(row.get("DJLX") or "").strip()[:4],
                reason=(row.get("Reason") or "").strip()[:200],
            )
        )
    return items


class LogFormatError(MessageError):
    """A received 登簿日志 that cannot be read or does not have the §4.7 layout."""


def _fail(message: str) -> LogFormatError:
    return LogFormatError(code="daily_log_format", message=message)


def _count(element: etree._Element | None, name: str) -> dict[str, int]:
    if element is None:
        raise _fail(f"缺少 {name}")
    result: dict[str, int] = {}
    for attr, code in COUNTERS:
        raw = element.get(attr, "0").strip() or "0"
        if not raw.isdigit() or len(raw) > 9:
            raise _fail(f"{name} 的 {attr} 应为非负整数")
        result[code] = int(raw)
    return result


def _list(element: etree._Element | None, name: str, child: str) -> list[dict[str, str]]:
    if element is None:
        return []
    rows = [{str(k): str(v).strip() for k, v in el.attrib.items()} for el in element if el.tag == child]
    declared = element.get("totalNum")
    if declared is not None and declared.strip() != str(len(rows)):
        raise _fail(f"{name} 的 totalNum（{declared}）与实际条数（{len(rows)}）不一致")
    return rows


def parse(xml: bytes, *, max_bytes: int = MAX_LOG_BYTES) -> DailyLogContent:
    """Read a received log; LogFormatError (InvalidInput, Chinese message) for anything amiss.

    The hardened parser refuses DOCTYPE/entities, network access and huge trees."""
    try:
        root = parse_xml(xml, max_bytes=max_bytes)
    except MessageError as exc:
        raise _fail(exc.message.replace("报文", "日志")) from exc
    if root.tag != "AccessLogs":
        raise _fail(f"根元素应为 AccessLogs，实际为 {root.tag}")
    logs = [el for el in root if el.tag == "AccessLog"]
    if len(logs) != 1:
        raise _fail("AccessLogs 应包含且只包含一个 AccessLog")
    log = logs[0]
    area = (log.findtext("AreaCode") or "").strip()
    if not _AREA.match(area):
        raise _fail("AreaCode 应为6位行政区划代码")
    raw_day = (log.findtext("AccessDate") or "").strip()
    try:
        if not _DATE.match(raw_day):
            raise ValueError(raw_day)
        day = dt.datetime.strptime(raw_day, "%Y%m%d").date()
    except ValueError as exc:
        raise _fail("AccessDate 应为 yyyyMMdd 格式的日期") from exc
    register_counts = _count(log.find("RegisterInfo"), "RegisterInfo")
    access_info = _count(log.find("AccessInfo"), "AccessInfo")
    registers = _list(log.find("RegisterList"), "RegisterList", "Register")
    accesses = _list(log.find("AccessList"), "AccessList", "Access")
    if sum(register_counts.values()) != len(registers):
        raise _fail("RegisterInfo 的登簿量与 RegisterList 条数不一致")
    return DailyLogContent(
        area_code=area,
        area_name=(log.findtext("AreaName") or "").strip(),
        day=day,
        remark=(log.findtext("Remark") or "").strip(),
        access_info=access_info,
        registered=[
            RegisterItem(
                business_number=r.get("YWH", "")[:64],
                registration_type=r.get("DJLX", "")[:4],
                right_type=r.get("QLLX", "")[:4],
                unit_code=r.get("BDCDYH", "")[:40],
                certificates=r.get("ZSZMH", ""),
                reported=r.get("SFSB", "") == "1",
                biz_msg_id=r.get("BWID", "")[:40],
            )
            for r in registers
        ],
        accessed=[
            AccessItem(
                business_number=a.get("YWH", "")[:64],
                unit_code=a.get("BDCDYH", "")[:40],
                biz_msg_id=a.get("BWID", "")[:40],
            )
            for a in accesses
        ],
    )
