"""Create the 领导（统计与监督） and 纪检监督员 roles and grant the statistics and supervision
pages to 系统管理员 (accounts/pages.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from bdcdj.accounts.pages import apply_default_roles

    apply_default_roles(apps.get_model("accounts", "Role"), apps.get_model("accounts", "PagePermission"))


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0001_initial"),
        ("accounts", "0003_default_roles"),
        ("portal", "0002_default_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
