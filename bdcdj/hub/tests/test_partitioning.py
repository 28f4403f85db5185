"""Partitioning of the received messages and the mirror: the DDL generator in both modes
(PostgreSQL, Citus) everywhere; on PostgreSQL the real layout — rows routed to their month ×
region partition, pruning visible in EXPLAIN, monthly partitions created ahead idempotently."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import IntegrityError, connection, transaction

from bdcdj.hub.models import LowerNode, MessageStatus, MirrorRecord, ReceivedMessage
from bdcdj.hub.partitioning import Month, convert_sql, key_trigger_sql, month_partition_sql
from bdcdj.hub.services.partitions import partitions_ensure

TZ = "Asia/Shanghai"


def test_month_bounds_follow_the_node_time_zone_and_roll_over_the_year():
    assert Month(2026, 12).next() == Month(2027, 1)
    statements = month_partition_sql(Month(2026, 12), tz=TZ, region_partitions=2)
    assert statements[0] == (
        "CREATE TABLE IF NOT EXISTS hub_receivedmessage_y2026m12 PARTITION OF hub_receivedmessage "
        "FOR VALUES FROM ('2026-12-01 00:00:00+08:00') TO ('2027-01-01 00:00:00+08:00') "
        "PARTITION BY HASH (region_code)"
    )
    month = "hub_receivedmessage_y2026m12"
    assert statements[1:] == [
        f"CREATE TABLE IF NOT EXISTS {month}_h{r} PARTITION OF {month} "
        f"FOR VALUES WITH (MODULUS 2, REMAINDER {r})"
        for r in (0, 1)
    ]


def test_citus_mode_distributes_on_region_code_and_keeps_months_as_local_partitions():
    statements = convert_sql(first=Month(2026, 11), count=2, tz=TZ, mode="citus")
    text = "\n".join(statements)
    assert "SELECT create_distributed_table('hub_receivedmessage', 'region_code')" in statements
    assert (
        "SELECT create_distributed_table('hub_mirrorrecord', 'region_code', "
        "colocate_with => 'hub_receivedmessage')" in statements
    )
    assert (
        "SELECT create_distributed_table('hub_receivedmessage_key', 'region_code', "
        "colocate_with => 'hub_receivedmessage')" in statements
    )
    assert "SELECT create_reference_table('hub_lowernode')" in statements
    assert "PARTITION BY HASH" not in text  # the distribution replaces the hash partitions
    assert "PARTITION OF hub_receivedmessage FOR VALUES FROM ('2026-11-01 00:00:00+08:00')" in text
    # Every unique key contains the distribution column.
    assert "PRIMARY KEY (id, received_at, region_code)" in text
    assert "PRIMARY KEY (id, region_code)" in text
    assert "PRIMARY KEY (region_code, biz_msg_id)" in text
    assert 'UNIQUE (region_code, "table", row_key)' in text
    # The BizMsgID guard is installed shard by shard on the colocated placements.
    triggers = key_trigger_sql(mode="citus")
    assert triggers and all(
        s.startswith(
            "SELECT run_command_on_colocated_placements('hub_receivedmessage', 'hub_receivedmessage_key'"
        )
        for s in triggers
    )
    assert "TRUNCATE" not in "".join(t for t in triggers if "CREATE TRIGGER" in t)


def test_postgresql_mode_partitions_the_mirror_by_region_only():
    statements = convert_sql(first=Month(2026, 11), count=1, tz=TZ, mirror_partitions=3)
    assert (
        "CREATE TABLE hub_mirrorrecord (LIKE hub_mirrorrecord_unpartitioned INCLUDING DEFAULTS) "
        "PARTITION BY HASH (region_code)" in statements
    )
    assert sum(s.startswith("CREATE TABLE hub_mirrorrecord_h") for s in statements) == 3
    assert "CREATE TABLE hub_receivedmessage_default PARTITION OF hub_receivedmessage DEFAULT" in statements
    assert not any("create_distributed_table" in s for s in statements)


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError):
        convert_sql(first=Month(2026, 1), count=1, tz=TZ, mode="mysql")


# --- the real layout on PostgreSQL -------------------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="分区仅用于 PostgreSQL（设置 DATABASE_URL=postgres://…）"
)


def _message(node: LowerNode, *, biz_msg_id: str, region: str, at: dt.datetime) -> ReceivedMessage:
    return ReceivedMessage.objects.create(
        region_code=region,
        biz_msg_id=biz_msg_id,
        node=node,
        xml=b"<Message/>",
        digest="0" * 64,
        status=MessageStatus.ACCEPTED,
        success_flag="1",
        response_code="0000",
        received_at=at,
    )


def _partition_of(model: type, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {model._meta.db_table} WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def _local(year: int, month: int, day: int) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime(year, month, day, 12, tzinfo=ZoneInfo(TZ))


@postgres_only
@pytest.mark.django_db
def test_rows_are_routed_to_their_month_and_region_partition(county_node):
    node = county_node.node
    partitions_ensure(today=dt.date(2031, 1, 1), months_ahead=1)
    january = _message(node, biz_msg_id="P1", region="340121", at=_local(2031, 1, 31))
    february = _message(node, biz_msg_id="P2", region="340121", at=_local(2031, 2, 1))
    other_region = _message(node, biz_msg_id="P3", region="340122", at=_local(2031, 1, 5))
    far_future = _message(node, biz_msg_id="P4", region="340121", at=_local(2039, 5, 1))
    assert _partition_of(ReceivedMessage, january.pk).startswith("hub_receivedmessage_y2031m01_h")
    assert _partition_of(ReceivedMessage, february.pk).startswith("hub_receivedmessage_y2031m02_h")
    assert _partition_of(ReceivedMessage, far_future.pk) == "hub_receivedmessage_default"
    hashes = {_partition_of(ReceivedMessage, m.pk)[-3:] for m in (january, other_region)}
    assert all(h.startswith("_h") for h in hashes)
    # The ORM path is unchanged: by id, by BizMsgID, updates.
    assert ReceivedMessage.objects.get(pk=february.pk).biz_msg_id == "P2"
    ReceivedMessage.objects.filter(pk=january.pk).update(response_info="已核对")
    assert ReceivedMessage.objects.get(biz_msg_id="P1").response_info == "已核对"
    row = MirrorRecord.objects.create(
        region_code="340121",
        table="QLT_FW_FDCQ_YZ",
        row_key="QLT_FW_FDCQ_YZ:2031-1:0",
        data={},
        record_hash="0" * 64,
        updated_by_message=january,
    )
    assert _partition_of(MirrorRecord, row.pk).startswith("hub_mirrorrecord_h")


@postgres_only
@pytest.mark.django_db
def test_duplicate_biz_msg_id_still_violates_a_unique_key_across_partitions(county_node):
    node = county_node.node
    _message(node, biz_msg_id="DUP1", region="340121", at=_local(2026, 12, 3))
    with pytest.raises(IntegrityError), transaction.atomic():
        _message(node, biz_msg_id="DUP1", region="340122", at=_local(2039, 1, 1))  # other partition
    ReceivedMessage.objects.filter(biz_msg_id="DUP1").delete()
    _message(node, biz_msg_id="DUP1", region="340121", at=_local(2026, 12, 4))  # freed by the delete


@postgres_only
@pytest.mark.django_db
def test_one_month_one_region_query_reads_one_leaf_partition(county_node):
    partitions_ensure(today=dt.date(2031, 1, 1), months_ahead=2)
    plan = (
        ReceivedMessage.objects.filter(
            region_code="340121", received_at__gte=_local(2031, 2, 1), received_at__lt=_local(2031, 2, 20)
        )
        .order_by()
        .explain()
    )
    leaves = set(re.findall(r" on (hub_receivedmessage_\w+)", plan))
    assert len(leaves) == 1 and next(iter(leaves)).startswith("hub_receivedmessage_y2031m02_h"), plan
    assert "hub_receivedmessage_default" not in plan and "y2031m01" not in plan
    mirror_plan = MirrorRecord.objects.filter(region_code="340121", unit_code="X").order_by().explain()
    assert len(set(re.findall(r" on (hub_mirrorrecord_\w+)", mirror_plan))) == 1, mirror_plan


@postgres_only
@pytest.mark.django_db
def test_future_partitions_are_created_once_and_take_over_rows_from_default(county_node):
    node = county_node.node
    early = _message(node, biz_msg_id="EARLY1", region="340121", at=_local(2040, 3, 2))
    assert _partition_of(ReceivedMessage, early.pk) == "hub_receivedmessage_default"
    created = partitions_ensure(today=dt.date(2040, 2, 10), months_ahead=1)
    assert created == ["hub_receivedmessage_y2040m02", "hub_receivedmessage_y2040m03"]
    assert partitions_ensure(today=dt.date(2040, 2, 10), months_ahead=1) == []
    assert _partition_of(ReceivedMessage, early.pk).startswith("hub_receivedmessage_y2040m03_h")
    assert ReceivedMessage.objects.get(biz_msg_id="EARLY1").pk == early.pk  # key kept, id kept


@pytest.mark.django_db
def test_the_daily_command_and_task_are_safe_to_repeat(county_node):
    from io import StringIO

    from django.core.management import call_command

    from bdcdj.hub.tasks import partitions_ensure_task

    out = StringIO()
    call_command("hub_partitions", "--months-ahead", "2", stdout=out)
    call_command("hub_partitions", "--months-ahead", "2", stdout=out)
    text = out.getvalue()
    if connection.vendor == "postgresql":
        assert text.strip().splitlines()[-1] == "分区已齐全"
    else:
        assert "无需创建分区" in text
    assert partitions_ensure_task.call(months_ahead=2) == []
