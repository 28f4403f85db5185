"""The public API: heads, proofs and entries for anyone, bad input as 4xx in Chinese."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from bdcdj.exchange import signing
from bdcdj.ledger import verifier
from bdcdj.ledger.services import tree_head_publish
from bdcdj.ledger.verifier import TreeHead, tree_head_verify, verify_inclusion

pytestmark = pytest.mark.django_db
BASE = "/api/ledger/v1"


@pytest.fixture
def published(make_events):
    events = make_events(5)
    tree_head_publish()
    return events


def test_head_proofs_and_entries_need_no_login(published, tmp_path):
    client = Client()
    head = client.get(f"{BASE}/sth").json()
    signed = TreeHead.from_dict(head)
    assert head["tree_size"] == 5 and tree_head_verify(signed, public_key_hex=signing.node_public_key_hex())
    entries = client.get(f"{BASE}/entries", {"start": 0, "end": 10}).json()
    assert [e["index"] for e in entries] == [0, 1, 2, 3, 4]
    by_hash = client.get(f"{BASE}/proof/inclusion", {"leaf_hash": entries[3]["leaf_hash"]}).json()
    assert by_hash["index"] == 3 and by_hash["tree_size"] == 5
    from bdcdj.ledger.verifier import leaf_hash

    assert verify_inclusion(
        index=3,
        tree_size=5,
        leaf=leaf_hash(entries[3]["entry"].encode()),
        proof=[bytes.fromhex(p) for p in by_hash["audit_path"]],
        root=signed.root_hash,
    )
    assert client.get(f"{BASE}/proof/consistency", {"first": 2, "second": 5}).status_code == 200
    bundle = client.get(f"{BASE}/bundle", {"event": f"{published[0].region_code}:1"}).json()
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    from django.core.management import call_command

    call_command("ledger_verify", "--bundle", str(path), "--public-key", signing.node_public_key_hex())
    # The verifier file on its own, outside the project (isolated mode: no cwd, no PYTHONPATH).
    script = tmp_path / "verifier.py"
    script.write_bytes(Path(verifier.__file__).read_bytes())
    argv = [
        sys.executable,
        "-I",
        str(script),
        "--bundle",
        str(path),
        "--public-key",
        signing.node_public_key_hex(),
    ]
    done = subprocess.run(
        [*argv, "--event-hash", published[0].hash], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0 and "核验通过" in done.stdout, done.stderr
    forged = subprocess.run(
        [*argv, "--event-hash", published[1].hash], capture_output=True, text=True, cwd=tmp_path
    )
    assert forged.returncode == 1 and "核验未通过" in forged.stdout


@pytest.mark.parametrize(
    ("url", "params", "status", "words"),
    [
        ("/proof/inclusion", {}, 400, "请提供序号或叶子哈希"),
        ("/proof/inclusion", {"index": 9}, 400, "序号应在"),
        ("/proof/inclusion", {"index": 0, "tree_size": 99}, 400, "树大小应在"),
        ("/proof/inclusion", {"leaf_hash": "xyz"}, 400, "64 位十六进制"),
        ("/proof/inclusion", {"leaf_hash": "ab" * 32}, 404, "没有该叶子哈希"),
        ("/proof/inclusion", {"index": "abc"}, 422, "请求数据格式有误"),
        ("/proof/consistency", {"first": 4, "second": 2}, 400, "first ≤ second"),
        ("/proof/consistency", {"first": 1}, 422, "请求数据格式有误"),
        ("/entries", {"start": 7, "end": 9}, 400, "start <"),
        ("/bundle", {}, 400, "请提供文件 SM3"),
        ("/bundle", {"event": "长丰:1"}, 400, "行政区划代码:序号"),
        ("/bundle", {"document_sm3": "00" * 32}, 404, "没有该文件或事件"),
    ],
)
def test_bad_input_answers_4xx_in_chinese(published, url, params, status, words):
    response = Client().get(f"{BASE}{url}", params)
    assert response.status_code == status
    assert words in response.json()["message"]


def test_no_head_yet_is_a_404_in_chinese(db):
    response = Client().get(f"{BASE}/sth")
    assert response.status_code == 404 and "尚未发布" in response.json()["message"]
