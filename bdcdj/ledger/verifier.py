#!/usr/bin/env python3
"""Independent verification of the transparency log (RFC 9162 ideas, SM3 and SM2).

This file is deliberately self-contained: it imports nothing from the project and needs only
`cryptography` (SM3) and `tongsuopy` (SM2), so anyone can copy it and check a certificate or a
register event without trusting the server that answers:

    python verifier.py --url https://node.example --public-key 04… --pdf 证书.pdf
    python verifier.py --bundle proof.json --public-key 04… --pdf 证书.pdf

Formats (docs/ledger.md):
  leaf hash   = SM3(0x00 ‖ entry bytes), node hash = SM3(0x01 ‖ left ‖ right)   (RFC 9162 §2.1.1)
  tree head   = 0x01 ‖ u8 len(log_id) ‖ log_id ‖ u64 timestamp_ms ‖ u64 tree_size ‖ u8 32 ‖ root
                ‖ u16 0 (no extensions), big-endian; the SM2 signature (r ‖ s, hex) covers these
                bytes, with the default user ID 1234567812345678.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes

HASH_BYTES = 32
TREE_HEAD_VERSION = 1


def sm3(data: bytes) -> bytes:
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize()


def leaf_hash(entry: bytes) -> bytes:
    return sm3(b"\x00" + entry)


def node_hash(left: bytes, right: bytes) -> bytes:
    return sm3(b"\x01" + left + right)


def verify_inclusion(*, index: int, tree_size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: does `proof` lead from the leaf at `index` to `root`?"""
    if index < 0 or index >= tree_size:
        return False
    fn, sn, r = index, tree_size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def inclusion_steps(
    *, index: int, tree_size: int, leaf: bytes, proof: Sequence[bytes]
) -> list[tuple[str, bytes, bytes]]:
    """The walk of `verify_inclusion` step by step, for showing people: (side of the sibling,
    sibling, hash so far). The last hash must equal the root."""
    steps: list[tuple[str, bytes, bytes]] = []
    fn, sn, r = index, tree_size - 1, leaf
    for p in proof:
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            steps.append(("left", p, r))
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
            steps.append(("right", p, r))
        fn, sn = fn >> 1, sn >> 1
    return steps


