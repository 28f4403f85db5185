"""Grant the new 自助终端登记 page (portal.kiosks) to the default roles (系统管理员)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from bdcdj.accounts.pages import apply_default_roles

    apply_default_roles(apps.get_model("accounts", "Role"), apps.get_model("accounts", "PagePermission"))


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_kiosk_and_service")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
