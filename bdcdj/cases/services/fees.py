"""Fees (登记费、证书工本费) computed at 受理 from the workflow's fee list.

按件: per registration item (一个不动产单元的一项登记为一件); 按面积: per m² of the units'
building area; 按套: per house unit; 按证: per certificate or proof, after `free_quantity`
(e.g. 第一本证书工本费含在登记费中).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bdcdj.accounts.models import User
from bdcdj.cases.models import Case, CaseUnit, Fee, FeeMode
from bdcdj.cases.workflows import business_type_get
from bdcdj.core.errors import invalid_fields

CENT = Decimal("0.01")
HOLDER = "holder"


def _certificates(case: Case, items: int) -> int:
    bt = business_type_get(case.business_type)
    if not bt.issues_document:
        return 0
    if bt.issues == "certificate" and case.data.get("separate_certificates"):
        holders = case.parties.filter(role=HOLDER).count()
        return items * max(holders, 1)
    return items


def _quantity(case: Case, units: list[CaseUnit], fee: Mapping[str, Any]) -> tuple[Decimal, str]:
    bt = business_type_get(case.business_type)
    items = len(units) if bt.items == "per_unit" else 1
    mode = fee["mode"]
    if mode == FeeMode.PER_CASE:
        return Decimal(items), f"{items} 件"
    if mode == FeeMode.PER_AREA:
        area = sum((u.built_area or Decimal("0") for u in units), Decimal("0"))
        return area, f"建筑面积 {area:.2f} m²"
    if mode == FeeMode.PER_UNIT:
        count = sum(1 for u in units if u.kind == "house")
        return Decimal(count), f"{count} 套"
    count = _certificates(case, items)
    free = int(fee.get("free_quantity", 0))
    charged = max(count - free, 0)
    note = f"，免收 {min(free, count)} 本" if free else ""
    return Decimal(charged), f"{count} 本{note}"


def fee_rows(*, case: Case, waivers: Mapping[str, str], by: User) -> list[Fee]:
    """Unsaved Fee rows for the case; a waiver is allowed only on a waivable item, with a reason."""
    units = list(case.units.order_by("order", "id"))
    definitions = {f["code"]: f for f in case.workflow.fees}
    errors: dict[str, str] = {}
    for code, reason in waivers.items():
        if code not in definitions:
            errors[f"fee_waivers.{code}"] = "没有该收费项目"
        elif not definitions[code].get("waivable"):
            errors[f"fee_waivers.{code}"] = "该收费项目不可减免"
        elif not str(reason).strip():
            errors[f"fee_waivers.{code}"] = "请填写减免原因"
    if errors:
        raise invalid_fields(errors)
    rows = []
    for code, fee in definitions.items():
        quantity, basis = _quantity(case, units, fee)
        price = Decimal(str(fee["amount"]))
        waived = code in waivers
        rows.append(
            Fee(
                case=case,
                code=code,
                name=fee["name"],
                mode=fee["mode"],
                unit_price=price,
                quantity=quantity.quantize(CENT),
                basis=f"{basis} × {price:.2f} 元"[:200],
                amount=(price * quantity).quantize(CENT, rounding=ROUND_HALF_UP),
                waived=waived,
                waiver_reason=str(waivers.get(code, "")).strip()[:200],
                approved_by=by if waived else None,
            )
        )
    return rows