def verify_consistency(
    *, first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree of size `second` an append-only extension of `first`?"""
    if first < 0 or second < first:
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof  # the empty tree is a prefix of every tree
    path = list(proof)
    if first & (first - 1) == 0:  # an exact power of two: the old root is itself a node
        path.insert(0, first_root)
    if not path:
        return False
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0


@dataclass(frozen=True)
class TreeHead:
    """A signed tree head as published by a node."""

    log_id: str
    tree_size: int
    timestamp_ms: int
    root_hash: bytes
    signature: str  # SM2 r ‖ s, 128 hex characters

    def signed_bytes(self) -> bytes:
        return tree_head_bytes(
            log_id=self.log_id,
            tree_size=self.tree_size,
            timestamp_ms=self.timestamp_ms,
            root_hash=self.root_hash,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "log_id": self.log_id,
            "tree_size": self.tree_size,
            "timestamp_ms": self.timestamp_ms,
            "root_hash": self.root_hash.hex(),
            "signature": self.signature,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TreeHead:
        root = bytes.fromhex(str(data["root_hash"]))
        if len(root) != HASH_BYTES:
            raise ValueError("root_hash must be 32 bytes")
        return cls(
            log_id=str(data["log_id"]),
            tree_size=int(data["tree_size"]),
            timestamp_ms=int(data["timestamp_ms"]),
            root_hash=root,
            signature=str(data["signature"]),
        )


def tree_head_bytes(*, log_id: str, tree_size: int, timestamp_ms: int, root_hash: bytes) -> bytes:
    ident = log_id.encode("ascii")
    if len(ident) > 255 or len(root_hash) != HASH_BYTES:
        raise ValueError("log_id too long or root hash of the wrong size")
    return (
        struct.pack(">BB", TREE_HEAD_VERSION, len(ident))
        + ident
        + struct.pack(">QQB", timestamp_ms, tree_size, HASH_BYTES)
        + root_hash
        + struct.pack(">H", 0)
    )


def sm2_verify(*, public_key_hex: str, data: bytes, signature_hex: str) -> bool:
    """SM2-with-SM3 (GB/T 32918, default user ID) signature check; malformed input is False."""
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
    from tongsuopy.crypto import hashes as ts_hashes
    from tongsuopy.crypto.asymciphers import ec
    from tongsuopy.crypto.exceptions import InvalidSignature

    try:
        raw = bytes.fromhex(public_key_hex)
        if len(raw) == 64:
            raw = b"\x04" + raw
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SM2(), raw)
        if len(signature_hex) != 128:
            return False
        r, s = int(signature_hex[:64], 16), int(signature_hex[64:], 16)
        key.verify(encode_dss_signature(r, s), data, ec.ECDSA(ts_hashes.SM3()))
    except (ValueError, InvalidSignature):
        return False
    return True


def tree_head_verify(head: TreeHead, *, public_key_hex: str) -> bool:
    return sm2_verify(public_key_hex=public_key_hex, data=head.signed_bytes(), signature_hex=head.signature)


@dataclass(frozen=True)
class BundleCheck:
    """The outcome of checking a proof bundle: each step, and the overall verdict."""

    steps: list[tuple[str, bool]]

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(passed for _, passed in self.steps)


def bundle_check(
    bundle: dict[str, Any],
    *,
    public_key_hex: str,
    document: bytes | None = None,
    event_hash: str = "",
) -> BundleCheck:
    """Check a bundle {entry, index, tree_head, inclusion}: the document (its SM3) or the event
    hash is what the entry says, the entry is in the tree under the head, the head is signed."""
    steps: list[tuple[str, bool]] = []
    try:
        entry = bytes.fromhex(str(bundle["entry"]))
        fields = json.loads(entry.decode("utf-8"))
        head = TreeHead.from_dict(bundle["tree_head"])
        proof = [bytes.fromhex(str(p)) for p in bundle["inclusion"]]
        index = int(bundle["index"])
    except (KeyError, ValueError, TypeError) as exc:
        return BundleCheck([(f"证明包格式有误：{exc}", False)])
    if document is not None:
        steps.append(("文件 SM3 与日志条目一致", fields.get("pdf_sm3") == sm3(document).hex()))
    if event_hash:
        steps.append(("登簿事件摘要与日志条目一致", fields.get("event_hash") == event_hash.lower()))
    steps.append(("树头 SM2 签名有效", tree_head_verify(head, public_key_hex=public_key_hex)))
    included = verify_inclusion(
        index=index, tree_size=head.tree_size, leaf=leaf_hash(entry), proof=proof, root=head.root_hash
    )
    steps.append((f"条目 #{index} 包含于大小为 {head.tree_size} 的树中（{len(proof)} 个哈希）", included))
    return BundleCheck(steps)


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


def bundle_fetch(*, base_url: str, document_sm3: str = "", event: str = "") -> dict[str, Any]:
    """Fetch a bundle for a document digest or an event (`region:seq`) from a node."""
    query = {"document_sm3": document_sm3} if document_sm3 else {"event": event}
    return _get_json(f"{base_url.rstrip('/')}/api/ledger/v1/bundle?{urllib.parse.urlencode(query)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="独立核验透明日志中的电子证照或登簿事件")
    parser.add_argument("--public-key", required=True, help="节点 SM2 公钥（04‖x‖y，十六进制）")
    parser.add_argument("--url", help="节点地址，如 https://bdc.example.gov.cn")
    parser.add_argument("--bundle", help="已下载的证明包（JSON 文件）")
    parser.add_argument("--pdf", help="要核验的证书（证明）PDF")
    parser.add_argument("--event", help="登簿事件：行政区划代码:序号")
    parser.add_argument("--event-hash", default="", help="登簿事件的 SM3 摘要（可选）")
    args = parser.parse_args(argv)
    document = open(args.pdf, "rb").read() if args.pdf else None  # noqa: SIM115
    if args.bundle:
        with open(args.bundle, encoding="utf-8") as fh:
            bundle = json.load(fh)
    elif args.url and (document is not None or args.event):
        digest = sm3(document).hex() if document is not None else ""
        bundle = bundle_fetch(base_url=args.url, document_sm3=digest, event=args.event or "")
    else:
        parser.error("需要 --bundle，或 --url 加 --pdf / --event")
    check = bundle_check(
        bundle, public_key_hex=args.public_key, document=document, event_hash=args.event_hash
    )
    for label, passed in check.steps:
        print(f"[{'通过' if passed else '失败'}] {label}")
    print("结论：" + ("核验通过" if check.ok else "核验未通过"))
    return 0 if check.ok else 1


if __name__ == "__main__":
    sys.exit(main())
