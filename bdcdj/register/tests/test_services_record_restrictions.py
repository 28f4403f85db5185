"""抵押、查封/轮候/解封、异议、预告 through `record`."""

from dataclasses import replace
from decimal import Decimal

import pytest

from bdcdj.core.errors import Conflict, InvalidInput
from bdcdj.register.models import Operation, PartyRole, RightStatus
from bdcdj.register.services import AdvanceNoticeSpec, RightSpec, record
from bdcdj.register.tests import factories as f


def test_second_mortgage_gets_the_next_rank(registrar):
    unit, _ = f.registered_house(registrar)
    first = record(item=f.mortgage(unit), by=registrar).rights_created[0]
    second = record(item=f.mortgage(unit, amount=Decimal("20")), by=registrar).rights_created[0]
    assert (first.detail.rank, second.detail.rank) == (1, 2)


def test_rank_continues_after_an_earlier_mortgage_is_cancelled(registrar):
    unit, _ = f.registered_house(registrar)
    first = record(item=f.mortgage(unit), by=registrar).rights_created[0]
    record(item=f.mortgage(unit), by=registrar)
    record(item=f.cancel(first), by=registrar)
    third = record(item=f.mortgage(unit), by=registrar).rights_created[0]
    assert third.detail.rank == 3
    first.refresh_from_db()
    assert first.status == RightStatus.TERMINATED


def test_mortgage_transfer_keeps_its_rank(registrar):
    unit, _ = f.registered_house(registrar)
    record(item=f.mortgage(unit), by=registrar)
    second = record(item=f.mortgage(unit), by=registrar).rights_created[0]
    other_bank = replace(f.BANK, name="合肥科技农村商业银行股份有限公司", id_number="91340100MA2N0000Y2")
    item = replace(
        f.mortgage(unit, mortgagee=other_bank, mortgagor=None),
        operation=Operation.TRANSFER,
        registration_type="200",
        reason="债权转让",
        target_right_ids=(second.pk,),
    )
    moved = record(item=item, by=registrar).rights_created[0]
    assert moved.detail.rank == 2 and moved.predecessor == second


def test_seized_unit_cannot_be_mortgaged(registrar):
    unit, _ = f.registered_house(registrar)
    record(item=f.seizure(unit), by=registrar)
    with pytest.raises(Conflict) as exc:
        record(item=f.mortgage(unit), by=registrar)
    assert exc.value.code == "unit_seized" and "不能办理抵押登记" in exc.value.message


def test_mortgage_needs_a_current_title(registrar):
    item = replace(
        f.first_registration(households=1), operation=Operation.ADD_UNITS, right=None, registration_type=""
    )
    unit = record(item=item, by=registrar).units_created[0]
    with pytest.raises(Conflict) as exc:
        record(item=f.mortgage(unit, mortgagor=None), by=registrar)
    assert exc.value.code == "no_title"


def test_mortgagor_must_be_the_recorded_holder(registrar):
    unit, _ = f.registered_house(registrar)
    with pytest.raises(Conflict) as exc:
        record(item=f.mortgage(unit, mortgagor=f.BUYER), by=registrar)
    assert exc.value.code == "mortgagor_not_holder"


def test_maximum_amount_mortgage(registrar):
    unit, _ = f.registered_house(registrar)
    right = record(item=f.mortgage(unit, method="2", amount=Decimal("300")), by=registrar).rights_created[0]
    assert right.detail.maximum_amount == Decimal("300") and right.detail.secured_amount is None


def test_second_seizure_queues_and_takes_effect_when_the_first_is_released(registrar):
    unit, _ = f.registered_house(registrar)
    first = record(item=f.seizure(unit), by=registrar).rights_created[0]
    second_result = record(item=f.seizure(unit, document="（2024）皖0121执456号"), by=registrar)
    second = second_result.rights_created[0]
    third = record(item=f.seizure(unit, document="（2024）皖0121执789号"), by=registrar).rights_created[0]
    assert (first.detail.queue_position, first.detail.seizure_kind) == (0, "1")
    assert (second.detail.queue_position, second.detail.seizure_kind, second.detail.effective_at) == (
        1,
        "2",
        None,
    )
    assert third.detail.queue_position == 2
    assert any("轮候查封" in w for w in second_result.warnings)

    result = record(item=f.release(first), by=registrar)
    first.refresh_from_db()
    second.detail.refresh_from_db()
    third.detail.refresh_from_db()
    assert first.status == RightStatus.TERMINATED and first.detail.released_at == first.ended_at
    assert first.detail.release_document.endswith("之一")
    assert second.detail.queue_position == 0 and second.detail.effective_at == first.ended_at
    assert third.detail.queue_position == 1 and third.detail.effective_at is None
    changes = {(c["id"], c["change"]) for c in result.event.payload["rights_changed"]}
    assert {(second.pk, "seizure_effective"), (second.pk, "queue"), (third.pk, "queue")} <= changes


