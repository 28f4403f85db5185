"""A certificate made the way the county makes one: a sale case from 收件 to 发证, then its
signed version read back (the code is printed on the PDF and nowhere else in clear)."""

from __future__ import annotations

import re

from bdcdj.cases.models import Case, CaseCertificate
from bdcdj.cases.tests import helpers as h
from bdcdj.certs.models import CertificateVersion
from bdcdj.certs.services import certificate_pdf
from bdcdj.certs.tests.pdftext import pdf_text

CODE = re.compile(r"核验码：([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})")


def sale(
    staff: h.Staff, *, seller: h.Person = h.SELLER, buyer: h.Person = h.BUYER, unit_code: str = ""
) -> Case:
    if not unit_code:
        [(unit, _)] = h.titled_house(staff.registrar, owner=seller)
        unit_code = unit.code
    return h.run(
        staff,
        "house_transfer_sale",
        [unit_code],
        [buyer.party("holder"), seller.party("obligor")],
        {"price": "120.5"},
    )


def version_of(certificate: CaseCertificate, number: int | None = None) -> CertificateVersion:
    rows = certificate.versions.order_by("-version")
    return rows.get(version=number) if number is not None else rows.first()  # type: ignore[return-value]


def code_of(version: CertificateVersion) -> str:
    match = CODE.search(pdf_text(certificate_pdf(version=version)))
    assert match is not None
    return match.group(1)
