"""Seed one row per department and interface of the catalogue, pointing at the simulator URL
from settings (edit in the admin or re-point with `manage.py sharing_setup --url`)."""

from django.conf import settings
from django.db import migrations

DEPARTMENTS = {
    "police": ("公安", "top_top"),
    "market": ("市场监管", "top_top"),
    "civil": ("民政", "top_top"),
    "finance": ("金融监管", "top_point"),
    "tax": ("税务", "top_point"),
    "court": ("法院", "top_point"),
    "housing": ("住建", "point_point"),
    "health": ("卫健", "point_point"),
    "notary": ("公证", "point_point"),
}
INTERFACES = (
    ("identity.id_card", "police", "身份证核验"),
    ("identity.face", "police", "人脸比对"),
    ("identity.credit_code", "market", "统一社会信用代码/营业执照核验"),
    ("identity.financial_licence", "finance", "金融许可证核验"),
    ("collab.tax_status", "tax", "完税状态"),
    ("collab.contract_filing", "housing", "商品房合同网签备案"),
    ("collab.court_order", "court", "法院查封/解封文书"),
    ("info.marriage", "civil", "婚姻登记信息"),
    ("info.death", "civil", "死亡（殡葬）信息"),
    ("info.place_name", "civil", "标准地名"),
    ("info.birth", "health", "出生医学证明"),
    ("info.notarial_deed", "notary", "公证书核验"),
)


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Department = apps.get_model("sharing", "Department")
    Interface = apps.get_model("sharing", "Interface")
    base = settings.BDCDJ_SHARING_SIMULATOR_URL.rstrip("/")
    for code, (name, mode) in DEPARTMENTS.items():
        Department.objects.get_or_create(
            code=code, defaults={"name": name, "endpoint_url": f"{base}/{code}", "mode": mode, "credentials_ref": code}
        )
    for kind, department, name in INTERFACES:
        Interface.objects.get_or_create(
            kind=kind, defaults={"department": Department.objects.get(code=department), "name": name}
        )


class Migration(migrations.Migration):
    dependencies = [("sharing", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
