"""Reads of the register: state now and as of a past moment, history, searches, masking and
tenant isolation."""

from dataclasses import replace
from datetime import datetime

import pytest
from django.utils import timezone

from bdcdj.accounts.models import AuditLog
from bdcdj.core.errors import InvalidInput, NotFound
from bdcdj.register import selectors
from bdcdj.register.models import Operation, Party, RightStatus
from bdcdj.register.services import record
from bdcdj.register.tests import factories as f


def test_unit_state_splits_title_and_restrictions(registrar):
    unit, title = f.registered_house(registrar)
    m1 = record(item=f.mortgage(unit), by=registrar).rights_created[0]
    m2 = record(item=f.mortgage(unit), by=registrar).rights_created[0]
    s1 = record(item=f.seizure(unit), by=registrar).rights_created[0]
    s2 = record(item=f.seizure(unit, document="X2"), by=registrar).rights_created[0]
    o1 = record(item=f.objection(unit), by=registrar).rights_created[0]

    state = selectors.unit_state(user=registrar, code=unit.code)
    assert state.title == title
    assert state.mortgages == [m1, m2] and state.seizures == [s1, s2] and state.objections == [o1]
    assert state.is_seized and state.is_mortgaged and state.has_objection and not state.has_advance_notice
    assert state.title.detail.built_area is not None
    assert [p.name_masked for p in state.title.parties.all()] == ["张*三"]


def test_unit_state_reads_in_a_fixed_number_of_queries(registrar, django_assert_max_num_queries):
    unit, _ = f.registered_house(registrar)
    for _ in range(3):
        record(item=f.mortgage(unit), by=registrar)
    record(item=f.seizure(unit), by=registrar)
    registrar = type(registrar).objects.get(pk=registrar.pk)
    # tenants, unit, rights, parties, then one query per detail table present (house, mortgage,
    # seizure): the count does not grow with the number of rights.
    with django_assert_max_num_queries(7):
        state = selectors.unit_state(user=registrar, code=unit.code)
        for right in state.rights:
            _ = right.detail, list(right.parties.all())


def _between() -> datetime:
    return timezone.now()


def test_state_as_of_a_past_moment(registrar):
    unit, first = f.registered_house(registrar)
    mortgage = record(item=f.mortgage(unit), by=registrar).rights_created[0]
    before_transfer = _between()
    second = record(item=f.transfer(unit, target=first), by=registrar).rights_created[0]
    record(item=f.cancel(mortgage), by=registrar)

    then = selectors.unit_state(user=registrar, code=unit.code, as_of=before_transfer)
    assert then.title == first and then.mortgages == [mortgage]
    now = selectors.unit_state(user=registrar, code=unit.code)
    assert now.title == second and now.mortgages == []
    before_anything = selectors.unit_state(
        user=registrar, code=unit.code, as_of=first.registered_at.replace(year=2000)
    )
    assert before_anything.title is None and before_anything.rights == []


def test_queued_seizure_binds_only_from_its_effective_time(registrar):
    unit, _ = f.registered_house(registrar)
    first = record(item=f.seizure(unit), by=registrar).rights_created[0]
    second = record(item=f.seizure(unit, document="X2"), by=registrar).rights_created[0]
    queued = _between()
    record(item=f.release(first), by=registrar)
    after = _between()

    then = selectors.unit_state(user=registrar, code=unit.code, as_of=queued)
    assert then.seizures == [first, second] and then.is_seized
    later = selectors.unit_state(user=registrar, code=unit.code, as_of=after)
    assert later.seizures == [second] and later.is_seized


def test_naive_as_of_is_refused(registrar):
    unit, _ = f.registered_house(registrar)
    with pytest.raises(InvalidInput):
        selectors.unit_state(user=registrar, code=unit.code, as_of=datetime(2024, 1, 1))


def test_history_gives_the_title_chain_and_events_in_order(registrar):
    unit, first = f.registered_house(registrar)
    second = record(item=f.transfer(unit, target=first), by=registrar).rights_created[0]
    buyer2 = replace(f.SELLER, name="孙八", id_number="340121197003037777")
    third = record(
        item=f.transfer(unit, target=second, buyers=(buyer2,), seller=f.BUYER), by=registrar
    ).rights_created[0]

    history = selectors.unit_history(user=registrar, code=unit.code)
    assert [e.event.kind for e in history] == [Operation.CREATE, Operation.TRANSFER, Operation.TRANSFER]
    assert history[0].unit_created
    assert [e.event.seq for e in history] == sorted(e.event.seq for e in history)
    link2 = history[1].rights_created[0]
    assert link2.right == second and link2.predecessor_id == first.pk and link2.successor_ids == (third.pk,)
    assert [link.right for link in history[1].rights_ended] == [first]
    assert history[2].rights_created[0].successor_ids == ()


