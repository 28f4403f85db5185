"""PostgreSQL only: a trigger that refuses UPDATE and DELETE of register events (raw SQL
included), and a trigram index so `units_by_location` (icontains) is index-backed.

Both are no-ops on SQLite: there the ORM guard and the hash chain protect the events.
"""

from django.db import DatabaseError, migrations, transaction

TABLE = "register_registerevent"

CREATE_TRIGGER = f"""
CREATE OR REPLACE FUNCTION register_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = '登簿事件只能追加，不能修改或删除：' || TG_OP,
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS register_event_append_only ON {TABLE};
CREATE TRIGGER register_event_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION register_event_append_only();
"""

DROP_TRIGGER = f"""
DROP TRIGGER IF EXISTS register_event_append_only ON {TABLE};
DROP FUNCTION IF EXISTS register_event_append_only();
"""

# Django's icontains on PostgreSQL compares UPPER(col::text) LIKE UPPER(pattern).
CREATE_TRGM_INDEX = (
    "CREATE INDEX IF NOT EXISTS register_unit_location_trgm "
    "ON register_unit USING gin ((UPPER(location::text)) gin_trgm_ops)"
)


def _run(schema_editor, sql):
    # A plain cursor (no parameters) so PostgreSQL's own syntax is passed through untouched.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _run(schema_editor, CREATE_TRIGGER)
    try:
        # pg_trgm needs CREATE privilege on the database; without it the search still works,
        # only slower, so a missing extension must not stop the migration.
        with transaction.atomic(using=schema_editor.connection.alias):
            _run(schema_editor, "CREATE EXTENSION IF NOT EXISTS pg_trgm")
            _run(schema_editor, CREATE_TRGM_INDEX)
    except DatabaseError:
        pass


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _run(schema_editor, DROP_TRIGGER)
    _run(schema_editor, "DROP INDEX IF EXISTS register_unit_location_trgm")


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
