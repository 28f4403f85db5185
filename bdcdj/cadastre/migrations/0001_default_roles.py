"""Grant the 地籍图 page (register.map) to the default roles (accounts/pages.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from bdcdj.accounts.pages import apply_default_roles

    apply_default_roles(apps.get_model("accounts", "Role"), apps.get_model("accounts", "PagePermission"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_default_roles"),
        ("precise", "0002_default_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
