"""Upper/lower node consistency: a Merkle tree over `key → record hash` of the current register
and a protocol that compares roots and descends only into differing subtrees (ARCHITECTURE §4)."""
