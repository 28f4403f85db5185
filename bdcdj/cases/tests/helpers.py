"""Deterministic people, units and a driver that takes a case from 收件 to 归档 through the
services, the way the console does. Register state is prepared with `register.services.record`
(the register's only writer)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from bdcdj.accounts.models import User
from bdcdj.cases.models import Case, Stage
from bdcdj.cases.services import (
    case_accept,
    case_archive,
    case_certify,
    case_create,
    case_issue,
    case_material_add,
    case_register,
    case_review,
)
from bdcdj.register.models import Operation, PartyRole, Right, RightKind, Unit
from bdcdj.register.services import (
    AdvanceNoticeSpec,
    PartySpec,
    RegistrationItem,
    ResidenceSpec,
    RightSpec,
    record,
)
from bdcdj.register.tests import factories as f

REGION = "340121"
OTHER_REGION = "340122"
PASSWORD = "Bdcdj-Test-2024!"
PDF = b"%PDF-1.4\n% test material\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_serials = itertools.count(1)


def resident_id(first17: str) -> str:
    """A 居民身份证号 with a valid check character."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    party_type: str = "1"
    id_type: str = "1"

    def party(self, role: str, **extra: Any) -> dict[str, Any]:
        return {
            "role": role,
            "name": self.name,
            "party_type": self.party_type,
            "id_type": self.id_type,
            "id_number": self.id_number,
            **extra,
        }

    def spec(self, role: str, **extra: Any) -> PartySpec:
        return PartySpec(
            role=role,
            name=self.name,
            party_type=self.party_type,
            id_type=self.id_type,
            id_number=self.id_number,
            **extra,
        )


SELLER = Person("张小三", resident_id("34012119900101123"))
BUYER = Person("李四", resident_id("34012119920202567"))
SPOUSE = Person("王芳", resident_id("34012119930303112"))
HEIR = Person("张明", resident_id("34012120000505331"))
DEVELOPER = Person("合肥长丰置业有限公司", "91340121MA2N00001X", party_type="2", id_type="8")
BANK = Person("中国建设银行股份有限公司长丰支行", "91340121MA2N0000X1", party_type="2", id_type="8")
BANK2 = Person("合肥科技农村商业银行股份有限公司", "91340100MA2N0000Y2", party_type="2", id_type="8")
COURT = "长丰县人民法院"


@dataclass
class Staff:
    clerk: User
    reviewer: User
    registrar: User


def _parcel() -> str:
    return f"340121001001GB{10000 + next(_serials):05d}"


def titled_house(registrar: User, *, owner: Person = SELLER, households: int = 1) -> list[tuple[Unit, Right]]:
    """首次登记 of a new building through `record`; the owner holds each unit's title."""
    item = f.first_registration(
        households=households, parcel=_parcel(), holders=(owner.spec(PartyRole.HOLDER),)
    )
    result = record(item=item, by=registrar)
    return [(right.unit, right) for right in result.rights_created]


def bare_units(registrar: User, *, households: int = 2) -> list[Unit]:
    """Units taken in from the survey (权籍调查成果) without any right yet."""
    item = replace(
        f.first_registration(households=households, parcel=_parcel()),
        operation=Operation.ADD_UNITS,
        right=None,
        registration_type="",
    )
    return list(record(item=item, by=registrar).units_created)


def add_right(
    registrar: User, unit: Unit, kind: str, *, parties: tuple[PartySpec, ...], detail: Any
) -> Right:
    registration_type = {RightKind.ADVANCE_NOTICE: "700", RightKind.OBJECTION: "600"}.get(kind, "100")
    item = RegistrationItem(
        region_code=unit.region_code,
        business_number=f.business_number(),
        operation=Operation.CREATE,
        registration_type=registration_type,
        reason="测试准备",
        unit_codes=(unit.code,),
        right=RightSpec(kind=kind, parties=parties, detail=detail),
    )
    return record(item=item, by=registrar).rights_created[0]


