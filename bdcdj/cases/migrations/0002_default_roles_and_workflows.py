"""Grant the case pages (缮证/发证/归档, 工作台, 流程配置) to the default roles, and give every
district that exists (and this node's own district) version 1 of each business type's
workflow from `cases/workflows/business_types.yaml`. Districts created later get theirs from
`cases.services.workflow_ensure_defaults` (called on their first 收件)."""

from django.conf import settings
from django.db import migrations


def forwards(apps, schema_editor):
    from bdcdj.accounts.pages import apply_default_roles
    from bdcdj.cases.workflows import business_types, default_definition

    apply_default_roles(apps.get_model("accounts", "Role"), apps.get_model("accounts", "PagePermission"))
    Tenant = apps.get_model("accounts", "Tenant")
    Workflow = apps.get_model("cases", "WorkflowDefinition")
    regions = set(Tenant.objects.values_list("region_code", flat=True)) | {settings.BDCDJ_REGION_CODE}
    for region in sorted(regions):
        have = set(Workflow.objects.filter(region_code=region).values_list("business_type", flat=True))
        for code in business_types():
            if code in have:
                continue
            Workflow.objects.create(
                region_code=region, business_type=code, version=1, is_active=True, note="默认流程",
                **default_definition(code),
            )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("accounts", "0003_default_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
