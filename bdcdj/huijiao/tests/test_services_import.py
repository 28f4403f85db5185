import json

import pytest
from django.core.management import CommandError, call_command

from bdcdj.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from bdcdj.huijiao.models import IncomingPackage, PackageFinding, StandardRow
from bdcdj.huijiao.services import package_export, package_import, package_path
from bdcdj.huijiao.tests.conftest import rewrite
from bdcdj.huijiao.tests.helpers import REGION, release, seize, unseized_unit
from bdcdj.register.models import MortgageDetail, Party, Unit

pytestmark = pytest.mark.django_db


def test_a_full_package_loads_every_row_once(node, demo):
    package = package_export(region_code=REGION, kind="full")
    outcome = package_import(source=package_path(package))
    assert outcome.package.inserted == package.row_count == StandardRow.objects.count()
    assert (outcome.package.updated, outcome.package.unchanged) == (0, 0)
    assert outcome.package.node == node.node


def test_personal_values_are_stored_encrypted_and_masked(node, demo):
    package_import(source=package_path(package_export(region_code=REGION, kind="full")))
    party = Party.objects.filter(region_code=REGION, party_type="1").first()
    from bdcdj.accounts.pii import decrypt_text

    clear_name = decrypt_text(party.name_enc)
    stored = StandardRow.objects.filter(table="ZTT_GY_QLR", data__YWH=party.right.business_number).first()
    assert clear_name not in json.dumps(stored.data, ensure_ascii=False)
    assert clear_name not in stored.personal_enc
    assert clear_name in decrypt_text(stored.personal_enc)


def test_a_changed_table_file_is_refused_before_anything_is_stored(node, demo):
    path = package_path(package_export(region_code=REGION, kind="full"))

    def tamper(files):
        files["KTT_FW_H.xml"] = files["KTT_FW_H.xml"].replace(b'MJDW="1"', b'MJDW="2"', 1)

    with pytest.raises(InvalidInput) as info:
        package_import(source=rewrite(path, tamper))
    assert info.value.code == "huijiao_tampered" and "KTT_FW_H.xml" in info.value.message
    assert not IncomingPackage.objects.exists() and not StandardRow.objects.exists()


def test_a_changed_manifest_breaks_its_signature(node, demo):
    path = package_path(package_export(region_code=REGION, kind="full"))

    def tamper(files):
        manifest = json.loads(files["manifest.json"])
        manifest["serial"] = 7
        files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode()

    with pytest.raises(InvalidInput) as info:
        package_import(source=rewrite(path, tamper))
    assert info.value.code == "huijiao_signature_invalid"
    assert "签名" in info.value.message


def test_an_extra_or_missing_file_is_refused(node, demo):
    path = package_path(package_export(region_code=REGION, kind="full"))
    with pytest.raises(InvalidInput) as info:
        package_import(source=rewrite(path, lambda files: files.pop("KTT_FW_C.xml")))
    assert info.value.code == "huijiao_tampered"
    with pytest.raises(InvalidInput):
        package_import(source=rewrite(path, lambda files: files.update({"../../etc/passwd": b"x"})))
    with pytest.raises(InvalidInput):
        package_import(source=b"not a zip at all")


def test_a_replayed_package_is_refused_with_its_reason(node, demo):
    path = package_path(package_export(region_code=REGION, kind="full"))
    package_import(source=path)
    with pytest.raises(Conflict) as info:
        package_import(source=path)
    assert info.value.code == "huijiao_replayed" and "重放" in info.value.message
    assert IncomingPackage.objects.count() == 1


def test_a_sequence_gap_is_refused_naming_the_expected_event(node, demo):
    full = package_export(region_code=REGION, kind="full")
    seizure = seize(unseized_unit(), "340121-2026-H00001")
    package_export(region_code=REGION, kind="incremental")
    release(seizure, "340121-2026-H00002")
    third = package_export(region_code=REGION, kind="incremental")
    package_import(source=package_path(full))
    with pytest.raises(Conflict) as info:
        package_import(source=package_path(third))
    assert info.value.code == "huijiao_sequence_gap"
    assert f"已导入至第 {full.seq_to} 条" in info.value.message
    assert f"本包从第 {full.seq_to + 2} 条开始" in info.value.message


