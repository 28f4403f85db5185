"""Grant the 汇交 packages page (huijiao.packages) to the default roles: read for 登簿人员,
write for 系统管理员 (accounts/pages.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from bdcdj.accounts.pages import apply_default_roles

    apply_default_roles(apps.get_model("accounts", "Role"), apps.get_model("accounts", "PagePermission"))


class Migration(migrations.Migration):
    dependencies = [
        ("huijiao", "0001_initial"),
        ("accounts", "0003_default_roles"),
        ("exchange", "0002_default_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
