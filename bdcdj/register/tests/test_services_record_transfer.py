"""转移、变更、更正、注销 and the rules that guard them."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bdcdj.core.errors import Conflict, InvalidInput, NotFound
from bdcdj.register.models import Operation, Party, PartyRole, Right, RightStatus
from bdcdj.register.services import HouseOwnershipSpec, RightSpec, record
from bdcdj.register.tests import factories as f


def test_transfer_supersedes_the_current_title(registrar):
    unit, old = f.registered_house(registrar)
    result = record(item=f.transfer(unit, target=old), by=registrar)

    old.refresh_from_db()
    new = result.rights_created[0]
    assert old.status == RightStatus.HISTORIC and old.ended_at == new.registered_at
    assert old.ended_by_business == new.business_number and old.ended_event == result.event
    assert new.predecessor == old and list(old.successors.all()) == [new]
    assert new.detail.price == Decimal("120.5000")
    assert [p.name_masked for p in new.parties.filter(role=PartyRole.HOLDER)] == ["李*"]
    assert result.rights_ended == (old,)
    assert Right.objects.filter(unit=unit, status=RightStatus.CURRENT).count() == 1


def test_transfer_without_target_supersedes_the_units_title(registrar):
    unit, old = f.registered_house(registrar)
    result = record(item=f.transfer(unit), by=registrar)
    assert result.rights_created[0].predecessor_id == old.pk


def test_seized_unit_cannot_be_transferred(registrar):
    unit, title = f.registered_house(registrar)
    record(item=f.seizure(unit), by=registrar)
    with pytest.raises(Conflict) as exc:
        record(item=f.transfer(unit, target=title), by=registrar)
    assert exc.value.code == "unit_seized"
    assert exc.value.message.startswith("该不动产单元已被查封，不能办理转移登记")


def test_a_right_can_be_transferred_only_once(registrar):
    unit, title = f.registered_house(registrar)
    record(item=f.transfer(unit, target=title), by=registrar)
    with pytest.raises(Conflict) as exc:
        record(item=f.transfer(unit, target=title, seller=None), by=registrar)
    assert exc.value.code == "right_not_current"


def test_obligor_must_be_the_recorded_holder(registrar):
    unit, title = f.registered_house(registrar)
    stranger = replace(f.SELLER, name="赵六", id_number="340121198001015555")
    with pytest.raises(Conflict) as exc:
        record(item=f.transfer(unit, target=title, seller=stranger), by=registrar)
    assert exc.value.code == "obligor_not_holder"


def test_objection_warns_but_does_not_block_a_transfer(registrar):
    unit, title = f.registered_house(registrar)
    record(item=f.objection(unit), by=registrar)
    result = record(item=f.transfer(unit, target=title), by=registrar)
    assert any("异议登记" in w for w in result.warnings)
    assert result.event.payload["warnings"] == list(result.warnings)


def test_mortgage_follows_a_transfer_unless_restricted(registrar):
    unit, title = f.registered_house(registrar)
    record(item=f.mortgage(unit), by=registrar)
    result = record(item=f.transfer(unit, target=title), by=registrar)
    assert any("抵押权" in w for w in result.warnings)

    unit2, title2 = f.registered_house(registrar, building=2, with_parcel=False)
    record(item=f.mortgage(unit2, transfer_restricted=True), by=registrar)
    with pytest.raises(Conflict) as exc:
        record(item=f.transfer(unit2, target=title2), by=registrar)
    assert exc.value.code == "mortgage_restricts_transfer"


def test_purchase_notice_converts_to_title_on_transfer_to_its_holder(registrar):
    unit, title = f.registered_house(registrar)
    notice = record(item=f.purchase_notice(unit), by=registrar).rights_created[0]
    result = record(item=f.transfer(unit, target=title), by=registrar)
    notice.refresh_from_db()
    new = result.rights_created[0]
    assert notice.status == RightStatus.HISTORIC and notice.detail.converted_to == new
    assert notice in result.rights_ended
    assert {"id": notice.pk, "unit": unit.code, "change": "converted", "to": new.pk} in result.event.payload[
        "rights_changed"
    ]


def test_purchase_notice_blocks_a_transfer_to_someone_else(registrar):
    unit, title = f.registered_house(registrar)
    record(item=f.purchase_notice(unit), by=registrar)
    other = replace(f.BUYER, name="钱七", id_number="340121198502026666")
    with pytest.raises(Conflict) as exc:
        record(item=f.transfer(unit, target=title, buyers=(other,)), by=registrar)
    assert exc.value.code == "advance_notice_blocks"


def test_change_keeps_parties_and_detail_when_not_given(registrar):
    unit, title = f.registered_house(registrar)
    item = replace(
        f.transfer(unit, target=title),
        operation=Operation.CHANGE,
        registration_type="300",
        reason="坐落名称变更",
        right=RightSpec(kind=title.kind, remarks="门牌号由幸福路1号变更为幸福路3号"),
    )
    new = record(item=item, by=registrar).rights_created[0]
    assert new.predecessor == title and new.right_type == "4"
    assert [p.id_index for p in new.parties.all()] == [p.id_index for p in title.parties.all()]
    assert new.detail.land_use_end == title.detail.land_use_end
    assert new.remarks.startswith("门牌号")


def test_correction_replaces_the_detail(registrar):
    unit, title = f.registered_house(registrar)
    item = replace(
        f.transfer(unit, target=title),
        operation=Operation.CORRECT,
        registration_type="500",
        reason="依申请更正面积",
        right=RightSpec(kind=title.kind, detail=HouseOwnershipSpec(built_area=Decimal("90.10"))),
    )
    new = record(item=item, by=registrar).rights_created[0]
    title.refresh_from_db()
    assert title.status == RightStatus.HISTORIC and new.detail.built_area == Decimal("90.10")


def test_cancel_terminates_an_unencumbered_title(registrar):
    unit, title = f.registered_house(registrar)
    result = record(item=f.cancel(title), by=registrar)
    title.refresh_from_db()
    assert title.status == RightStatus.TERMINATED and title.ended_event == result.event
    assert not Right.objects.filter(unit=unit, status=RightStatus.CURRENT).exists()


def test_cancel_of_a_mortgaged_title_is_refused(registrar):
    unit, title = f.registered_house(registrar)
    record(item=f.mortgage(unit), by=registrar)
    with pytest.raises(Conflict) as exc:
        record(item=f.cancel(title), by=registrar)
    assert exc.value.code == "title_encumbered"


def test_cancel_of_an_unknown_right_is_not_found(registrar):
    f.registered_house(registrar)
    item = replace(f.cancel(Right.objects.get()), target_right_ids=(999_999,))
    with pytest.raises(NotFound):
        record(item=item, by=registrar)


def test_registration_time_cannot_precede_the_right_it_ends(registrar):
    _unit, title = f.registered_house(registrar)
    item = replace(f.cancel(title), registered_at=title.registered_at - timedelta(days=1))
    with pytest.raises(InvalidInput) as exc:
        record(item=item, by=registrar)
    assert "registered_at" in exc.value.fields


def test_backdated_registration_times_drive_ended_at(registrar):
    unit, title = f.registered_house(registrar)
    moment = timezone.now() - timedelta(minutes=1)
    Right.objects.filter(pk=title.pk).update(registered_at=moment - timedelta(days=30))
    record(item=replace(f.transfer(unit, target=title), registered_at=moment), by=registrar)
    title.refresh_from_db()
    assert title.ended_at == moment


def test_transfer_copies_no_party_of_the_seller(registrar):
    unit, title = f.registered_house(registrar)
    new = record(item=f.transfer(unit, target=title), by=registrar).rights_created[0]
    roles = sorted(Party.objects.filter(right=new).values_list("role", flat=True))
    assert roles == [PartyRole.HOLDER, PartyRole.OBLIGOR]
