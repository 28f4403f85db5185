"""Default roles (受理人员, 审核人员, 登簿人员, 系统管理员, 审计员, 查询人员) with page grants.

The definitions live in `accounts.pages.DEFAULT_ROLES`, the single catalogue of pages; a
fresh database therefore gets the current defaults, and existing deployments are brought
up to date with `manage.py sync_default_roles`.
"""

from django.db import migrations


def create_default_roles(apps, schema_editor):
    from bdcdj.accounts.pages import apply_default_roles

    apply_default_roles(apps.get_model("accounts", "Role"), apps.get_model("accounts", "PagePermission"))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_audit_append_only_login_throttle"),
    ]

    operations = [
        migrations.RunPython(create_default_roles, migrations.RunPython.noop),
    ]
