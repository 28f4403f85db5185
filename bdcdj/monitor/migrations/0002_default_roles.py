"""Grant the monitor pages to the default roles: monitor.dashboard read for 审核人员 and 登簿人员,
both pages write for 系统管理员 (accounts/pages.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from bdcdj.accounts.pages import apply_default_roles

    apply_default_roles(apps.get_model("accounts", "Role"), apps.get_model("accounts", "PagePermission"))


class Migration(migrations.Migration):
    dependencies = [
        ("monitor", "0001_initial"),
        ("accounts", "0003_default_roles"),
        ("exchange", "0002_default_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
