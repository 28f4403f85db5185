"""Hand-built access messages (standards §4.2/§4.3) signed with a test SM2 key through gmssl,
an implementation independent of the receiver's Tongsuo verification."""

from __future__ import annotations

import secrets
from functools import cache
from xml.sax.saxutils import quoteattr

from gmssl import sm2

COUNTY = "340121"  # 长丰县
OTHER_COUNTY = "340122"  # 肥东县
UNIT = "340121001001GB00001F00010001"
PARCEL = UNIT[:19]
ID_CARD = "11010519491231002X"
TEST_PRIVATE_KEY = "128b2fa8bd433c6c068c8d803dff79792a519a55171b1b650c23661d15897263"
OTHER_PRIVATE_KEY = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b9"

COMMON = {
    "QXDM": COUNTY,
    "DJJG": "长丰县不动产登记中心",
    "DBR": "王登簿",
    "DJSJ": "2024-05-06T10:30:00",
    "QSZT": "1",
}


@cache
def public_key_hex(private_key: str = TEST_PRIVATE_KEY) -> str:
    crypt = sm2.CryptSM2(private_key=private_key, public_key="")
    return "04" + crypt._kg(int(private_key, 16), sm2.default_ecc_table["g"])


def sign(data: bytes, private_key: str = TEST_PRIVATE_KEY) -> str:
    crypt = sm2.CryptSM2(private_key=private_key, public_key=public_key_hex(private_key)[2:])
    return str(crypt.sign_with_sm3(data, secrets.token_hex(32)))


def ownership_rows(
    *, ywh: str = "2024-000001", unit: str = UNIT, **changes: str
) -> dict[str, list[dict[str, str]]]:
    """A clean 房地产权（独幢、层、套、间）首次登记: house, right and owner rows."""
    right = {
        **COMMON,
        "YWH": ywh,
        "YSDM": "6002010200",
        "BDCDYH": unit,
        "QLLX": "4",
        "DJLX": "100",
        "DJYY": "首次登记",
        "FDZL": "长丰县水湖镇幸福路1号1幢101室",
        "TDSYQR": "张小三",
        "TDSYQSSJ": "2010-01-01T00:00:00",
        "TDSYJSSJ": "2080-12-31T00:00:00",
        "GHYT": "11",
        "SZC": "1",
        "ZCS": "6",
        "JZMJ": "89.50",
        "ZYJZMJ": "75.20",
        "FTJZMJ": "14.30",
        "BDCQZH": "皖(2024)长丰县不动产权第0000001号",
        "QLQSSJ": "2010-01-01T00:00:00",
        "QLJSSJ": "2080-12-31T00:00:00",
    }
    right.update(changes)
    return {
        "QLT_FW_FDCQ_YZ": [right],
        "ZTT_GY_QLR": [
            {
                "YWH": ywh,
                "BDCDYH": unit,
                "QLRMC": "张小三",
                "ZJZL": "1",
                "ZJH": ID_CARD,
                "GJ": "142",
                "XB": "2",
                "QLRLX": "1",
                "GYFS": "0",
                "QXDM": COUNTY,
            }
        ],
    }


def message_xml(
    *,
    biz_msg_id: str = "340121240506000001",
    area: str = COUNTY,
    rectype: str = "1000402",
    reg_type: str = "100",
    ywh: str = "2024-000001",
    unit: str = UNIT,
    rows: dict[str, list[dict[str, str]]] | None = None,
    private_key: str | None = TEST_PRIVATE_KEY,
    head_extra: dict[str, str] | None = None,
) -> bytes:
    """A signed message (unsigned when private_key is None)."""
    head = {
        "BizMsgID": biz_msg_id,
        "ASID": "AS100",
        "AreaCode": area,
        "RecType": rectype,
        "RightType": "4",
        "RegType": reg_type,
        "CreateDate": "2024-05-06T10:30:00",
        "RecFlowID": ywh,
        "RegOrgID": area,
        "ParcelID": unit[:19],
        "EstateNum": unit,
        "CertCount": "1",
        "ProofCount": "0",
        **(head_extra or {}),
    }
    rows = ownership_rows(ywh=ywh, unit=unit) if rows is None else rows
    head_xml = "".join(f"<{k}>{v}</{k}>" for k, v in head.items()) + "<DigitalSign></DigitalSign>"
    data_xml = "".join(
        f"<{table} " + " ".join(f"{k}={quoteattr(v)}" for k, v in row.items()) + "/>"
        for table, table_rows in rows.items()
        for row in table_rows
    )
    unsigned = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Message><Head>{head_xml}</Head><Data>{data_xml}</Data></Message>"
    ).encode()
    if private_key is None:
        return unsigned
    signature = sign(unsigned, private_key).encode()
    return unsigned.replace(
        b"<DigitalSign></DigitalSign>", b"<DigitalSign>" + signature + b"</DigitalSign>", 1
    )
