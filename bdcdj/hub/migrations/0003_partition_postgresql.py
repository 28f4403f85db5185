"""Partition the received messages (month × region hash) and the mirror (region hash) on
PostgreSQL only; SQLite keeps the plain tables. See bdcdj/hub/partitioning.py, docs/scale.md.

The model state does not change: Django keeps using `id`. The reconciliation's foreign key to
the mirror is dropped in the database by the conversion (Django still applies SET_NULL), so
this migration runs after it was created."""

from django.db import migrations


def forwards(apps, schema_editor):
    from bdcdj.hub.services.partitions import partitions_convert

    partitions_convert(schema_editor=schema_editor)


class Migration(migrations.Migration):
    atomic = True

    dependencies = [
        ("hub", "0002_forwarditem_passed_down_at_forwarditem_upstream_code_and_more"),
        ("reconcile", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
