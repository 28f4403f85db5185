"""国有建设用地使用权及房屋所有权: 首次, 转移 (买卖、继承、赠与), 变更, 注销 — each from a blank
case to the issued certificate (or to 归档 when nothing is issued)."""

from decimal import Decimal

import pytest

from bdcdj.cases.models import CaseStatus, Stage
from bdcdj.cases.tests import helpers as h
from bdcdj.register.models import PartyRole, Right, RightKind, RightStatus
from bdcdj.register.selectors import unit_state

pytestmark = pytest.mark.django_db


def _title(staff, code: str) -> Right:
    return unit_state(user=staff.registrar, code=code).title


def test_developer_first_registration_issues_one_certificate_per_unit(staff):
    units = [u.code for u in h.bare_units(staff.registrar, households=2)]
    case = h.run(
        staff,
        "house_first",
        units,
        [h.DEVELOPER.party("holder")],
        {"land_use_start": "2010-01-01", "land_use_end": "2080-12-31"},
    )
    assert case.stage == Stage.ARCHIVED and case.status == CaseStatus.DONE
    certificates = list(case.certificates.order_by("id"))
    assert len(certificates) == 2 and all(c.sm3 and c.rendered_at and c.issued_at for c in certificates)
    assert [c.number[-9:] for c in certificates] == ["第0000001号", "第0000002号"]
    for code, certificate in zip(units, certificates, strict=True):
        title = _title(staff, code)
        assert title.kind == RightKind.HOUSE_OWNERSHIP and title.certificate_number == certificate.number
        assert title.business_number == case.number and title.detail.land_use_end.year == 2080
    fees = {f.code: f.amount for f in case.fees.all()}
    assert fees == {"registration": Decimal("160.00"), "booklet": Decimal("10.00")}


def test_sale_transfers_the_title_to_the_buyer_with_a_new_certificate(staff):
    [(unit, old)] = h.titled_house(staff.registrar)
    case = h.run(
        staff,
        "house_transfer_sale",
        [unit.code],
        [h.BUYER.party("holder"), h.SELLER.party("obligor")],
        {"price": "120.5"},
    )
    title = _title(staff, unit.code)
    assert title.predecessor_id == old.pk and title.detail.price == Decimal("120.5000")
    assert title.detail.land_use_end == old.detail.land_use_end  # kept from the seller's title
    assert [p.name_masked for p in title.parties.all()] == ["李*", "张*三"]
    assert title.certificate_number == case.certificates.get().number
    old.refresh_from_db()
    assert old.status == RightStatus.HISTORIC


def test_inheritance_by_written_commitment_gives_each_heir_a_certificate(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    case = h.run(
        staff,
        "house_transfer_inherit",
        [unit.code],
        [
            h.HEIR.party("holder", share="50"),
            h.SPOUSE.party("holder", share="50"),
            h.SELLER.party("obligor"),
        ],
        {"inheritance_basis": "commitment", "co_ownership": "2", "separate_certificates": True},
    )
    title = _title(staff, unit.code)
    numbers = sorted(case.certificates.values_list("number", flat=True))
    holders = [p for p in title.parties.all() if p.role == PartyRole.HOLDER]
    assert len(numbers) == 2 and sorted(p.certificate_number for p in holders) == numbers
    assert all(p.holds_certificate for p in holders)
    assert "书面承诺" in title.remarks and title.co_ownership == "2"
    fees = {f.code: f.amount for f in case.fees.all()}
    assert fees == {"registration": Decimal("80.00"), "booklet": Decimal("10.00")}  # second booklet


def test_gift_transfers_the_title(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    h.run(staff, "house_transfer_gift", [unit.code], [h.BUYER.party("holder"), h.SELLER.party("obligor")], {})
    assert _title(staff, unit.code).reason == "国有建设用地使用权及房屋所有权转移登记（赠与）"


def test_area_change_writes_a_new_version_of_the_title(staff):
    [(unit, old)] = h.titled_house(staff.registrar)
    case = h.run(
        staff,
        "house_change",
        [unit.code],
        [h.SELLER.party("applicant")],
        {"target_right_id": old.pk, "change_kind": "area", "built_area": "95.20"},
    )
    title = _title(staff, unit.code)
    assert title.registration_type == "300" and title.predecessor_id == old.pk
    assert (
        title.detail.built_area == Decimal("95.20")
        and title.detail.land_use_start == old.detail.land_use_start
    )
    assert [p.name_masked for p in title.parties.all()] == ["张*三"]  # holders kept
    assert case.certificates.count() == 1


def test_cancellation_ends_the_title_and_issues_nothing(staff):
    [(unit, old)] = h.titled_house(staff.registrar)
    case = h.new_case(
        staff, "house_cancel", [unit.code], [h.SELLER.party("applicant")], {"target_right_id": old.pk}
    )
    case = h.to_register(staff, case)
    from bdcdj.cases.services import case_register

    case = case_register(case=case, by=staff.registrar)
    assert case.stage == Stage.ARCHIVE and case.completed_at is not None and not case.certificates.exists()
    old.refresh_from_db()
    assert old.status == RightStatus.TERMINATED and old.ended_by_business == case.number
    assert _title(staff, unit.code) is None


def test_name_change_records_the_new_name_of_the_same_person(staff):
    [(unit, old)] = h.titled_house(staff.registrar)
    renamed = h.Person("张晓三", h.SELLER.id_number)
    h.run(
        staff,
        "house_change",
        [unit.code],
        [renamed.party("holder")],
        {"target_right_id": old.pk, "change_kind": "name"},
    )
    title = _title(staff, unit.code)
    from bdcdj.accounts.pii import decrypt_text

    holder = title.parties.get()
    assert decrypt_text(holder.name_enc) == "张晓三" and title.predecessor_id == old.pk
    assert holder.id_index == old.parties.get().id_index
