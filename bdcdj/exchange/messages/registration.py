"""From a 登簿 to the content of its access message: the register rows of the quality adapter
(`quality.adapters.registration.rows_for_item`, the one mapping from the register to the
standard's fields) plus the message-only fields and the 业务 tables from the case.

What is read: the rights the 登簿 created (their parties decrypted in memory only, never
logged), their units, the case (受理, materials, opinions, certificates). Rows carry only the
fields of the spec for the scheme's layout; the XSD decides whether what is there is enough.
Filled later, not at 登簿 (docs/exchange.md): 发证 (DJF_DJ_FZ) and 归档 (DJF_DJ_GD) — a
re-send after 归档 carries them.

解封 and 异议注销 carry the row of the right they ended, in its own table with its 注销 fields
filled (JFYWH…, ZXYYYWH…). 注销 (QLF_QL_ZXDJ) has one row per right the 登簿 ended; no source
gives the table a 要素代码, so it carries the one of the cancelled right's table (6002010200
for a house, 6002030100 for a mortgage, 6002029900 for a 居住权…). 更正 (QLF_QL_GZDJ) has one
row per right the 登簿 wrote, with 6002010210 as GT uses.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bdcdj.accounts import pii
from bdcdj.cases.models import Case
from bdcdj.cases.services.applications import PartyInput, party_clear
from bdcdj.cases.workflows import business_type_get
from bdcdj.core.errors import NotFound
from bdcdj.exchange.messages.build import MessageContent
from bdcdj.exchange.messages.head import ASID
from bdcdj.exchange.messages.units import right_fields, unit_rows
from bdcdj.exchange.xsd.generator import LAYOUT_OF_SCHEME, RENAMED_2015, spec_for_element
from bdcdj.quality.adapters.registration import rows_for_item
from bdcdj.quality.adapters.registration_rows import PROOF_TABLES
from bdcdj.register.models import Operation, Right, RightKind
from bdcdj.register.models.choices import HOLDER_ROLE
from bdcdj.register.services import PartySpec, RecordResult, RegistrationItem, RightSpec
from bdcdj.register.standard_fields import ENDED_FIELDS, RIGHT_TABLES
from bdcdj.standards.catalogues import dictionary_specs, rectype_table
from bdcdj.standards.selectors import ysdm_for_table

# Head RightType of rights without a 权利类型 of their own (revised dictionary codes; the 2015
# dictionary has none of them, so 99 其它).
KIND_RIGHT_TYPES = {
    RightKind.MORTGAGE: "37",
    RightKind.RESIDENCE: "92",
    RightKind.ADVANCE_NOTICE: "96",
    RightKind.OBJECTION: "97",
    RightKind.SEIZURE: "98",
}
OTHER_RIGHT_TYPE = "99"
CHINA = "142"  # 国家/地区 (GJ) of parties identified by a Chinese ID document
CHINESE_ID_TYPES = frozenset({"1", "2", "6", "7", "8"})
NOT_HELD = "/"  # mandatory values the register does not hold at all (the vendors' convention)
NOT_HELD_FIELDS = {"KTT_FW_H": ("FWBM",)}  # 房屋编码 (JGJ/T 246): not kept by the register
APPROVED = "1"  # 操作结果 CZJG: 同意
SINGLE_FORMAT = "1"  # 申请证书版式 SQZSBS: 单一版
RUNNING = "1"  # 案件状态 AJZT: 在办
MORTGAGE_2015 = "9000101"  # 2015 scheme: every 抵押权 business under one code, RegType 900
EASEMENT_2015 = "9000102"
CURRENT = "1"  # 权属状态 QSZT: 现势
# 更正登记类型 (GZDJLX): 1 依申请, 2 依职权 — by business code, 依申请 unless listed.
BY_APPLICATION, EX_OFFICIO = "1", "2"
EX_OFFICIO_BUSINESSES = frozenset({"correction_ex_officio"})
# Rights a public authority applies for without being a case party (查封 / 解封: the court's
# 协助执行通知书): the applicant (DJF_DJ_SQ) is the authority named in the case data, as a
# 国家机关 with 证件种类 99 其它 — the case does not hold its 统一社会信用代码 (ZJZL 8).
AUTHORITY_APPLICANT_KINDS = frozenset({RightKind.SEIZURE})
STATE_ORGAN = "4"  # 权利人类型 QLRLX: 国家机关
OTHER_ID_TYPE = "99"  # 证件种类 ZJZL: 其它


def rectype_for_scheme(revised: str, scheme: str) -> tuple[str, bool]:
    """The RecType of a business in the node's scheme; True when the 2015 legacy 抵押/地役 code
    (RegType 900) is used."""
    if scheme == "revised":
        return revised, False
    category = revised[1:5]
    if category == "0037":
        return MORTGAGE_2015, True
    if category == "0021":
        return EASEMENT_2015, True
    if revised.startswith("9"):  # 换证 has no 2015 code: sent as 变更
        return "3" + revised[1:], False
    return revised, False


def codes_2015(dictionary: str) -> set[str]:
    for spec in dictionary_specs():
        if spec.code == dictionary:
            return {item.code for item in spec.items_for("2015")}
    return set()


def clear_parties(right: Right) -> tuple[PartySpec, ...]:
    return tuple(
        PartySpec(
            role=p.role,
            name=pii.decrypt_text(p.name_enc),
            party_type=p.party_type,
            id_type=p.id_type,
            id_number=pii.decrypt_text(p.id_number_enc) if p.id_number_enc else "",
            share=p.share,
            holds_certificate=p.holds_certificate,
            certificate_number=p.certificate_number,
            phone=pii.decrypt_text(p.phone_enc) if p.phone_enc else "",
        )
        for p in right.parties.all()
    )


def item_for_result(result: RecordResult) -> RegistrationItem | None:
    """The registration item as written: the created rights read back as the new version of
    themselves, so the adapter takes their stored detail and (decrypted) parties."""
    return item_for_rights(list(result.rights_created))


def item_for_rights(rights: list[Right]) -> RegistrationItem | None:
    """Stored rights (of one kind) as a registration item the adapter maps to standard rows."""
    if not rights:
        return None
    first = rights[0]
    spec = RightSpec(
        kind=first.kind,
        right_type=first.right_type,
        co_ownership=first.co_ownership,
        parties=clear_parties(first),
        remarks=first.remarks,
    )
    return RegistrationItem(
        region_code=first.region_code,
        business_number=first.business_number,
        operation=Operation.CHANGE,
        registration_type=first.registration_type,
        reason=first.reason,
        unit_codes=tuple(r.unit.code for r in rights),
        target_right_ids=tuple(r.pk for r in rights),
        right=spec,
        certificate_number=first.certificate_number,
        registered_at=first.registered_at,
    )


def _keep_spec_fields(element: str, row: dict[str, Any], version: str) -> dict[str, Any]:
    spec = spec_for_element(element)
    if spec is None:
        return row
    allowed = {f.code for f in spec.fields_in(version)}
    return {code: value for code, value in row.items() if code in allowed}


def table_ysdm(element: str) -> str:
    """要素代码 of a 业务 table; "" for DJF_DJ_DB, which the YSDM catalogue does not list."""
    try:
        return ysdm_for_table(element)
    except NotFound:
        return ""


def _element(table: str, scheme: str) -> str:
    if scheme != "2015":
        return table
    return {new: old for old, new in RENAMED_2015.items()}.get(table, table)


def sex_from_id_number(row: dict[str, Any]) -> str:
    """性别 (XB) of a person identified by an 18-digit 居民身份证号: the 17th digit is odd for
    men (1) and even for women (2). Empty for anything else; the register does not keep XB."""
    number = str(row.get("ZJH") or "")
    if row.get("QLRLX") != "1" or row.get("ZJZL") != "1" or len(number) != 18 or not number[16].isdigit():
        return ""
    return "1" if int(number[16]) % 2 else "2"


def authority_name(region_code: str) -> str:
    from bdcdj.accounts.models import Tenant

    tenant = Tenant.objects.filter(region_code=region_code).first()
    return f"{tenant.name if tenant else region_code}不动产登记机构"


def right_rows(region_code: str, results: list[RecordResult]) -> dict[str, list[dict[str, Any]]]:
    """The rows of the rights the 登簿 created (adapter rows plus what only the message carries)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    authority = authority_name(region_code)
    for result in results:
        item = item_for_result(result)
        if item is None:
            continue
        first = result.rights_created[0]
        by_unit = {r.unit.code: r for r in result.rights_created}
        for table, table_rows in rows_for_item(item=item).items():
            for mapped in table_rows:
                row = dict(mapped)
                if table == RIGHT_TABLES.get(first.kind):
                    right_fields(row, by_unit.get(str(row.get("BDCDYH") or ""), first))
                if table.startswith("QL"):
                    row.setdefault("DJJG", authority)
                    row["DBR"] = row.get("DBR") or first.registrar_name
                    row["DJSJ"] = row.get("DJSJ") or first.registered_at
                    if first.predecessor_id:
                        row["SSYWH"] = first.predecessor.business_number if first.predecessor else ""
                if table == "ZTT_GY_QLR" and row.get("ZJZL") in CHINESE_ID_TYPES:
                    row.setdefault("GJ", CHINA)
                if table == "ZTT_GY_QLR" and not row.get("XB"):
                    row["XB"] = sex_from_id_number(row) or row.get("XB", "")
                for code in NOT_HELD_FIELDS.get(table, ()):
                    row[code] = row.get(code) or NOT_HELD
                rows.setdefault(table, []).append(row)
    return rows


