"""Test data of the portal: an owner who can sell a house, uploads, and the staff path of a
case from 受理 to 归档 through the case services (the way the console does it)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.test import Client
from reportlab.pdfgen import canvas

from bdcdj.accounts.models import User
from bdcdj.cases.models import Case, Stage
from bdcdj.cases.services import case_accept, case_certify, case_issue, case_register, case_review
from bdcdj.cases.tests.helpers import Person, titled_house
from bdcdj.portal.models import Application, Citizen
from bdcdj.portal.services import Upload, application_submit, citizen_verify
from bdcdj.portal.services.applications import GENERATED_MATERIAL, workflow_for
from bdcdj.portal.session import SESSION_KEY

REGION = "340121"


def _valid_id(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


BUYER = {
    "role": "holder",
    "party_type": "1",
    "id_type": "1",
    "name": "李四",
    "id_number": _valid_id("34012119920202567"),
}


def scan(text: str = "scan") -> bytes:
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=(200, 100))
    sheet.drawString(20, 50, text)
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()


@dataclass(frozen=True)
class Owner:
    name: str
    id_number: str
    unit_code: str


def owned_house(registrar: User, *, name: str, id_number: str) -> Owner:
    """A house this person alone holds (首次登记 through the register's writer)."""
    [(unit, _right)] = titled_house(registrar, owner=Person(name, id_number))
    return Owner(name, id_number, unit.code)


def portal_client(citizen: Citizen) -> Client:
    """A test client logged in to the portal as this citizen."""
    client = Client()
    session = client.session
    session[SESSION_KEY] = citizen.pk
    session.save()
    return client


def sale_submitted(
    *, staff: Staff, citizen: Citizen, name: str, id_number: str
) -> tuple[Citizen, Application, Owner]:
    """The person, verified as `citizen`, owns a house and applies online to sell it to BUYER."""
    owner = owned_house(staff.registrar, name=name, id_number=id_number)
    verified = citizen_verify(citizen=citizen, name=name, id_number=id_number)
    application = application_submit(
        citizen=verified,
        region_code=REGION,
        business_type="house_transfer_sale",
        unit_codes=[owner.unit_code],
        role="obligor",
        others=[BUYER],
        data={"price": "99"},
        uploads=uploads_for("house_transfer_sale"),
    )
    return verified, application, owner


def uploads_for(business_type: str, *, region_code: str = REGION) -> list[Upload]:
    workflow = workflow_for(region_code=region_code, business_type=business_type)
    return [
        Upload(m["code"], scan(m["code"]), "application/pdf")
        for m in workflow.materials
        if m["required"] and m["code"] != GENERATED_MATERIAL
    ]


@dataclass(frozen=True)
class Staff:
    clerk: User
    reviewer: User
    registrar: User


def staff_finish(case: Case, staff: Staff) -> Case:
    """受理 → 审核 → 登簿 → 缮证 → 发证, as the console's staff would."""
    case = case_accept(case=case, by=staff.clerk)
    case = case_review(case=case, by=staff.reviewer, result="1")
    case = case_register(case=case, by=staff.registrar)
    if case.stage == Stage.CERTIFY:
        case = case_certify(case=case, by=staff.clerk)
        case = case_issue(
            case=case,
            by=staff.clerk,
            receiver_name=BUYER["name"],
            receiver_id_type="1",
            receiver_id_number=BUYER["id_number"],
            id_checked=True,
        )
    return case
