"""Certificate and proof number templates of the demo county 340121 (安徽省长丰县)."""

from django.db import migrations

DEMO = {"region_code": "340121", "province_abbr": "皖", "county_name": "长丰县", "width": 7}


def create(apps, schema_editor):
    Template = apps.get_model("standards", "CertificateNumberTemplate")
    for kind in ("certificate", "proof"):
        Template.objects.get_or_create(
            region_code=DEMO["region_code"], kind=kind, year=None, defaults={**DEMO, "note": "演示县"}
        )


def remove(apps, schema_editor):
    Template = apps.get_model("standards", "CertificateNumberTemplate")
    Template.objects.filter(region_code=DEMO["region_code"], year=None, note="演示县").delete()


class Migration(migrations.Migration):
    dependencies = [("standards", "0002_load_dictionaries")]

    operations = [migrations.RunPython(create, remove)]
