"""更正 (依申请、依职权) and 换证/补证."""

from decimal import Decimal

import pytest

from bdcdj.cases.tests import helpers as h
from bdcdj.register.selectors import unit_state
from bdcdj.standards.models import CertificateNumber

pytestmark = pytest.mark.django_db


def test_correction_on_application_rewrites_the_wrong_area(staff):
    [(unit, old)] = h.titled_house(staff.registrar)
    h.run(
        staff,
        "correction_application",
        [unit.code],
        [h.SELLER.party("applicant")],
        {"target_right_id": old.pk, "matter": "建筑面积登记错误", "built_area": "91.30"},
    )
    title = unit_state(user=staff.registrar, code=unit.code).title
    assert title.registration_type == "500" and title.detail.built_area == Decimal("91.30")
    assert "更正事项：建筑面积登记错误" in title.remarks


def test_ex_officio_correction_needs_no_applicant(staff):
    [(unit, old)] = h.titled_house(staff.registrar)
    case = h.run(
        staff,
        "correction_ex_officio",
        [unit.code],
        [],
        {"target_right_id": old.pk, "matter": "用途登记错误", "basis": "档案核查发现", "planned_use": "10"},
    )
    title = unit_state(user=staff.registrar, code=unit.code).title
    assert title.detail.planned_use == "10" and case.parties.count() == 0
    assert case.certificates.count() == 1


def test_replacement_certificate_voids_the_old_number(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    h.run(
        staff,
        "house_transfer_sale",
        [unit.code],
        [h.BUYER.party("holder"), h.SELLER.party("obligor")],
        {"price": "100"},
    )
    sold = unit_state(user=staff.registrar, code=unit.code).title
    case = h.run(
        staff, "certificate_replace", [unit.code], [h.BUYER.party("applicant")], {"target_right_id": sold.pk}
    )
    title = unit_state(user=staff.registrar, code=unit.code).title
    assert title.certificate_number == case.certificates.get().number != sold.certificate_number
    assert CertificateNumber.objects.get(number=sold.certificate_number).status == "voided"
    assert [p.name_masked for p in title.parties.all()] == [p.name_masked for p in sold.parties.all()]
    assert f"原证号{sold.certificate_number}" in title.remarks


def test_reissue_after_loss_records_the_announcement(staff):
    [(unit, old)] = h.titled_house(staff.registrar)
    h.run(
        staff,
        "certificate_reissue",
        [unit.code],
        [h.SELLER.party("applicant")],
        {"target_right_id": old.pk, "announcement": "安徽日报 2025-05-06"},
    )
    title = unit_state(user=staff.registrar, code=unit.code).title
    assert "安徽日报" in title.remarks and title.certificate_number
