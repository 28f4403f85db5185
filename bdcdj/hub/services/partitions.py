"""Creating the monthly partitions of the received messages ahead of time (PostgreSQL only).

`partitions_ensure` is idempotent: run it daily (`manage.py hub_partitions`, or the task
`hub.tasks.partitions_ensure_task` from cron / a systemd timer, as the monitor's tasks). A
month that is missing when its first message arrives is not an outage — the row goes to the
DEFAULT partition — and the next run moves such rows into the new month's partition.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from bdcdj.hub.partitioning import (
    DEFAULT_REGION_PARTITIONS,
    MESSAGES,
    Month,
    month_partition,
    month_partition_sql,
    months,
)

logger = logging.getLogger(__name__)
DEFAULT_MONTHS_AHEAD = 3


def region_partitions() -> int:
    return int(getattr(settings, "BDCDJ_HUB_REGION_PARTITIONS", DEFAULT_REGION_PARTITIONS))


def messages_partitioned() -> bool:
    """Whether this database holds the partitioned layout (PostgreSQL after hub 0003)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = %s", [MESSAGES])
        row = cursor.fetchone()
    return bool(row and row[0] == "p")


def _exists(cursor: object, name: str) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])  # type: ignore[attr-defined]
    return bool(cursor.fetchone()[0])  # type: ignore[attr-defined]


def partitions_ensure(*, months_ahead: int = DEFAULT_MONTHS_AHEAD, today: dt.date | None = None) -> list[str]:
    """Create the partitions of this month and the next `months_ahead` months that are missing;
    returns the names created (empty when all exist, or off PostgreSQL)."""
    if not messages_partitioned():
        return []
    first = Month.of(today or timezone.localdate())
    tz = str(settings.TIME_ZONE)
    created: list[str] = []
    for month in months(first, months_ahead + 1):
        name = month_partition(month)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [MESSAGES])
            if _exists(cursor, name):
                continue
            low, high = month.start(tz), month.next().start(tz)
            # Rows that fell into DEFAULT for this month move into the new partition.
            cursor.execute(
                f"CREATE TEMP TABLE hub_partition_moving AS "
                f"WITH moved AS (DELETE FROM {MESSAGES}_default "
                f"WHERE received_at >= %s AND received_at < %s RETURNING *) SELECT * FROM moved",
                [low, high],
            )
            for statement in month_partition_sql(month, tz=tz, region_partitions=region_partitions()):
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {MESSAGES} SELECT * FROM hub_partition_moving")
            moved = cursor.rowcount
            cursor.execute("DROP TABLE hub_partition_moving")
            created.append(name)
            logger.info("partition created %s (%s rows moved from default)", name, moved)
    return created


def partitions_convert(*, schema_editor: object, first: dt.date | None = None) -> None:
    """The one-time conversion (migration hub 0003) of the plain tables, PostgreSQL only."""
    from bdcdj.hub.partitioning import DEFAULT_MIRROR_PARTITIONS, convert_sql

    conn = schema_editor.connection  # type: ignore[attr-defined]
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT min(received_at) FROM {MESSAGES}")
        oldest = cursor.fetchone()[0]
    today = timezone.localdate()
    start = Month.of(timezone.localtime(oldest).date() if oldest else today)
    count = (today.year - start.year) * 12 + today.month - start.month + 1 + DEFAULT_MONTHS_AHEAD
    statements = convert_sql(
        first=start,
        count=count,
        tz=str(settings.TIME_ZONE),
        region_partitions=region_partitions(),
        mirror_partitions=int(getattr(settings, "BDCDJ_HUB_MIRROR_PARTITIONS", DEFAULT_MIRROR_PARTITIONS)),
    )
    for statement in statements:
        schema_editor.execute(statement, params=None)  # type: ignore[attr-defined]
