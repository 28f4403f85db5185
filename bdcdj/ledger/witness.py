"""A witness: follows a node's signed tree heads and refuses any head that does not extend the
last one it saw. Run it elsewhere (another node, an auditor), with the node's public key pinned.

State file (JSON): {"url", "public_key", "head": {tree head}, "checked_at"}. It is replaced
atomically, and never when a check fails — so a fork stays visible on every later run.
"""

from __future__ import annotations

import json
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bdcdj.ledger.verifier import TreeHead, tree_head_verify, verify_consistency


class WitnessAlert(Exception):
    """The node showed something a correct append-only log cannot: a fork, a rollback, a bad
    signature. The message says what, in Chinese."""


@dataclass(frozen=True)
class WitnessResult:
    head: TreeHead
    previous_size: int
    message: str


def _get(url: str) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.loads(response.read().decode("utf-8"))
    except (urllib.error.URLError, ValueError) as exc:
        raise WitnessAlert(f"无法获取 {url}：{exc}") from exc


def state_load(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def state_save(path: Path, state: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".witness-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(state, fh, ensure_ascii=False, indent=2)
    os.replace(tmp, path)


def witness_check(*, url: str, state_path: Path, public_key: str = "") -> WitnessResult:
    """Fetch the node's latest head, check it, and store it as the new last-seen head."""
    state = state_load(state_path)
    pinned = state.get("public_key", "")
    if public_key and pinned and public_key.lower() != pinned.lower():
        raise WitnessAlert("给定的公钥与状态文件中固定的公钥不同，拒绝继续")
    pinned = (pinned or public_key).lower()
    if not pinned:
        raise WitnessAlert("首次运行须用 --public-key 固定节点公钥")
    base = url.rstrip("/") + "/api/ledger/v1"
    data = _get(f"{base}/sth")
    try:
        head = TreeHead.from_dict(data)
    except (KeyError, ValueError, TypeError) as exc:
        raise WitnessAlert(f"树头格式有误：{exc}") from exc
    if not tree_head_verify(head, public_key_hex=pinned):
        raise WitnessAlert(f"树头（大小 {head.tree_size}）签名无效：可能被篡改或换了密钥")
    previous = TreeHead.from_dict(state["head"]) if state.get("head") else None
    old_size = previous.tree_size if previous else 0
    if previous is not None:
        if head.log_id != previous.log_id:
            raise WitnessAlert(f"日志标识从 {previous.log_id} 变为 {head.log_id}")
        if head.tree_size < previous.tree_size:
            raise WitnessAlert(f"日志回退：大小从 {previous.tree_size} 变为 {head.tree_size}（分叉或回滚）")
        if head.timestamp_ms < previous.timestamp_ms:
            raise WitnessAlert("树头时间早于上次见到的树头")
        if head.tree_size == previous.tree_size:
            if head.root_hash != previous.root_hash:
                raise WitnessAlert(f"分叉：同为大小 {head.tree_size}，根哈希却不同")
        elif previous.tree_size > 0:
            query = urllib.parse.urlencode({"first": previous.tree_size, "second": head.tree_size})
            proof = [bytes.fromhex(p) for p in _get(f"{base}/proof/consistency?{query}").get("proof", [])]
            if not verify_consistency(
                first=previous.tree_size,
                second=head.tree_size,
                first_root=previous.root_hash,
                second_root=head.root_hash,
                proof=proof,
            ):
                raise WitnessAlert(
                    f"分叉：大小 {head.tree_size} 的树不是大小 {previous.tree_size} 的树的追加扩展"
                    "（一致性证明不成立）"
                )
    state_save(
        state_path,
        {
            "url": url,
            "public_key": pinned,
            "head": head.as_dict(),
            "checked_at": datetime.now(UTC).isoformat(),
        },
    )
    grown = head.tree_size - old_size
    message = f"树头有效：大小 {head.tree_size}（新增 {grown}），与上次一致"
    return WitnessResult(head=head, previous_size=old_size, message=message)
