"""`ledger_audit` finds a change to any stored row: a register event, a certificate digest, a
log entry, a subtree hash, a signed head — and a source missing from the log."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from bdcdj.ledger.audit import ledger_audit
from bdcdj.ledger.models import Entry, Node, TreeHead
from bdcdj.ledger.selectors import node_key
from bdcdj.ledger.services import tree_head_publish
from bdcdj.ledger.verifier import leaf_hash

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(make_events) -> Iterator[list]:
    events = make_events(6)
    tree_head_publish()
    yield events


def _raw(sql: str, params: list) -> None:
    """Change a row behind the application's back, as an intruder with database access would
    (on PostgreSQL the register's append-only trigger is bypassed for the statement, as a
    superuser can)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def test_an_untouched_log_passes(log, capsys):
    report = ledger_audit()
    assert report.ok, report.findings
    assert report.checked_entries == 6 and report.checked_nodes == 6 + 3 + 1 and report.checked_heads == 1
    call_command("ledger_audit")
    assert "未发现篡改" in capsys.readouterr().out


def test_changed_register_event_is_detected(log):
    _raw("UPDATE register_registerevent SET business_number = %s WHERE id = %s", ["篡改-1", log[2].pk])
    report = ledger_audit()
    assert any("内容与其摘要不符" in f for f in report.findings)


def test_register_event_rewritten_with_a_fresh_chain_hash_is_detected(log):
    _raw("UPDATE register_registerevent SET hash = %s WHERE id = %s", ["ab" * 32, log[3].pk])
    assert any("条目与登簿事件" in f for f in ledger_audit().findings)


def test_changed_ledger_entry_is_detected(log):
    row = Entry.objects.get(index=1)
    Entry.objects.filter(pk=row.pk).update(entry=row.entry.replace('"seq":', '"seq":1'))
    findings = ledger_audit().findings
    assert any("叶子哈希与条目内容不符" in f for f in findings)


def test_entry_and_leaf_hash_changed_together_are_detected_by_the_tree(log):
    row = Entry.objects.get(index=4)
    forged = row.entry.replace('"seq":', '"seq":9')
    Entry.objects.filter(pk=row.pk).update(entry=forged, leaf_hash=leaf_hash(forged.encode()).hex())
    findings = ledger_audit().findings
    assert any("L0#4" in f for f in findings) and any("条目与登簿事件" in f for f in findings)


def test_changed_tree_node_is_detected(log):
    Node.objects.filter(key=node_key(1, 1)).update(hash="cd" * 32)
    findings = ledger_audit().findings
    assert any("L1#1" in f for f in findings)


def test_changed_signed_head_is_detected(log):
    TreeHead.objects.update(root_hash="ef" * 32)
    findings = ledger_audit().findings
    assert any("签名无效" in f for f in findings) and any("根哈希与日志不符" in f for f in findings)


def test_event_missing_from_the_log_is_reported_and_the_command_fails(log, capsys):
    Entry.objects.filter(source_id=log[5].pk).delete()
    with pytest.raises(CommandError):
        call_command("ledger_audit")
    out = capsys.readouterr().out
    assert "未入日志" in out and "已上链条目数与树大小 6 不符" in out and "L0#" in out
