"""The access message of a registration recorded without a case: `register.services.record`
called directly (batch 首次登记 from the 权籍调查 results, stock taken over), which has no
受理, materials or review. The rights, units and parties are mapped exactly as for a case
(`registration.right_rows`, `units.unit_rows`); of the 业务 tables the message carries what the
register knows: DJT_DJ_SL (受理 and 登簿 are one act here: 受理人员/时间 are the 登簿人/时间),
DJF_DJ_SQ (the holders of the rights as applicants) and DJF_DJ_DB. The RecType is the caller's
(revised scheme), translated to the node's scheme like a case's.
"""

from __future__ import annotations

from typing import Any

from bdcdj.core.errors import InvalidInput
from bdcdj.exchange.messages.build import MessageContent
from bdcdj.exchange.messages.head import ASID
from bdcdj.exchange.messages.registration import (
    APPROVED,
    OTHER_RIGHT_TYPE,
    RUNNING,
    SINGLE_FORMAT,
    authority_name,
    clear_parties,
    codes_2015,
    layout_rows,
    rectype_for_scheme,
    right_rows,
    table_ysdm,
)
from bdcdj.exchange.messages.units import unit_rows
from bdcdj.quality.adapters.registration_rows import PROOF_TABLES
from bdcdj.register.models import Right
from bdcdj.register.models.choices import HOLDER_ROLE
from bdcdj.register.services import RecordResult
from bdcdj.register.standard_fields import RIGHT_TABLES
from bdcdj.standards.catalogues import rectype_table


def _business_rows(
    rights: list[Right], *, scheme: str, registration_type: str
) -> dict[str, list[dict[str, Any]]]:
    first = rights[0]
    region = first.region_code
    holders = [p for p in clear_parties(first) if p.role == HOLDER_ROLE.get(first.kind, "holder")]
    application: dict[str, Any] = {
        "YSDM": table_ysdm("DJT_DJ_SL"),
        "YWH": first.business_number,
        "SQZSBS": SINGLE_FORMAT,
        "SQFBCZ": "1" if sum(1 for p in holders if p.holds_certificate) > 1 else "0",
        "QXDM": region,
        "SLRY": first.registrar_name,
        "SLSJ": first.registered_at,
        "ZL": first.unit.location,
        "AJZT": RUNNING,
        "DJDL" if scheme == "2015" else "DJLX": registration_type,
    }
    applicants = [
        {
            "YSDM": table_ysdm("DJF_DJ_SQ"),
            "YWH": first.business_number,
            "QLRMC": p.name,
            "QLRZJZL": p.id_type,
            "QLRZJH": p.id_number,
            "QLRLX": p.party_type,
            "QLRDH": p.phone,
            "QXDM": region,
            "SQSJ": first.registered_at,
        }
        for p in holders
    ]
    rows: dict[str, list[dict[str, Any]]] = {"DJT_DJ_SL": [application], "DJF_DJ_SQ": applicants}
    if scheme != "2015":
        rows["DJF_DJ_DB"] = [
            {
                "YSDM": table_ysdm("DJF_DJ_DB"),
                "YWH": first.business_number,
                "DBRYXM": first.registrar_name,
                "DBSJ": first.registered_at,
                "DBYJ": "经核准，同意登簿。",
                "CZJG": APPROVED,
                "QXDM": region,
            }
        ]
    return rows


def recorded_content(
    *, results: list[RecordResult], rectype: str, scheme: str, biz_msg_id: str
) -> MessageContent:
    """The message of registrations recorded without a case (they create rights)."""
    rights = [right for result in results for right in result.rights_created]
    if not rights:
        raise InvalidInput(code="nothing_recorded", message="该登记没有新设的权利，无法生成接入报文")
    if ("revised", rectype) not in rectype_table():
        message = f"业务编码 {rectype} 不在业务编码表中"
        raise InvalidInput(code="unknown_rectype", message=message, fields={"rectype": message})
    used, legacy = rectype_for_scheme(rectype, scheme)
    layout = rectype_table()[(scheme, used)]
    first = rights[0]
    region = first.region_code
    right_type = first.right_type or OTHER_RIGHT_TYPE
    if scheme == "2015" and right_type not in codes_2015("QLLX"):
        right_type = OTHER_RIGHT_TYPE
    proofs = {
        r.certificate_number
        for r in rights
        if r.certificate_number and RIGHT_TABLES.get(r.kind) in PROOF_TABLES
    }
    certificates = {r.certificate_number for r in rights if r.certificate_number} - proofs
    head: dict[str, Any] = {
        "BizMsgID": biz_msg_id,
        "ASID": ASID,
        "AreaCode": region,
        "RecType": used,
        "RightType": right_type,
        "RegType": "900" if legacy else first.registration_type,
        "CreateDate": first.registered_at,
        "RecFlowID": first.business_number,
        "RegOrgID": region,
        "ParcelID": first.unit.code[:19],
        "EstateNum": first.unit.code,
        "CertCount": str(len(certificates)),
        "ProofCount": str(len(proofs)),
    }
    rows = {
        **right_rows(region, results),
        **_business_rows(rights, scheme=scheme, registration_type=first.registration_type),
    }
    for table, table_rows in unit_rows(rights, region_code=region, authority=authority_name(region)).items():
        rows.setdefault(table, table_rows)
    return MessageContent(
        head=head, rows=layout_rows(rows, scheme=scheme, tables=layout.tables), table_order=layout.tables
    )
