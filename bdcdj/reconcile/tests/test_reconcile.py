import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bdcdj.core.crypto import sm3_digest
from bdcdj.reconcile.protocol import DepthMismatch, TreePeer, WireCounter, reconcile
from bdcdj.reconcile.tree import MerkleTree, depth_for


def records(n: int, *, salt: str = "") -> dict[str, bytes]:
    return {f"340121001001GB{i:05d}F00010001#{i}": sm3_digest(f"{i}{salt}".encode()) for i in range(n)}


def test_identical_registers_agree_after_one_round_trip():
    data = records(5000)
    depth = depth_for(len(data))
    wire = WireCounter(TreePeer(MerkleTree.build(data.items(), depth=depth)))
    diff = reconcile(MerkleTree.build(data.items(), depth=depth), wire)
    assert diff.total == 0
    assert wire.round_trips == 1


def test_changed_missing_and_extra_records_are_found_exactly():
    upper = records(20000)
    lower = dict(upper)
    keys = sorted(upper)
    lower[keys[10]] = sm3_digest(b"tampered")
    del lower[keys[500]]
    lower["340121001001GB99999F00010001#new"] = sm3_digest(b"new")
    depth = depth_for(len(upper))
    wire = WireCounter(TreePeer(MerkleTree.build(upper.items(), depth=depth)))
    diff = reconcile(MerkleTree.build(lower.items(), depth=depth), wire)
    assert diff.changed == [keys[10]]
    assert diff.only_remote == [keys[500]]
    assert diff.only_local == ["340121001001GB99999F00010001#new"]
    full_dump = len(json.dumps({k: v.hex() for k, v in upper.items()}).encode())
    assert wire.sent + wire.received < full_dump / 20
    assert wire.round_trips == depth + 2  # summary, one per level, the buckets


def test_incremental_updates_match_a_rebuild():
    data = records(3000)
    tree = MerkleTree.build(data.items(), depth=3)
    tree.put("k-new", sm3_digest(b"x"))
    tree.put(sorted(data)[0], None)
    tree.put(sorted(data)[1], sm3_digest(b"changed"))
    expected = dict(data)
    expected["k-new"] = sm3_digest(b"x")
    del expected[sorted(data)[0]]
    expected[sorted(data)[1]] = sm3_digest(b"changed")
    assert tree.root == MerkleTree.build(expected.items(), depth=3).root


def test_trees_of_different_depth_refuse_to_compare():
    data = records(100)
    with pytest.raises(DepthMismatch) as info:
        reconcile(MerkleTree.build(data.items(), depth=2), TreePeer(MerkleTree.build(data.items(), depth=3)))
    assert info.value.depth == 3


def test_depth_grows_with_the_register():
    assert depth_for(10) == 1
    assert depth_for(1_000_000) == 4
    assert depth_for(10**9) == 6


keys = st.text(alphabet="0123456789ABCDEFGJZ", min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(
    base=st.dictionaries(keys, st.binary(min_size=1, max_size=4), max_size=300),
    edits=st.dictionaries(keys, st.one_of(st.none(), st.binary(min_size=1, max_size=4)), max_size=20),
    depth=st.integers(min_value=1, max_value=3),
)
def test_reconcile_finds_exactly_the_symmetric_difference(base, edits, depth):
    upper = {k: sm3_digest(v) for k, v in base.items()}
    lower = dict(upper)
    for key, value in edits.items():
        if value is None:
            lower.pop(key, None)
        else:
            lower[key] = sm3_digest(value)
    diff = reconcile(
        MerkleTree.build(lower.items(), depth=depth), TreePeer(MerkleTree.build(upper.items(), depth=depth))
    )
    assert set(diff.changed) == {k for k in upper.keys() & lower.keys() if upper[k] != lower[k]}
    assert set(diff.only_local) == lower.keys() - upper.keys()
    assert set(diff.only_remote) == upper.keys() - lower.keys()
