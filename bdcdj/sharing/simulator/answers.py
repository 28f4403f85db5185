"""What each simulated department answers, one function per kind of check. Each returns
(status, Chinese message, data); data never carries a raw ID number."""

from __future__ import annotations

import base64
import binascii
import json
import sqlite3
from collections.abc import Callable
from typing import Any

from bdcdj.core.crypto import sm3_hex
from bdcdj.sharing.simulator.store import face_digest

Answer = tuple[str, str, dict[str, Any]]
MARITAL = {"unmarried": "未婚", "married": "已婚", "divorced": "离婚", "widowed": "丧偶"}


def _one(conn: sqlite3.Connection, sql: str, *args: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(sql, args).fetchone()
    return row


def _dead(conn: sqlite3.Connection, id_number: str) -> sqlite3.Row | None:
    return _one(conn, "SELECT * FROM death WHERE id_number=?", id_number)


def id_card(conn: sqlite3.Connection, p: dict[str, str]) -> Answer:
    person = _one(conn, "SELECT * FROM person WHERE id_number=?", p["id_number"])
    if person is None:
        return "not_found", "公安人口库无此身份证号", {}
    if person["name"] != p["name"]:
        return "mismatch", "姓名与身份证号不一致", {"name_match": False}
    death = _dead(conn, p["id_number"])
    if death is not None:
        return "mismatch", "姓名与身份证号一致，但该人员已登记死亡", {"name_match": True, "alive": False}
    return "ok", "姓名与身份证号一致", {"name_match": True, "alive": True}


def face(conn: sqlite3.Connection, p: dict[str, str]) -> Answer:
    person = _one(conn, "SELECT photo_sha3 FROM person WHERE id_number=?", p["id_number"])
    if person is None:
        return "not_found", "公安人口库无此身份证号", {}
    digest = p.get("image_sha3", "").lower()
    if p.get("photo"):
        try:
            digest = face_digest(base64.b64decode(p["photo"], validate=True))
        except (binascii.Error, ValueError):
            return "mismatch", "人脸图像无法识别", {"similarity": 0}
    if not digest:
        return "mismatch", "未提供人脸图像", {"similarity": 0}
    if digest == person["photo_sha3"]:
        return "ok", "人脸比对通过", {"similarity": 0.97}
    return "mismatch", "人脸比对未通过", {"similarity": 0.31}


def credit_code(conn: sqlite3.Connection, p: dict[str, str]) -> Answer:
    row = _one(conn, "SELECT * FROM company WHERE credit_code=?", p["credit_code"].upper())
    if row is None:
        return "not_found", "无此统一社会信用代码", {}
    if row["name"] != p["name"]:
        return "mismatch", "名称与统一社会信用代码不一致", {"registered_name": row["name"]}
    if row["status"] != "active":
        return "mismatch", "该主体已注销或吊销", {"business_status": row["status"]}
    return "ok", "营业执照信息一致，存续", {"business_status": "active"}


def financial_licence(conn: sqlite3.Connection, p: dict[str, str]) -> Answer:
    row = _one(conn, "SELECT * FROM licence WHERE licence_no=?", p["licence_no"].upper())
    if row is None:
        return "not_found", "无此金融许可证", {}
    if row["name"] != p["name"]:
        return "mismatch", "机构名称与许可证不一致", {"registered_name": row["name"]}
    if row["status"] != "valid":
        return "mismatch", "该金融许可证已撤销", {"licence_status": row["status"]}
    return "ok", "金融许可证有效", {"licence_status": "valid"}


def tax_status(conn: sqlite3.Connection, p: dict[str, str]) -> Answer:
    """Recorded rows win; otherwise the simulated tax office decides deterministically from the
    unit code (about one unit in eight unpaid), so any demo transfer gets a stable answer."""
    row = _one(
        conn, "SELECT * FROM tax WHERE case_number=? AND unit_code=?", p["case_number"], p["unit_code"]
    )
    if row is not None:
        status, amount = row["status"], row["amount"]
    else:
        digest = sm3_hex(p["unit_code"].encode())
        status = "unpaid" if digest[-1] in "01" else "paid"
        amount = str(int(digest[:4], 16) % 20000 + 3000)
    if status == "paid":
        return "ok", "契税等税费已缴清", {"tax_status": "paid", "amount": amount}
    return "mismatch", "尚未完税", {"tax_status": status, "amount": amount}


def contract_filing(conn: sqlite3.Connection, p: dict[str, str]) -> Answer:
    row = _one(conn, "SELECT * FROM contract WHERE contract_no=?", p["contract_no"].upper())
    if row is None:
        return "not_found", "无此网签备案合同", {}
    data = {"filing_status": row["status"], "price": row["price"], "filed_on": row["filed_on"]}
    if row["status"] != "filed":
        return "mismatch", "该合同备案已注销", data
    if p.get("unit_code") and row["unit_code"] and row["unit_code"] != p["unit_code"]:
        return "mismatch", "合同备案的不动产单元与申请不一致", data
    return "ok", "合同已网签备案", data


def court_order(conn: sqlite3.Connection, p: dict[str, str]) -> Answer:
    row = _one(conn, "SELECT * FROM court_order WHERE order_no=?", p["order_no"])
    if row is None:
        return "not_found", "无此法院送达文书", {}
    payload = json.loads(row["payload"])
    data = {
        "order_kind": row["kind"],
        "court": row["court"],
        "document_number": row["document_number"],
        "unit_codes": payload.get("unit_codes", []),
    }
    return "ok", "法院文书真实有效", data


def marriage(conn: sqlite3.Connection, p: dict[str, str]) -> Answer:
    person = _one(conn, "SELECT * FROM person WHERE id_number=?", p["id_number"])
    if person is None:
        return "not_found", "婚姻登记系统无此人记录", {}
    data: dict[str, Any] = {
        "marital_status": person["marital_status"],
        "label": MARITAL[person["marital_status"]],
    }
    if person["spouse_id"]:
        spouse = _one(conn, "SELECT name FROM person WHERE id_number=?", person["spouse_id"])
        data["spouse_name"] = spouse["name"] if spouse else ""
        data["married_on"] = person["married_on"]
        if p.get("spouse_id_number") and p["spouse_id_number"].upper() != person["spouse_id"]:
            return "mismatch", "登记的配偶与申请不一致", data
    return "ok", f"婚姻状况：{data['label']}", data


def death(conn: sqlite3.Connection, p: dict[str, str]) -> Answer:
    row = _dead(conn, p["id_number"])
    if row is None:
        return "not_found", "无死亡登记记录", {"deceased": False}
    return (
        "ok",
        "已登记死亡",
        {"deceased": True, "died_on": row["died_on"], "certificate_no": row["certificate_no"]},
    )


def place_name(conn: sqlite3.Connection, p: dict[str, str]) -> Answer:
    row = _one(conn, "SELECT * FROM place_name WHERE name=?", p["name"])
    if row is None:
        return "not_found", "无此标准地名", {}
    data = {"code": row["code"], "current_name": row["current_name"]}
    if row["status"] != "standard":
        return "mismatch", "该地名已更名", data
    return "ok", "标准地名", data


def birth(conn: sqlite3.Connection, p: dict[str, str]) -> Answer:
    row = _one(conn, "SELECT * FROM birth WHERE id_number=?", p["id_number"])
    if row is None:
        return "not_found", "无出生医学证明记录", {}
    return (
        "ok",
        "出生医学证明有效",
        {"child_name": row["name"], "born_on": row["born_on"], "certificate_no": row["certificate_no"]},
    )


def notarial_deed(conn: sqlite3.Connection, p: dict[str, str]) -> Answer:
    row = _one(conn, "SELECT * FROM deed WHERE deed_no=?", p["deed_no"].upper())
    if row is None:
        return "not_found", "无此公证书", {}
    data = {"office": row["office"], "matter": row["matter"], "issued_on": row["issued_on"]}
    if row["status"] != "valid":
        return "mismatch", "该公证书已撤销", data
    return "ok", "公证书真实有效", data


HANDLERS: dict[str, Callable[[sqlite3.Connection, dict[str, str]], Answer]] = {
    "identity.id_card": id_card,
    "identity.face": face,
    "identity.credit_code": credit_code,
    "identity.financial_licence": financial_licence,
    "collab.tax_status": tax_status,
    "collab.contract_filing": contract_filing,
    "collab.court_order": court_order,
    "info.marriage": marriage,
    "info.death": death,
    "info.place_name": place_name,
    "info.birth": birth,
    "info.notarial_deed": notarial_deed,
}
