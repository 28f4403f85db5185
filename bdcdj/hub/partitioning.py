"""PostgreSQL partitioning of the received messages and the mirror (docs/scale.md).

A national node stores about 300,000 messages a day from about 3,000 nodes. On PostgreSQL:

* `hub_receivedmessage` is partitioned by RANGE on `received_at` (one partition per month, in
  the node's TIME_ZONE), each month by HASH on `region_code`; a DEFAULT partition takes rows
  outside every month so an insert never fails for want of a partition;
* `hub_mirrorrecord` (current state, updated in place) is partitioned by HASH on `region_code`
  only: a month key would move rows between partitions on every update and could not be part
  of its row-key uniqueness.

The models and the ORM code path stay the same: Django keeps using `id`, the database key is
`(id, received_at, region_code)` resp. `(id, region_code)`. What a partitioned table cannot
have, and what replaces it:

* the global UNIQUE on `biz_msg_id` (a unique index must contain the partition key) → the
  `hub_receivedmessage_key` table, primary key `biz_msg_id`, filled by a trigger on insert:
  a duplicate still fails with a unique violation (Django's IntegrityError), so idempotency
  and the race handling of the receiver are unchanged;
* foreign keys *to* the partitioned tables (forward item, mirror, self links, reconciliation
  differences) → dropped in the database; Django still enforces `on_delete` itself.

This module only builds SQL (pure functions, tested in both modes); `hub.services.partitions`
runs it. Mode "citus" gives the statements of the Citus path (distribution key region_code).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

MESSAGES = "hub_receivedmessage"
MIRROR = "hub_mirrorrecord"
KEYS = "hub_receivedmessage_key"
DEFAULT_REGION_PARTITIONS = 4
DEFAULT_MIRROR_PARTITIONS = 8
MODES = ("postgresql", "citus")

# The indexes Django created for the two tables (hub 0001); re-created on the partitioned tables
# under the same names so later Django migrations still find them. The UNIQUE on biz_msg_id
# becomes a plain index (uniqueness moves to the key table).
MESSAGE_INDEXES = (
    ("hub_msg_clearance", "(status, clearance)"),
    ("hub_msg_region_time", "(region_code, received_at)"),
    ("hub_receivedmessage_biz_msg_id_ce059dad", "(biz_msg_id)"),
    ("hub_receivedmessage_biz_msg_id_ce059dad_like", "(biz_msg_id varchar_pattern_ops)"),
    ("hub_receivedmessage_cleared_by_id_595a2406", "(cleared_by_id)"),
    ("hub_receivedmessage_corrects_id_c0a1b8ab", "(corrects_id)"),
    ("hub_receivedmessage_estate_num_329317de", "(estate_num)"),
    ("hub_receivedmessage_estate_num_329317de_like", "(estate_num varchar_pattern_ops)"),
    ("hub_receivedmessage_node_id_3702efad", "(node_id)"),
    ("hub_receivedmessage_received_at_ba292bbe", "(received_at)"),
    ("hub_receivedmessage_region_code_8b46a102", "(region_code)"),
    ("hub_receivedmessage_region_code_8b46a102_like", "(region_code varchar_pattern_ops)"),
)
MIRROR_INDEXES = (
    ("hub_mirror_unit", "(region_code, unit_code, status)"),
    ("hub_mirrorrecord_region_code_8894d850", "(region_code)"),
    ("hub_mirrorrecord_region_code_8894d850_like", "(region_code varchar_pattern_ops)"),
    ("hub_mirrorrecord_unit_code_22832186", "(unit_code)"),
    ("hub_mirrorrecord_unit_code_22832186_like", "(unit_code varchar_pattern_ops)"),
    ("hub_mirrorrecord_updated_by_message_id_eada45a0", "(updated_by_message_id)"),
)


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def suffix(self) -> str:
        return f"y{self.year:04d}m{self.month:02d}"

    def start(self, tz: str) -> str:
        """The first instant of the month in `tz`, as an ISO timestamp with offset."""
        return dt.datetime(self.year, self.month, 1, tzinfo=ZoneInfo(tz)).isoformat(sep=" ")


def months(first: Month, count: int) -> Iterator[Month]:
    month = first
    for _ in range(count):
        yield month
        month = month.next()


def month_partition(month: Month) -> str:
    return f"{MESSAGES}_{month.suffix}"


def month_partition_sql(
    month: Month, *, tz: str, region_partitions: int = DEFAULT_REGION_PARTITIONS, mode: str = "postgresql"
) -> list[str]:
    """CREATE statements (idempotent) for one month: the month, and its hash sub-partitions on
    PostgreSQL; on Citus the month only (the distribution on region_code does the rest)."""
    _check_mode(mode)
    name = month_partition(month)
    bounds = f"FOR VALUES FROM ('{month.start(tz)}') TO ('{month.next().start(tz)}')"
    if mode == "citus":
        return [f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {MESSAGES} {bounds}"]
    statements = [
        f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {MESSAGES} {bounds} PARTITION BY HASH (region_code)"
    ]
    statements += [
        f"CREATE TABLE IF NOT EXISTS {name}_h{r} PARTITION OF {name} "
        f"FOR VALUES WITH (MODULUS {region_partitions}, REMAINDER {r})"
        for r in range(region_partitions)
    ]
    return statements


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"unknown partitioning mode {mode!r}; one of {MODES}")


def _indexes(table: str, indexes: tuple[tuple[str, str], ...]) -> list[str]:
    return [f"CREATE INDEX IF NOT EXISTS {name} ON {table} {columns}" for name, columns in indexes]


def convert_sql(
    *,
    first: Month,
    count: int,
    tz: str,
    region_partitions: int = DEFAULT_REGION_PARTITIONS,
    mirror_partitions: int = DEFAULT_MIRROR_PARTITIONS,
    mode: str = "postgresql",
) -> list[str]:
    """Turn the two plain tables (as Django created them) into partitioned ones, keeping their
    rows: rename, create partitioned copies, copy the rows, drop the old tables (with the
    foreign keys that pointed at them), restore sequences, keys and indexes, install the
    BizMsgID key table. Months `first` … `first + count - 1` are created, plus DEFAULT."""
    _check_mode(mode)
    citus = mode == "citus"
    out: list[str] = []
    for table in (MESSAGES, MIRROR):
        out.append(f"ALTER TABLE {table} RENAME TO {table}_unpartitioned")
    out.append(
        f"CREATE TABLE {MESSAGES} (LIKE {MESSAGES}_unpartitioned INCLUDING DEFAULTS) "
        "PARTITION BY RANGE (received_at)"
    )
    for month in months(first, count):
        out += month_partition_sql(month, tz=tz, region_partitions=region_partitions, mode=mode)
    out.append(f"CREATE TABLE {MESSAGES}_default PARTITION OF {MESSAGES} DEFAULT")
    if citus:  # hash partitions are replaced by the distribution itself
        out.append(f"CREATE TABLE {MIRROR} (LIKE {MIRROR}_unpartitioned INCLUDING DEFAULTS)")
    else:
        out.append(
            f"CREATE TABLE {MIRROR} (LIKE {MIRROR}_unpartitioned INCLUDING DEFAULTS) "
            "PARTITION BY HASH (region_code)"
        )
        out += [
            f"CREATE TABLE {MIRROR}_h{r} PARTITION OF {MIRROR} "
            f"FOR VALUES WITH (MODULUS {mirror_partitions}, REMAINDER {r})"
            for r in range(mirror_partitions)
        ]
    key_pk = "PRIMARY KEY (region_code, biz_msg_id)" if citus else "PRIMARY KEY (biz_msg_id)"
    out.append(
        f"CREATE TABLE {KEYS} (biz_msg_id varchar(40) NOT NULL, message_id bigint NOT NULL, "
        f"region_code varchar(6) NOT NULL, {key_pk})"
    )
    if citus:
        out += [
            "SELECT create_reference_table('hub_lowernode')",
            f"SELECT create_distributed_table('{MESSAGES}', 'region_code')",
            f"SELECT create_distributed_table('{MIRROR}', 'region_code', colocate_with => '{MESSAGES}')",
            f"SELECT create_distributed_table('{KEYS}', 'region_code', colocate_with => '{MESSAGES}')",
        ]
    out.append(f"INSERT INTO {MESSAGES} SELECT * FROM {MESSAGES}_unpartitioned")
    out.append(f"INSERT INTO {KEYS} SELECT biz_msg_id, id, region_code FROM {MESSAGES}_unpartitioned")
    out.append(f"INSERT INTO {MIRROR} SELECT * FROM {MIRROR}_unpartitioned")
    for table in (MESSAGES, MIRROR):  # CASCADE: also the foreign keys that pointed at them
        out.append(f"DROP TABLE {table}_unpartitioned CASCADE")
        out += _sequence_sql(table)
    out += [
        f"ALTER TABLE {MESSAGES} ADD CONSTRAINT {MESSAGES}_pkey PRIMARY KEY (id, received_at, region_code)",
        f"ALTER TABLE {MIRROR} ADD CONSTRAINT {MIRROR}_pkey PRIMARY KEY (id, region_code)",
        f'ALTER TABLE {MIRROR} ADD CONSTRAINT hub_mirror_row_unique UNIQUE (region_code, "table", row_key)',
    ]
    out += _indexes(MESSAGES, MESSAGE_INDEXES) + _indexes(MIRROR, MIRROR_INDEXES)
    out.append(
        f"ALTER TABLE {MESSAGES} ADD CONSTRAINT hub_receivedmessage_node_id_3702efad_fk_hub_lowernode_id "
        "FOREIGN KEY (node_id) REFERENCES hub_lowernode(id) DEFERRABLE INITIALLY DEFERRED"
    )
    out += key_trigger_sql(mode=mode)
    return out


def _sequence_sql(table: str) -> list[str]:
    """A sequence owned by `id` (a partitioned table cannot have an identity column on PG < 17)."""
    seq = f"{table}_id_seq"
    return [
        f"CREATE SEQUENCE {seq} OWNED BY {table}.id",
        f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('{seq}')",
        f"SELECT setval('{seq}', COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)",
    ]


def key_trigger_sql(*, mode: str = "postgresql") -> list[str]:
    """Triggers that keep `hub_receivedmessage_key` in step with the messages: a duplicate
    BizMsgID fails the INSERT with a unique violation, as the dropped UNIQUE did.

    On Citus triggers run on the shards, so each message shard gets a function writing its
    colocated key shard (`run_command_on_colocated_placements`, %1$s / %2$s are the shards)."""
    _check_mode(mode)
    keys = "%2$s" if mode == "citus" else KEYS
    suffix = "_%2$s" if mode == "citus" else ""
    function = f"{KEYS}_sync{suffix}"
    body = f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO {keys} (biz_msg_id, message_id, region_code)
      VALUES (NEW.biz_msg_id, NEW.id, NEW.region_code);
    RETURN NEW;
  ELSIF TG_OP = 'UPDATE' THEN
    IF (NEW.biz_msg_id, NEW.region_code) IS DISTINCT FROM (OLD.biz_msg_id, OLD.region_code) THEN
      DELETE FROM {keys} WHERE biz_msg_id = OLD.biz_msg_id AND region_code = OLD.region_code;
      INSERT INTO {keys} (biz_msg_id, message_id, region_code)
        VALUES (NEW.biz_msg_id, NEW.id, NEW.region_code);
    END IF;
    RETURN NEW;
  ELSIF TG_OP = 'DELETE' THEN
    DELETE FROM {keys} WHERE biz_msg_id = OLD.biz_msg_id AND region_code = OLD.region_code;
    RETURN OLD;
  END IF;
  TRUNCATE {keys};
  RETURN NULL;
END $$"""
    table = "%1$s" if mode == "citus" else MESSAGES
    triggers = [
        f"CREATE TRIGGER {KEYS}_ins BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()",
        f"CREATE TRIGGER {KEYS}_upd BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()",
        f"CREATE TRIGGER {KEYS}_del AFTER DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]
    if mode == "citus":
        return [
            f"SELECT run_command_on_colocated_placements('{MESSAGES}', '{KEYS}', $cmd${sql}$cmd$)"
            for sql in (body, *triggers)
        ]
    truncate = (
        f"CREATE TRIGGER {KEYS}_trunc AFTER TRUNCATE ON {MESSAGES} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
    )
    return [body, *triggers, truncate]
