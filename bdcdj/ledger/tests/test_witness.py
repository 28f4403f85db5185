"""The witness and the verifier over real HTTP: a growing log is accepted, a rewritten history
(a fork) is refused and the state file keeps the last good head."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bdcdj.exchange import signing
from bdcdj.ledger.models import Entry, Node, TreeHead, TreeState
from bdcdj.ledger.services import tree_head_publish
from bdcdj.ledger.verifier import leaf_hash
from bdcdj.ledger.witness import WitnessAlert, witness_check

pytestmark = pytest.mark.django_db(transaction=True)


def _rewrite_history() -> None:
    """What a dishonest operator would do: drop the tree, change an entry, rebuild, re-sign."""
    Node.objects.all().delete()
    TreeHead.objects.all().delete()
    TreeState.objects.all().delete()
    Entry.objects.update(index=None, appended_at=None)
    row = Entry.objects.order_by("pk")[1]
    forged = row.entry.replace('"seq":2', '"seq":20')
    Entry.objects.filter(pk=row.pk).update(entry=forged, leaf_hash=leaf_hash(forged.encode()).hex())


def test_witness_accepts_growth_and_refuses_a_fork(live_server, make_events, tmp_path, capsys):
    state = tmp_path / "witness.json"
    key = signing.node_public_key_hex()
    make_events(3)
    tree_head_publish()
    assert witness_check(url=live_server.url, state_path=state, public_key=key).head.tree_size == 3
    make_events(4)
    tree_head_publish()
    call_command("ledger_witness", "--url", live_server.url, "--state", str(state))
    assert "大小 7（新增 4）" in capsys.readouterr().out
    good = json.loads(state.read_text())["head"]

    call_command("ledger_verify", "--url", live_server.url, "--event", "340121:2", "--public-key", key)
    assert "核验通过" in capsys.readouterr().out

    _rewrite_history()
    make_events(2)
    tree_head_publish(force=True)
    assert TreeHead.objects.get().tree_size == 9
    with pytest.raises(CommandError, match="分叉"):
        call_command("ledger_witness", "--url", live_server.url, "--state", str(state))
    assert json.loads(state.read_text())["head"] == good

    other = signing.public_key_of(signing.key_generate())
    with pytest.raises(WitnessAlert, match="公钥"):
        witness_check(url=live_server.url, state_path=state, public_key=other)
    with pytest.raises(WitnessAlert, match="签名无效"):
        witness_check(url=live_server.url, state_path=tmp_path / "fresh.json", public_key=other)
