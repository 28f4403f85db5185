"""Queuing in the source's transaction, catch-up, sequencing, signed heads and proofs served
from the stored subtrees, checked with the independent verifier."""

from __future__ import annotations

import pytest
from django.db import transaction

from bdcdj.exchange import signing
from bdcdj.ledger import selectors
from bdcdj.ledger.models import Entry, EntryKind, Node
from bdcdj.ledger.services import ledger_catch_up, ledger_sequence, tree_head_publish
from bdcdj.ledger.verifier import (
    bundle_check,
    leaf_hash,
    tree_head_verify,
    verify_consistency,
    verify_inclusion,
)
from bdcdj.register.models import RegisterEvent

pytestmark = pytest.mark.django_db


def test_every_register_event_is_queued_in_its_own_transaction(make_events):
    events = make_events(3)
    queued = Entry.objects.filter(kind=EntryKind.REGISTER_EVENT).order_by("pk")
    assert [e.source_id for e in queued] == [ev.pk for ev in events]
    assert all(e.index is None for e in queued)
    assert f'"event_hash":"{events[0].hash}"' in queued[0].entry


def test_a_rolled_back_event_leaves_no_entry(make_events, registrar):
    make_events(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        make_events(1)
        raise RuntimeError("登簿失败")
    assert Entry.objects.count() == RegisterEvent.objects.count() == 1


def test_catch_up_queues_events_written_without_the_hook(make_events):
    events = make_events(4)
    Entry.objects.filter(source_id__in=[events[1].pk, events[2].pk]).delete()
    assert ledger_catch_up() == 2
    assert ledger_catch_up() == 0
    assert Entry.objects.filter(kind=EntryKind.REGISTER_EVENT).count() == 4


def test_published_head_is_signed_and_proves_every_entry(make_events):
    make_events(7)
    head = tree_head_publish()
    assert head is not None and head.tree_size == 7
    signed = selectors.head_signed(head)
    assert tree_head_verify(signed, public_key_hex=signing.node_public_key_hex())
    assert not tree_head_verify(signed, public_key_hex=signing.public_key_of(signing.key_generate()))
    for index in range(7):
        proof = selectors.inclusion_proof(index=index)
        leaf = leaf_hash(selectors.entry_by_index(index).entry.encode())
        assert verify_inclusion(
            index=index,
            tree_size=7,
            leaf=leaf,
            proof=[bytes.fromhex(p) for p in proof.path],
            root=signed.root_hash,
        )
    assert Node.objects.count() == 7 + 3 + 1  # complete subtrees only: 7 leaves, 3 pairs, 1 of four
    assert tree_head_publish() is None  # nothing new: the head still stands


def test_consistency_between_two_published_heads(make_events):
    make_events(5)
    first = tree_head_publish()
    make_events(6)
    second = tree_head_publish()
    assert first and second and (first.tree_size, second.tree_size) == (5, 11)
    proof = [bytes.fromhex(p) for p in selectors.consistency_proof(first=5, second=11)]
    assert verify_consistency(
        first=5,
        second=11,
        first_root=bytes.fromhex(first.root_hash),
        second_root=bytes.fromhex(second.root_hash),
        proof=proof,
    )
    assert selectors.root_at(5) == first.root_hash


def test_sequencing_in_batches_gives_the_same_tree(make_events):
    make_events(9)
    assert ledger_sequence(limit=4) == 4
    assert ledger_sequence(limit=4) == 4
    assert ledger_sequence(limit=4) == 1
    head = tree_head_publish()
    assert head and head.tree_size == 9
    assert list(Entry.objects.order_by("index").values_list("index", flat=True)) == list(range(9))


def test_bundle_of_an_event_verifies_independently(make_events):
    events = make_events(3)
    tree_head_publish()
    entry = selectors.entry_for_event(event=f"{events[1].region_code}:{events[1].seq}")
    assert entry is not None
    bundle = selectors.bundle_for(entry)
    key = signing.node_public_key_hex()
    assert bundle_check(bundle, public_key_hex=key, event_hash=events[1].hash).ok
    assert not bundle_check(bundle, public_key_hex=key, event_hash=events[0].hash).ok