def test_an_incremental_without_a_full_package_is_refused(node, demo):
    package_export(region_code=REGION, kind="full")
    seize(unseized_unit(), "340121-2026-H00001")
    incremental = package_export(region_code=REGION, kind="incremental")
    with pytest.raises(Conflict) as info:
        package_import(source=package_path(incremental))
    assert info.value.code == "huijiao_no_base"


def test_incrementals_upsert_by_table_and_key(node, demo):
    package_import(source=package_path(package_export(region_code=REGION, kind="full")))
    before = StandardRow.objects.count()
    seizure = seize(unseized_unit(), "340121-2026-H00001")
    first = package_import(source=package_path(package_export(region_code=REGION, kind="incremental")))
    assert (first.package.inserted, first.package.updated, first.package.unchanged) == (1, 0, 0)
    release(seizure, "340121-2026-H00002")
    second = package_import(source=package_path(package_export(region_code=REGION, kind="incremental")))
    assert (second.package.inserted, second.package.updated, second.package.unchanged) == (0, 1, 0)
    assert StandardRow.objects.count() == before + 1
    row = StandardRow.objects.get(table="QLF_QL_CFDJ", row_key=f"340121-2026-H00001|{seizure.unit.code}")
    assert row.data["QSZT"] == "3" and row.data["JFYWH"] == "340121-2026-H00002"
    assert row.package == second.package


def test_planted_bad_rows_appear_in_the_qc_report_with_their_row_keys(node, demo):
    unit = Unit.objects.filter(region_code=REGION, code__regex=r"^.{19}F").order_by("code").first()
    Unit.objects.filter(pk=unit.pk).update(planned_use="ZZ")  # not a 房屋用途 code
    mortgage = MortgageDetail.objects.filter(right__region_code=REGION).select_related("right__unit").first()
    MortgageDetail.objects.filter(pk=mortgage.pk).update(method="2", maximum_amount=None)  # 最高额, no ZGZQSE
    outcome = package_import(source=package_path(package_export(region_code=REGION, kind="full")))
    findings = PackageFinding.objects.filter(package=outcome.package)
    dictionary = findings.get(rule_id="Q-DIC-001", table="KTT_FW_H", field="FWYT1")
    assert dictionary.row_key == unit.code and dictionary.severity == "block"
    maximum = findings.get(rule_id="Q-DYAQ-001")
    assert maximum.row_key == f"{mortgage.right.business_number}|{mortgage.right.unit.code}"
    assert outcome.report.summary[("KTT_FW_H", "Q-DIC-001", "block")] == 1
    assert outcome.package.qc_blocking == findings.filter(severity="block").count()


def test_an_unknown_or_foreign_source_is_refused(node, demo, settings):
    path = package_path(package_export(region_code=REGION, kind="full"))
    from bdcdj.hub.models import LowerNode

    LowerNode.objects.update(is_active=False)
    with pytest.raises(NotFound):
        package_import(source=path)
    LowerNode.objects.update(is_active=True, region_code="340122")
    with pytest.raises(NotFound):
        package_import(source=path)
    other = LowerNode.objects.get()
    with pytest.raises(Forbidden):
        package_import(source=path, node=other)


def test_commands_export_import_and_refuse_a_replay(node, demo, tmp_path):
    from io import StringIO

    out = StringIO()
    call_command("huijiao_export", "--region", REGION, "--full", "--out", str(tmp_path), stdout=out)
    [path] = list(tmp_path.glob("huijiao-340121-000001-full.zip"))
    assert not list(tmp_path.glob("*.tmp"))
    call_command("huijiao_import", str(path), stdout=out)
    assert "已导入汇交包 340121 第 1 号（全量）" in out.getvalue()
    with pytest.raises(CommandError, match="重放"):
        call_command("huijiao_import", str(path), stdout=out)
    with pytest.raises(CommandError, match="没有变化"):
        call_command(
            "huijiao_export", "--region", REGION, "--incremental", "--out", str(tmp_path), stdout=out
        )