def test_owner_search_uses_the_blind_index_and_current_rights(registrar):
    unit, title = f.registered_house(registrar)
    assert selectors.units_by_owner_id(user=registrar, id_number=f.SELLER.id_number) == [unit]
    assert selectors.units_by_owner_id(user=registrar, id_number=" 340121199001011234 ") == [unit]
    record(item=f.transfer(unit, target=title), by=registrar)
    assert selectors.units_by_owner_id(user=registrar, id_number=f.SELLER.id_number) == []
    assert selectors.units_by_owner_id(user=registrar, id_number=f.SELLER.id_number, current_only=False) == [
        unit
    ]
    assert selectors.units_by_owner_id(user=registrar, id_number=f.BUYER.id_number.lower()) == [unit]
    audit = AuditLog.objects.filter(action="register.owner_search").first()
    assert audit is not None and f.SELLER.id_number not in str(audit.detail)


def test_owner_search_ignores_mortgagees(registrar):
    unit, _ = f.registered_house(registrar)
    record(item=f.mortgage(unit), by=registrar)
    assert selectors.units_by_owner_id(user=registrar, id_number=f.BANK.id_number) == []


def test_location_search_is_paginated(registrar):
    record(item=f.first_registration(households=5), by=registrar)
    first = selectors.units_by_location(user=registrar, text="幸福路", limit=2, page=1)
    third = selectors.units_by_location(user=registrar, text="幸福路", limit=2, page=3)
    assert [u.room_label for u in first.items] == ["101", "102"] and first.has_next
    assert [u.room_label for u in third.items] == ["105"] and not third.has_next


def test_location_search_needs_two_characters(registrar):
    with pytest.raises(InvalidInput):
        selectors.units_by_location(user=registrar, text=" 幸 ")


def test_a_user_of_340122_cannot_read_340121(registrar, other_district_user):
    unit, title = f.registered_house(registrar)
    with pytest.raises(NotFound):
        selectors.unit_get(user=other_district_user, code=unit.code)
    with pytest.raises(NotFound):
        selectors.unit_state(user=other_district_user, code=unit.code)
    with pytest.raises(NotFound):
        selectors.unit_history(user=other_district_user, code=unit.code)
    with pytest.raises(NotFound):
        selectors.right_get(user=other_district_user, right_id=title.pk)
    with pytest.raises(NotFound):
        selectors.party_display(user=other_district_user, party=Party.objects.get())
    assert selectors.units_by_owner_id(user=other_district_user, id_number=f.SELLER.id_number) == []
    assert selectors.units_by_location(user=other_district_user, text="幸福路").items == []


def test_unknown_unit_is_not_found_and_bad_code_is_invalid(registrar):
    with pytest.raises(NotFound):
        selectors.unit_get(user=registrar, code=f.house_code(9, 9))
    with pytest.raises(InvalidInput) as exc:
        selectors.unit_get(user=registrar, code="34012100")
    assert exc.value.code == "invalid_unit_code"


def test_party_display_is_masked_without_pii_permission(registrar):
    f.registered_house(registrar)
    shown = selectors.party_display(user=registrar, party=Party.objects.get())
    assert shown["masked"] and shown["name"] == "张*三" and shown["id_number"] == "3401**********1234"
    assert not AuditLog.objects.filter(action="register.party_reveal").exists()


def test_party_display_reveals_to_pii_viewers_and_audits(registrar, pii_user):
    f.registered_house(registrar)
    party = Party.objects.get()
    shown = selectors.party_display(user=pii_user, party=party)
    assert not shown["masked"] and shown["name"] == f.SELLER.name and shown["id_number"] == f.SELLER.id_number
    audit = AuditLog.objects.get(action="register.party_reveal")
    assert audit.actor == pii_user and audit.object_id == str(party.pk) and audit.region_code == f.REGION
    assert f.SELLER.name not in str(audit.detail)


def test_right_get_returns_details_and_parties(registrar):
    unit, title = f.registered_house(registrar)
    right = selectors.right_get(user=registrar, right_id=title.pk)
    assert right.unit == unit and right.status == RightStatus.CURRENT
