"""Load every national dictionary (2015 and 2021 versions) from standards/data/.

The loader is idempotent: later CSV changes ship as a new migration that calls it again (or as
`manage.py load_standards`), and rows edited by administrators are kept.
"""

from django.db import migrations


def load(apps, schema_editor):
    from bdcdj.standards.loader import load_dictionaries

    load_dictionaries(
        dictionary_model=apps.get_model("standards", "Dictionary"),
        item_model=apps.get_model("standards", "DictionaryItem"),
    )


class Migration(migrations.Migration):
    dependencies = [("standards", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
