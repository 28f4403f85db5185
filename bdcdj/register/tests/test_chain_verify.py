"""The event hash chain: verification, tamper detection and the management command."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from bdcdj.register.models import RegisterEvent
from bdcdj.register.services import chain_verify, record
from bdcdj.register.services.chain import canonical_json, event_hash
from bdcdj.register.tests import factories as f


@pytest.fixture
def chain(registrar) -> list[RegisterEvent]:
    unit, _title = f.registered_house(registrar)
    record(item=f.mortgage(unit), by=registrar)
    record(item=f.seizure(unit), by=registrar)
    record(item=f.objection(unit), by=registrar)
    return list(RegisterEvent.objects.order_by("seq"))


def _raw(sql: str, params: list[object]) -> None:
    """Write behind the ORM's back, as an attacker with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # switch the append-only trigger off for this write
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def test_canonical_json_is_sorted_compact_and_keeps_chinese():
    assert canonical_json({"b": 1, "a": "长丰"}) == '{"a":"长丰","b":1}'


def test_hash_is_sm3_over_prev_hash_and_canonical_event(chain):
    event = chain[1]
    recomputed = event_hash(
        prev_hash=chain[0].hash,
        region_code=event.region_code,
        seq=event.seq,
        kind=event.kind,
        occurred_at=event.occurred_at,
        business_number=event.business_number,
        unit_code=event.unit_code,
        right_id=event.right_id,
        payload=event.payload,
    )
    assert recomputed == event.hash and len(event.hash) == 64


def test_untouched_chain_verifies(chain):
    report = chain_verify(region_code=f.REGION)
    assert report.ok and report.checked == 4 and report.last_seq == 4


def test_empty_chain_verifies(db):
    report = chain_verify(region_code=f.OTHER_REGION)
    assert report.ok and report.checked == 0


def test_tampered_payload_is_found_at_exactly_that_link(chain):
    payload = dict(chain[1].payload)
    payload["reason"] = "伪造"
    _raw(
        "UPDATE register_registerevent SET payload = %s WHERE id = %s", [canonical_json(payload), chain[1].pk]
    )
    report = chain_verify(region_code=f.REGION)
    assert not report.ok and report.broken.seq == 2 and report.broken.reason == "hash"
    assert report.broken.stored == chain[1].hash and report.broken.expected != chain[1].hash
    assert report.checked == 1


def test_tampered_hash_breaks_the_next_link(chain):
    _raw("UPDATE register_registerevent SET hash = %s WHERE id = %s", ["f" * 64, chain[2].pk])
    report = chain_verify(region_code=f.REGION)
    assert report.broken.seq == 3 and report.broken.reason == "hash"


def _delete(event: RegisterEvent) -> None:
    for table, column in (
        ("register_right", "recorded_event_id"),
        ("register_right", "ended_event_id"),
        ("register_unit", "created_by_event_id"),
    ):
        _raw(f"UPDATE {table} SET {column} = NULL WHERE {column} = %s", [event.pk])
    _raw("DELETE FROM register_registerevent WHERE id = %s", [event.pk])


def test_deleted_event_is_reported_missing(chain):
    _delete(chain[1])
    report = chain_verify(region_code=f.REGION)
    assert report.broken.seq == 2 and report.broken.reason == "missing"


def test_deleted_tail_is_caught_by_the_chain_head(chain):
    _delete(chain[3])
    report = chain_verify(region_code=f.REGION)
    assert report.broken.reason == "head" and report.broken.seq == 4


def test_verification_can_start_later(chain):
    report = chain_verify(region_code=f.REGION, from_seq=3)
    assert report.ok and report.checked == 2


def test_command_reports_success(chain):
    out = StringIO()
    call_command("verify_register_chain", "--region", f.REGION, stdout=out)
    assert "链校验通过 4 条" in out.getvalue()


def test_command_checks_every_region_by_default(chain):
    out = StringIO()
    call_command("verify_register_chain", stdout=out)
    assert out.getvalue().strip().endswith("链校验通过 4 条")


def test_command_finds_the_tampered_link_and_exits_1(chain):
    _raw("UPDATE register_registerevent SET business_number = %s WHERE id = %s", ["2024-FORGED", chain[2].pk])
    with pytest.raises(CommandError) as exc:
        call_command("verify_register_chain", "--region", f.REGION, "--from-seq", "1")
    assert exc.value.returncode == 1
    message = str(exc.value)
    assert "第 3 条" in message and chain[2].hash in message