def mortgage(registrar: User, unit: Unit, *, owner: Person = SELLER, bank: Person = BANK) -> Right:
    item = f.mortgage(unit, mortgagee=bank.spec(PartyRole.MORTGAGEE), mortgagor=owner.spec(PartyRole.HOLDER))
    assert item.right is not None and item.right.detail is not None
    detail = replace(item.right.detail, guarantee_scope=MORTGAGE_DATA["guarantee_scope"])
    item = replace(item, right=replace(item.right, detail=detail))
    return record(item=item, by=registrar).rights_created[0]


def purchase_notice(
    registrar: User, unit: Unit, *, buyer: Person = BUYER, seller: Person = DEVELOPER
) -> Right:
    return add_right(
        registrar,
        unit,
        RightKind.ADVANCE_NOTICE,
        parties=(buyer.spec(PartyRole.NOTICE_HOLDER), seller.spec(PartyRole.NOTICE_OBLIGOR)),
        detail=AdvanceNoticeSpec(notice_kind="1", price=Decimal("150")),
    )


def mortgage_notice(registrar: User, unit: Unit, *, bank: Person = BANK, buyer: Person = BUYER) -> Right:
    return add_right(
        registrar,
        unit,
        RightKind.ADVANCE_NOTICE,
        parties=(bank.spec(PartyRole.NOTICE_HOLDER), buyer.spec(PartyRole.NOTICE_OBLIGOR)),
        detail=AdvanceNoticeSpec(notice_kind="3", price=Decimal("100")),
    )


def residence(registrar: User, unit: Unit, *, resident: Person = SPOUSE, owner: Person = SELLER) -> Right:
    return add_right(
        registrar,
        unit,
        RightKind.RESIDENCE,
        parties=(resident.spec(PartyRole.RESIDENT), owner.spec(PartyRole.OBLIGOR)),
        detail=ResidenceSpec(start=date(2024, 1, 1)),
    )


MORTGAGE_DATA = {
    "method": "1",
    "secured_amount": "80",
    "guarantee_scope": "主债权及利息、违约金、损害赔偿金和实现抵押权的费用",
    "transfer_restricted": False,
    "debt_start": "2025-01-01",
    "debt_end": "2045-01-01",
}


def new_case(
    staff: Staff, business_type: str, units: list[str], parties: list[dict[str, Any]], data: dict[str, Any]
) -> Case:
    return case_create(
        region_code=REGION,
        business_type=business_type,
        unit_codes=units,
        parties=parties,
        data=data,
        by=staff.clerk,
    )


def add_required_materials(case: Case, by: User) -> None:
    for entry in case.workflow.materials:
        if entry["required"]:
            case_material_add(
                case=case,
                checklist_code=entry["code"],
                content=PDF,
                content_type="application/pdf",
                form=entry["form"],
                pages=entry["pages"],
                by=by,
            )


def to_register(staff: Staff, case: Case) -> Case:
    add_required_materials(case, staff.clerk)
    case = case_accept(case=case, by=staff.clerk)
    return case_review(case=case, by=staff.reviewer, result="1")


def finish(staff: Staff, case: Case) -> Case:
    """From the register step to 归档, issuing whatever the business issues."""
    case = case_register(case=case, by=staff.registrar)
    if case.stage == Stage.CERTIFY:
        case = case_certify(case=case, by=staff.clerk)
        case = case_issue(
            case=case,
            by=staff.clerk,
            receiver_name=BUYER.name,
            receiver_id_type="1",
            receiver_id_number=BUYER.id_number,
            id_checked=True,
        )
    return case_archive(case=case, by=staff.clerk, archive_number=f"CF-{case.number}", location="档案室A-01")


def run(
    staff: Staff, business_type: str, units: list[str], parties: list[dict[str, Any]], data: dict[str, Any]
) -> Case:
    case = new_case(staff, business_type, units, parties, data)
    return finish(staff, to_register(staff, case))