def test_releasing_a_queued_seizure_leaves_the_effective_one(registrar):
    unit, _ = f.registered_house(registrar)
    first = record(item=f.seizure(unit), by=registrar).rights_created[0]
    second = record(item=f.seizure(unit, document="X2"), by=registrar).rights_created[0]
    record(item=f.release(second), by=registrar)
    first.detail.refresh_from_db()
    assert first.detail.queue_position == 0


def test_seizure_cannot_be_cancelled_without_release(registrar):
    unit, _ = f.registered_house(registrar)
    seizure = record(item=f.seizure(unit), by=registrar).rights_created[0]
    with pytest.raises(InvalidInput) as exc:
        record(item=f.cancel(seizure), by=registrar)
    assert exc.value.code == "use_release"


def test_release_of_something_else_is_refused(registrar):
    _unit, title = f.registered_house(registrar)
    with pytest.raises(InvalidInput) as exc:
        record(item=replace(f.release(title), target_right_ids=(title.pk,)), by=registrar)
    assert exc.value.code == "not_a_seizure"


def test_released_seizure_cannot_be_released_twice(registrar):
    unit, _ = f.registered_house(registrar)
    seizure = record(item=f.seizure(unit), by=registrar).rights_created[0]
    record(item=f.release(seizure), by=registrar)
    with pytest.raises(Conflict) as exc:
        record(item=f.release(seizure), by=registrar)
    assert exc.value.code == "right_not_current"


def test_objection_is_registered_and_cancelled_with_its_own_type(registrar):
    unit, _ = f.registered_house(registrar)
    objection = record(item=f.objection(unit), by=registrar).rights_created[0]
    assert objection.registration_type == "600"
    record(item=f.cancel(objection, registration_type="600"), by=registrar)
    objection.refresh_from_db()
    assert objection.status == RightStatus.TERMINATED


def test_objection_warns_a_new_mortgage(registrar):
    unit, _ = f.registered_house(registrar)
    record(item=f.objection(unit), by=registrar)
    result = record(item=f.mortgage(unit), by=registrar)
    assert any("异议" in w for w in result.warnings)


def test_mortgage_advance_notice_converts_on_mortgage_to_the_same_bank(registrar):
    unit, _ = f.registered_house(registrar)
    notice_item = f.purchase_notice(unit)
    notice_item = replace(
        notice_item,
        right=replace(
            notice_item.right,
            parties=(replace(f.BANK, role=PartyRole.NOTICE_HOLDER),),
            detail=AdvanceNoticeSpec(notice_kind="3", price=Decimal("80")),
        ),
    )
    notice = record(item=notice_item, by=registrar).rights_created[0]
    mortgage = record(item=f.mortgage(unit), by=registrar).rights_created[0]
    notice.refresh_from_db()
    assert notice.status == RightStatus.HISTORIC and notice.detail.converted_to == mortgage


def test_advance_notice_on_a_seized_unit_is_refused(registrar):
    unit, _ = f.registered_house(registrar)
    record(item=f.seizure(unit), by=registrar)
    with pytest.raises(Conflict) as exc:
        record(item=f.purchase_notice(unit), by=registrar)
    assert "预告登记" in exc.value.message


def test_advance_notice_on_a_unit_without_title(registrar):
    item = replace(
        f.first_registration(households=1), operation=Operation.ADD_UNITS, right=None, registration_type=""
    )
    unit = record(item=item, by=registrar).units_created[0]
    notice = record(item=f.purchase_notice(unit), by=registrar).rights_created[0]
    assert notice.detail.location == unit.location and notice.detail.built_area == unit.built_area
    # The developer's 首次登记 does not consume the buyer's notice.
    first = RightSpec(kind="house_ownership", right_type="4", parties=(f.SELLER,))
    item = replace(f.mortgage(unit), unit_codes=(unit.code,), right=first, reason="首次登记")
    record(item=item, by=registrar)
    notice.refresh_from_db()
    assert notice.status == RightStatus.CURRENT
