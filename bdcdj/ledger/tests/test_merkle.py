"""RFC 9162 proofs from stored complete subtrees against a naive recursive reference (the
RFC's own definitions over the list of leaves), for random sizes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bdcdj.ledger import merkle
from bdcdj.ledger.verifier import leaf_hash, node_hash, verify_consistency, verify_inclusion


def mth(leaves: list[bytes]) -> bytes:
    if len(leaves) == 1:
        return leaves[0]
    k = merkle.largest_power_below(len(leaves))
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def naive_path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = merkle.largest_power_below(len(leaves))
    if m < k:
        return [*naive_path(m, leaves[:k]), mth(leaves[k:])]
    return [*naive_path(m - k, leaves[k:]), mth(leaves[:k])]


def naive_subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    if m == len(leaves):
        return [] if complete else [mth(leaves)]
    k = merkle.largest_power_below(len(leaves))
    if m <= k:
        return [*naive_subproof(m, leaves[:k], complete), mth(leaves[k:])]
    return [*naive_subproof(m - k, leaves[k:], False), mth(leaves[:k])]


def build(n: int) -> tuple[list[bytes], dict[tuple[int, int], bytes], merkle.Appender]:
    leaves = [leaf_hash(f"entry {i}".encode()) for i in range(n)]
    appender, nodes = merkle.Appender(0, []), {}
    for leaf in leaves:
        for level, position, digest in appender.append(leaf):
            nodes[(level, position)] = digest
    return leaves, nodes, appender


sizes = st.integers(min_value=1, max_value=300)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), n=sizes)
def test_inclusion_proofs_equal_the_reference_and_verify(data, n):
    leaves, nodes, appender = build(n)
    root = mth(leaves)
    assert appender.root() == root == merkle.root_hash(n, lambda lv, p: nodes[(lv, p)])
    size = data.draw(st.integers(min_value=1, max_value=n))
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = merkle.batched(lambda get: merkle.inclusion_path(index, size, get), lambda keys: nodes)
    assert proof == naive_path(index, leaves[:size])
    assert (
        len(merkle.needed_nodes(lambda get: merkle.inclusion_path(index, size, get))) <= 2 * size.bit_length()
    )
    subroot = mth(leaves[:size])
    assert verify_inclusion(index=index, tree_size=size, leaf=leaves[index], proof=proof, root=subroot)
    other = (index + 1) % size
    if other != index:
        assert not verify_inclusion(
            index=other, tree_size=size, leaf=leaves[index], proof=proof, root=subroot
        )
    if proof:
        bent = [proof[0][:-1] + bytes([proof[0][-1] ^ 1]), *proof[1:]]
        assert not verify_inclusion(index=index, tree_size=size, leaf=leaves[index], proof=bent, root=subroot)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), n=sizes)
def test_consistency_proofs_equal_the_reference_and_verify(data, n):
    leaves, nodes, _ = build(n)
    second = data.draw(st.integers(min_value=1, max_value=n))
    first = data.draw(st.integers(min_value=1, max_value=second))
    proof = merkle.batched(lambda get: merkle.consistency_path(first, second, get), lambda keys: nodes)
    assert proof == (naive_subproof(first, leaves[:second], True) if first < second else [])
    r1, r2 = mth(leaves[:first]), mth(leaves[:second])
    assert verify_consistency(first=first, second=second, first_root=r1, second_root=r2, proof=proof)
    forged = leaf_hash(b"forged")
    if first < second:
        assert not verify_consistency(
            first=first, second=second, first_root=forged, second_root=r2, proof=proof
        )
        assert not verify_consistency(
            first=first, second=second, first_root=r1, second_root=forged, proof=proof
        )


def test_appender_resumes_from_a_stored_frontier():
    leaves, nodes, appender = build(77)
    resumed = merkle.Appender(40, [nodes[key] for key in merkle.frontier(40)])
    for leaf in leaves[40:]:
        resumed.append(leaf)
    assert resumed.root() == appender.root() == mth(leaves)


def test_proof_for_an_index_outside_the_tree_is_refused():
    import pytest

    with pytest.raises(ValueError):
        merkle.inclusion_path(5, 5, lambda lv, p: b"")
