from collections import Counter

import pytest
from lxml import etree

from bdcdj.core.errors import Conflict
from bdcdj.exchange.signing import verify
from bdcdj.hub.tests.factories import public_key_hex
from bdcdj.huijiao.services import package_export, package_path
from bdcdj.huijiao.tests.conftest import manifest_of, read_package
from bdcdj.huijiao.tests.helpers import REGION, seize, unseized_unit
from bdcdj.huijiao.xsd import schema_for, xsd_path, xsd_text
from bdcdj.register.models import Building, Floor, LogicalBuilding, Parcel, Party, Right, Unit
from bdcdj.register.standard_fields import RIGHT_TABLES

pytestmark = pytest.mark.django_db


def _expected_counts() -> dict[str, int]:
    rights = Counter(
        RIGHT_TABLES[kind] for kind in Right.objects.filter(region_code=REGION).values_list("kind", flat=True)
    )
    counts = {
        "KTT_ZDJBXX": Parcel.objects.filter(region_code=REGION, kind="land").count(),
        "KTT_ZHJBXX": Parcel.objects.filter(region_code=REGION, kind="sea").count(),
        "KTT_FW_ZRZ": Building.objects.filter(region_code=REGION).count(),
        "KTT_FW_LJZ": LogicalBuilding.objects.filter(region_code=REGION).count(),
        "KTT_FW_C": Floor.objects.filter(region_code=REGION).count(),
        "KTT_FW_H": Unit.objects.filter(region_code=REGION, code__regex=r"^.{19}F").count(),
        "ZTT_GY_QLR": Party.objects.filter(region_code=REGION).count(),
        **rights,
    }
    return {table: n for table, n in counts.items() if n}


def test_full_package_of_the_demo_county_has_every_table_with_the_register_counts(node, demo):
    package = package_export(region_code=REGION, kind="full")
    manifest = manifest_of(package_path(package))
    listed = {t["table"]: t["rows"] for t in manifest["tables"]}
    assert listed == _expected_counts()
    assert {"KTT_ZDJBXX", "KTT_FW_H", "QLT_FW_FDCQ_YZ", "QLF_QL_DYAQ", "QLF_QL_CFDJ", "ZTT_GY_QLR"} <= set(
        listed
    )
    assert manifest["kind"] == "full" and manifest["serial"] == 1 and manifest["region_code"] == REGION
    assert manifest["events"]["from"] == 1 and manifest["events"]["to"] == demo.events
    assert package.row_count == sum(listed.values())


def test_every_table_file_is_well_formed_schema_valid_and_counted(node, demo):
    package = package_export(region_code=REGION, kind="full")
    files = read_package(package_path(package))
    for entry in manifest_of(package_path(package))["tables"]:
        root = etree.fromstring(files[entry["file"]])
        schema = schema_for(entry["table"])
        assert schema.validate(root), schema.error_log
        assert root.get("AreaCode") == REGION and root.get("Table") == entry["table"]
        assert len(root) == entry["rows"] and all(row.tag == entry["table"] for row in root)


def test_rows_carry_standard_codes_and_stored_dictionary_codes(node, demo):
    package = package_export(region_code=REGION, kind="full")
    files = read_package(package_path(package))
    households = etree.fromstring(files["KTT_FW_H.xml"])
    unit = Unit.objects.filter(region_code=REGION, code__regex=r"^.{19}F").order_by("code").first()
    row = next(r for r in households if r.get("BDCDYH") == unit.code)
    assert row.get("FWYT1") == unit.planned_use and row.get("YSDM") == "6001030140"
    assert row.get("SCJZMJ") == format(unit.built_area, "f")
    titles = etree.fromstring(files["QLT_FW_FDCQ_YZ.xml"])
    assert {r.get("QSZT") for r in titles} >= {"1", "2"}  # history travels with its status


def test_manifest_signature_verifies_with_the_node_key(node, demo):
    package = package_export(region_code=REGION, kind="full")
    files = read_package(package_path(package))
    signature = files["manifest.sig"].decode()
    assert verify(public_key_hex=public_key_hex(), data=files["manifest.json"], signature_hex=signature)
    assert not verify(
        public_key_hex=public_key_hex(), data=files["manifest.json"] + b" ", signature_hex=signature
    )


def test_incremental_needs_a_full_package_and_a_change(node, demo):
    with pytest.raises(Conflict) as info:
        package_export(region_code=REGION, kind="incremental")
    assert info.value.code == "huijiao_no_base"
    package_export(region_code=REGION, kind="full")
    with pytest.raises(Conflict) as info:
        package_export(region_code=REGION, kind="incremental")
    assert info.value.code == "huijiao_no_changes"


def test_incremental_carries_exactly_what_the_new_registration_wrote(node, demo):
    full = package_export(region_code=REGION, kind="full")
    seizure = seize(unseized_unit(), "340121-2026-H00001")
    incremental = package_export(region_code=REGION, kind="incremental")
    manifest = manifest_of(package_path(incremental))
    assert manifest["base_package_id"] == full.package_id
    assert manifest["events"]["from"] == full.seq_to + 1 == manifest["events"]["to"]
    assert manifest["events"]["prev_hash"] == full.head_hash
    assert {t["table"]: t["rows"] for t in manifest["tables"]} == {"QLF_QL_CFDJ": 1}
    row = etree.fromstring(read_package(package_path(incremental))["QLF_QL_CFDJ.xml"])[0]
    assert (row.get("BDCDYH"), row.get("YWH"), row.get("QSZT")) == (
        seizure.unit.code,
        "340121-2026-H00001",
        "1",
    )


def test_generated_schemas_are_up_to_date(node):
    from bdcdj.huijiao.tables import TABLE_ORDER

    for table in TABLE_ORDER:
        assert xsd_path(table).read_text(encoding="utf-8") == xsd_text(table), table


def test_table_files_with_a_doctype_or_unknown_fields_are_refused():
    import io

    from bdcdj.huijiao.xmlio import TableFileError, read_rows

    entity = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "boom">]>'
        b'<Data AreaCode="340121" Table="KTT_FW_C"><KTT_FW_C CH="&x;"/></Data>'
    )
    with pytest.raises(TableFileError, match="DOCTYPE"):
        list(read_rows(io.BytesIO(entity), table="KTT_FW_C", region_code=REGION))
    unknown = b'<Data AreaCode="340121" Table="KTT_FW_C"><KTT_FW_C CH="1" FOO="a"/></Data>'
    with pytest.raises(TableFileError, match="FOO"):
        list(read_rows(io.BytesIO(unknown), table="KTT_FW_C", region_code=REGION))
    wrong = b'<Data AreaCode="340122" Table="KTT_FW_C"><KTT_FW_C CH="1"/></Data>'
    with pytest.raises(TableFileError, match="区划"):
        list(read_rows(io.BytesIO(wrong), table="KTT_FW_C", region_code=REGION))
