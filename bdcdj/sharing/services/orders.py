"""法院电子送达: a court pushes a seizure or unseizure order (signed like every department
message); we verify it, archive it and open one 查封/轮候查封/解封 case through the case engine,
as the district's delivery system user. The order number makes delivery idempotent."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from bdcdj.accounts.models import Organisation, Tenant, User
from bdcdj.accounts.pii import encrypt_text
from bdcdj.core.errors import Conflict, Forbidden, invalid_fields
from bdcdj.sharing import client, signing
from bdcdj.sharing.models import CourtOrder, Department, ReceivedNonce

COURT_DEPARTMENT = "court"
SYSTEM_USER = "court-delivery-{region}"


@dataclass(frozen=True)
class OrderReceipt:
    order: CourtOrder
    created: bool  # False when the order number was delivered before


def authenticate(*, path: str, body: bytes, headers: Mapping[str, str]) -> Department:
    """The sender must be a configured, enabled department that signs with its shared key; a
    nonce is accepted once."""
    code = next((v for k, v in headers.items() if k.lower() == signing.H_DEPT.lower()), "")
    department = Department.objects.filter(code=code, enabled=True).first()
    if department is None or code != COURT_DEPARTMENT:
        raise Forbidden(code="unknown_department", message="未登记或未启用的送达部门")
    try:
        nonce = signing.verify_request(
            key=client.key_for(department.credentials_ref),
            method="POST",
            path=path,
            body=body,
            headers=headers,
        )
    except signing.SignatureError as exc:
        raise Forbidden(code="bad_signature", message=f"验签失败：{exc}") from exc
    try:
        with transaction.atomic():
            ReceivedNonce.objects.create(department=code, nonce=nonce[:64])
    except IntegrityError as exc:
        raise Conflict(code="replayed", message="重复的请求（随机数已使用），已拒绝") from exc
    return department


def _parse(body: bytes) -> dict[str, Any]:
    try:
        order = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise invalid_fields({"请求": "不是有效的 JSON"}) from exc
    if not isinstance(order, dict):
        raise invalid_fields({"请求": "应为对象"})
    errors: dict[str, str] = {}
    for name, label in (("order_no", "文书编号"), ("court", "法院"), ("document_number", "文号")):
        value = order.get(name)
        if not isinstance(value, str) or not value.strip():
            errors[name] = f"{label}必填"
        elif len(value) > 100:
            errors[name] = f"{label}过长"
    if order.get("kind") not in {"seize", "release"}:
        errors["kind"] = "类别应为 seize（查封）或 release（解封）"
    units = order.get("unit_codes")
    if (
        not isinstance(units, list)
        or not units
        or not all(isinstance(u, str) and len(u) == 28 for u in units)
    ):
        errors["unit_codes"] = "应为不动产单元号（28位）列表"
    if order.get("kind") == "release" and not order.get("target_document"):
        errors["target_document"] = "解封须注明原查封文号"
    if errors:
        raise invalid_fields(errors)
    return order


def delivery_user(*, region_code: str) -> User:
    """The district's system account that opens delivered cases (no password, clerk role)."""
    username = SYSTEM_USER.format(region=region_code)
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    from bdcdj.accounts.services import user_create

    organisation = Organisation.objects.filter(
        region_code=region_code, kind=Organisation.Kind.AUTHORITY
    ).first()
    user = user_create(
        username=username,
        password=secrets.token_urlsafe(24) + "aA1#",
        display_name="法院电子送达（系统）",
        organisation=organisation,
        roles=["clerk"],
        region_codes=[region_code],
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


def _seizure_target(unit_code: str, document: str) -> int | None:
    from bdcdj.register.models import Right

    right = (
        Right.objects.filter(
            unit__code=unit_code, kind="seizure", status="1", seizure_detail__document_number=document
        )
        .values_list("pk", flat=True)
        .first()
    )
    return right


def _currently_seized(unit_code: str) -> bool:
    from bdcdj.register.models import Right

    return Right.objects.filter(unit__code=unit_code, kind="seizure", status="1").exists()


def _case_input(order: dict[str, Any]) -> tuple[str, list[dict[str, Any]], dict[str, Any]]:
    today = dt.date.today()
    unit = order["unit_codes"][0]
    persons = [
        {
            "role": "seized_person",
            "name": str(p.get("name", "")),
            "id_type": "1",
            "id_number": str(p.get("id_number", "")),
        }
        for p in order.get("persons", [])
        if isinstance(p, dict)
    ]
    remarks = f"法院电子送达，文书编号 {order['order_no']}"
    if order["kind"] == "release":
        target = _seizure_target(unit, str(order["target_document"]))
        if target is None:
            raise Conflict(code="seizure_not_found", message="未找到该文号对应的现势查封，无法解封")
        data = {
            "reason": "人民法院解除查封",
            "remarks": remarks,
            "target_right_id": target,
            "authority": order["court"],
            "document_number": order["document_number"],
        }
        return "seizure_release", [], data
    queued = _currently_seized(unit)
    data = {
        "reason": "人民法院查封",
        "remarks": remarks,
        "authority": order["court"],
        "document_number": order["document_number"],
        "seizure_kind": "2" if queued else "1",
        "start": str(order.get("start") or today.isoformat()),
        "end": str(order.get("end") or today.replace(year=today.year + 3).isoformat()),
        "scope": str(order.get("scope") or "不动产单元全部"),
    }
    return ("seizure_queue" if queued else "seizure"), persons, data


def court_order_receive(*, path: str, body: bytes, headers: Mapping[str, str]) -> OrderReceipt:
    """Authenticate, archive, open the case. A second delivery of the same order number answers
    the first receipt; a failure to open the case rolls the whole delivery back."""
    authenticate(path=path, body=body, headers=headers)
    order = _parse(body)
    existing = CourtOrder.objects.filter(order_no=order["order_no"]).first()
    if existing is not None:
        return OrderReceipt(order=existing, created=False)
    region = order["unit_codes"][0][:6]
    if not Tenant.objects.filter(region_code=region).exists():
        raise invalid_fields({"unit_codes": "不动产单元不属于本节点的辖区"})
    from bdcdj.cases.services import case_create

    try:
        with transaction.atomic():
            user = delivery_user(region_code=region)
            business_type, parties, data = _case_input(order)
            case = case_create(
                region_code=region,
                business_type=business_type,
                unit_codes=order["unit_codes"],
                parties=parties,
                data=data,
                by=user,
            )
            row = CourtOrder(
                region_code=region,
                order_no=order["order_no"],
                kind=order["kind"],
                court=order["court"],
                document_number=order["document_number"],
                unit_codes=order["unit_codes"],
                payload_enc=encrypt_text(json.dumps(order, ensure_ascii=False, sort_keys=True)),
                case=case,
                note=f"已生成业务 {case.number}",
            )
            row.full_clean()
            row.save()
    except IntegrityError:  # the same order delivered concurrently: the other delivery won
        return OrderReceipt(order=CourtOrder.objects.get(order_no=order["order_no"]), created=False)
    return OrderReceipt(order=row, created=True)
