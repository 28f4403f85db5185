"""Create the 精准查询 A/B post roles and grant the precise pages to 系统管理员 (accounts/pages.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from bdcdj.accounts.pages import apply_default_roles

    apply_default_roles(apps.get_model("accounts", "Role"), apps.get_model("accounts", "PagePermission"))


class Migration(migrations.Migration):
    dependencies = [
        ("precise", "0001_initial"),
        ("accounts", "0003_default_roles"),
        ("monitor", "0002_default_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