def _ended_right_rows(case: Case, results: list[RecordResult]) -> dict[str, list[dict[str, Any]]]:
    """The rows of the rights a 解封 / 注销 ended, in the right's own table as stored, with the
    table's 注销 fields (`standard_fields.ENDED_FIELDS`: JFYWH/JFDBR/JFDJSJ of QLF_QL_CFDJ,
    ZXYYYWH/ZXYYDBR/ZXYYDJSJ/ZXYYYY of QLF_QL_YYDJ…) and QSZT the right's status now (3 终止).
    解封机关/解封文号 come from the seizure's detail (`DETAIL_FIELDS`)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    authority = authority_name(case.region_code)
    for result in results:
        for right in result.rights_ended:
            table = RIGHT_TABLES.get(right.kind, "")
            ended_fields = ENDED_FIELDS.get(table)
            item = item_for_rights([right])
            if not ended_fields or item is None:
                continue
            for mapped in rows_for_item(item=item).get(table, []):
                row = dict(mapped)
                row.update(DJJG=authority, DBR=right.registrar_name, DJSJ=right.registered_at)
                row["QSZT"] = right.status
                if right.predecessor_id:
                    row["SSYWH"] = right.predecessor.business_number if right.predecessor else ""
                for name, code in ended_fields.items():
                    row[code] = getattr(right, name) or row.get(code) or ""
                rows.setdefault(table, []).append(row)
    return rows


def _cancellation_rows(case: Case, results: list[RecordResult]) -> list[dict[str, Any]]:
    """QLF_QL_ZXDJ: one row per right the 注销 ended. YSDM is the cancelled right's table's
    要素代码 (the standard gives none for this table; docs/exchange.md)."""
    authority = authority_name(case.region_code)
    rows = []
    for result in results:
        for right in result.rights_ended:
            right_type = right.right_type or KIND_RIGHT_TYPES.get(RightKind(right.kind), "")
            ended_at = right.ended_at or result.event.occurred_at
            rows.append(
                {
                    "YSDM": _right_ysdm(right.kind, right_type),
                    "BDCDYH": right.unit.code,
                    "BDCQZH": right.certificate_number,
                    "YWH": case.number,
                    "ZXYWH": case.number,
                    "ZXSJ": ended_at,
                    "DJYY": right.end_reason or str(case.data.get("reason") or ""),
                    "QXDM": case.region_code,
                    "DJJG": authority,
                    "DBR": right.ended_by_name or result.event.actor_name,
                    "DJSJ": ended_at,
                    "BZ": str(case.data.get("remarks") or ""),
                    "QLLX": right_type,
                }
            )
    return rows


def _right_ysdm(kind: str, right_type: str) -> str:
    table = RIGHT_TABLES.get(kind, "")
    try:
        return ysdm_for_table(table, qllx=right_type or None)
    except NotFound:
        return ""


def _correction_rows(case: Case, results: list[RecordResult]) -> list[dict[str, Any]]:
    """QLF_QL_GZDJ: one row per right the 更正 wrote."""
    bt = business_type_get(case.business_type)
    authority = authority_name(case.region_code)
    ex_officio = bt.code in EX_OFFICIO_BUSINESSES
    if ex_officio:
        subject = authority
    else:
        parties = [party_clear(p) for p in case.parties.order_by("order", "id")]
        names = [p.name for p in parties if p.role == "applicant"] or [
            p.name for p in parties if p.role == "holder"
        ]
        subject = "、".join(names)
    rows = []
    for result in results:
        for right in result.rights_created:
            proof = RIGHT_TABLES.get(right.kind, "") in PROOF_TABLES
            rows.append(
                {
                    "YSDM": table_ysdm("QLF_QL_GZDJ"),
                    "BDCDYH": right.unit.code,
                    "YWH": case.number,
                    "BDCZMH" if proof else "BDCQZH": right.certificate_number,
                    "GZDJLX": EX_OFFICIO if ex_officio else BY_APPLICATION,
                    "GZYJ": str(case.data.get("basis") or right.reason or ""),
                    "GZGT": subject,
                    "GZNR": str(case.data.get("matter") or right.reason or ""),
                    "QXDM": case.region_code,
                    "DJJG": authority,
                    "DBR": right.registrar_name,
                    "DJSJ": right.registered_at,
                    "FJ": right.remarks,
                    "QSZT": CURRENT,
                    "SSYWH": right.predecessor.business_number if right.predecessor else "",
                }
            )
    return rows


def _applicant_rows(case: Case, kind: str) -> list[dict[str, Any]]:
    """DJF_DJ_SQ: one row per party on the holder's side; the i-th party of the other side
    goes on the i-th row (surplus ones on extra rows repeating the first holder)."""
    parties = [party_clear(p) for p in case.parties.order_by("order", "id")]
    holder_role = HOLDER_ROLE.get(RightKind(kind), "holder")
    holders = [p for p in parties if p.role == holder_role]
    others = [p for p in parties if p.role not in {holder_role, "agent", "applicant"}]
    if not holders:
        holders = [p for p in parties if p.role == "applicant"]
    authority = str(case.data.get("authority") or "").strip()
    if not holders and kind in AUTHORITY_APPLICANT_KINDS and authority:
        holders = [
            PartyInput(role=holder_role, name=authority, party_type=STATE_ORGAN, id_type=OTHER_ID_TYPE)
        ]
    rows = []
    for n in range(max(len(holders), len(others))):
        holder = holders[n] if n < len(holders) else (holders[0] if holders else None)
        row: dict[str, Any] = {"YSDM": table_ysdm("DJF_DJ_SQ"), "YWH": case.number, "QXDM": case.region_code}
        if holder is not None:
            row.update(QLRMC=holder.name, QLRZJZL=holder.id_type, QLRZJH=holder.id_number)
            row.update(QLRLX=holder.party_type, QLRDH=holder.phone)
        if n < len(others):
            other = others[n]
            row.update(YWRMC=other.name, YWRZJZL=other.id_type, YWRZJH=other.id_number)
        row["SQSJ"] = case.created_at
        rows.append(row)
    return rows


def _case_rows(
    case: Case, scheme: str, kind: str, registered_at: dt.datetime, by_name: str
) -> dict[str, Any]:
    bt = business_type_get(case.business_type)
    units = list(case.units.order_by("order", "id"))
    accept = case.handlers.get("accept", {}) if isinstance(case.handlers, dict) else {}
    application: dict[str, Any] = {
        "YSDM": table_ysdm("DJT_DJ_SL"),
        "YWH": case.number,
        "SQZSBS": SINGLE_FORMAT,
        "SQFBCZ": "1" if case.data.get("separate_certificates") else "0",
        "QXDM": case.region_code,
        "SLRY": accept.get("name") or case.created_by.get_username(),
        "SLSJ": case.accepted_at,
        "ZL": units[0].location if units else "",
        "AJZT": RUNNING,
    }
    application["DJDL" if scheme == "2015" else "DJLX"] = bt.registration_type
    materials = [
        {
            "YSDM": table_ysdm("DJF_DJ_SJ"),
            "YWH": case.number,
            "SJSJ": m.received_at,
            "SJLX": m.form,
            "SJMC": m.name,
            "SJSL": 1,
            "YS": m.pages,
            "QXDM": case.region_code,
        }
        for m in case.materials.order_by("received_at", "id")
    ]
    opinions = []
    start = case.accepted_at
    for n, opinion in enumerate(case.opinions.order_by("at", "id"), start=1):
        opinions.append(
            {
                "YSDM": table_ysdm("DJF_DJ_SH"),
                "YWH": case.number,
                "JDMC": opinion.step_name,
                "SXH": n,
                "SHRYXM": opinion.by_name,
                "SHKSSJ": start or opinion.at,
                "SHJSSJ": opinion.at,
                "SHYJ": opinion.text,
                "CZJG": opinion.result,
                "QXDM": case.region_code,
            }
        )
        start = opinion.at
    rows: dict[str, Any] = {
        "DJT_DJ_SL": [application],
        "DJF_DJ_SQ": _applicant_rows(case, kind),
        "DJF_DJ_SJ": materials,
        "DJF_DJ_SH": opinions,
    }
    if scheme != "2015":
        rows["DJF_DJ_DB"] = [
            {
                "YSDM": table_ysdm("DJF_DJ_DB"),
                "YWH": case.number,
                "DBRYXM": by_name,
                "DBSJ": registered_at,
                "DBYJ": "经核准，同意登簿。",
                "CZJG": APPROVED,
                "QXDM": case.region_code,
            }
        ]
    return rows


def registration_content(
    *, case: Case, results: list[RecordResult], scheme: str, biz_msg_id: str
) -> MessageContent:
    """The message of one case's 登簿 (all its registration items)."""
    bt = business_type_get(case.business_type)
    rectype, legacy = rectype_for_scheme(bt.rectype, scheme)
    layout = rectype_table()[(scheme, rectype)]
    created = [right for result in results for right in result.rights_created]
    ended = [right for result in results for right in result.rights_ended]
    anchor = created[0] if created else (ended[0] if ended else None)
    unit_codes = (
        [r.unit.code for r in created]
        or [r.unit.code for r in ended]
        or [u.unit_code for u in case.units.order_by("order", "id")]
    )
    registered_at = (
        anchor.registered_at if created and anchor else (case.registered_at or results[0].event.occurred_at)
    )
    by_name = results[0].event.actor_name if results else ""
    right_type = (anchor.right_type if anchor else "") or (
        KIND_RIGHT_TYPES.get(RightKind(bt.right_kind), OTHER_RIGHT_TYPE)
        if scheme == "revised"
        else OTHER_RIGHT_TYPE
    )
    if scheme == "2015" and right_type not in codes_2015("QLLX"):
        right_type = OTHER_RIGHT_TYPE
    predecessors = [r.predecessor for r in created if r.predecessor is not None]
    certificates = list(case.certificates.values_list("kind", flat=True))
    head: dict[str, Any] = {
        "BizMsgID": biz_msg_id,
        "ASID": ASID,
        "AreaCode": case.region_code,
        "RecType": rectype,
        "RightType": right_type,
        "RegType": "900" if legacy else bt.registration_type,
        "CreateDate": registered_at,
        "RecFlowID": case.number,
        "RegOrgID": case.region_code,
        "ParcelID": unit_codes[0][:19] if unit_codes else "",
        "EstateNum": unit_codes[0] if unit_codes else "",
        "PreEstateNum": ",".join(dict.fromkeys(p.unit.code for p in predecessors)),
        "CertCount": str(certificates.count("certificate")),
        "ProofCount": str(certificates.count("proof")),
        "PreCertID": ",".join(
            dict.fromkeys(p.certificate_number for p in predecessors if p.certificate_number)
        ),
    }
    rows = {
        **right_rows(case.region_code, results),
        **_case_rows(case, scheme, bt.right_kind, registered_at, by_name),
    }
    for table, table_rows in unit_rows(
        created, region_code=case.region_code, authority=authority_name(case.region_code)
    ).items():
        rows.setdefault(table, table_rows)
    if bt.operation in {Operation.CANCEL, Operation.RELEASE_SEIZURE}:
        for table, table_rows in _ended_right_rows(case, results).items():
            rows.setdefault(table, table_rows)
    if bt.operation == Operation.CANCEL:
        rows["QLF_QL_ZXDJ"] = _cancellation_rows(case, results)
    if bt.operation == Operation.CORRECT:
        rows["QLF_QL_GZDJ"] = _correction_rows(case, results)
    return MessageContent(
        head=head, rows=layout_rows(rows, scheme=scheme, tables=layout.tables), table_order=layout.tables
    )


def layout_rows(
    rows: dict[str, list[dict[str, Any]]], *, scheme: str, tables: tuple[str, ...] | list[str]
) -> dict[str, list[dict[str, Any]]]:
    """The rows of the RecType's tables only, under the scheme's element names, each with the
    fields of the spec for the scheme's layout."""
    version = LAYOUT_OF_SCHEME[scheme]
    wanted = set(tables)
    data: dict[str, list[dict[str, Any]]] = {}
    for table, table_rows in rows.items():
        element = _element(table, scheme)
        if element in wanted and table_rows:
            data[element] = [_keep_spec_fields(element, row, version) for row in table_rows]
    if scheme == "2015":  # row QLLX codes the 2015 list lacks (居住权 92…) go as 99 其它, as the head's
        codes = codes_2015("QLLX")
        for table_rows in data.values():
            for row in table_rows:
                if row.get("QLLX") and row["QLLX"] not in codes:
                    row["QLLX"] = OTHER_RIGHT_TYPE
    return data
