"""Import into staging: the generated legacy dataset, encodings, 元 → 万元, personal data at rest,
idempotent re-runs, and bad input that leaves nothing half-staged."""

import csv
import json
from pathlib import Path

import pytest

from bdcdj.accounts.pii import blind_index, decrypt_text
from bdcdj.stock.generator import generate_legacy, house_code, parcel_code
from bdcdj.stock.mapping import MappingError
from bdcdj.stock.models import BatchStatus, ImportIssue, StagedRow, StockBatch
from bdcdj.stock.services import importing
from bdcdj.stock.services.importing import stock_import

pytestmark = pytest.mark.django_db


def _import(legacy, text=None, **kwargs):
    text = text if text is not None else legacy.mapping_path.read_text(encoding="utf-8")
    return stock_import(mapping_text=text, base_dir=legacy.directory, by=None, **kwargs)


def test_generated_dataset_is_staged_from_all_four_sources(legacy):
    batch = _import(legacy).batch
    assert batch.status == BatchStatus.STAGED
    sources = batch.summary["sources"]
    assert sources["土地登记簿"] == "land.csv（GBK/GB18030）"  # detected: not valid UTF-8
    assert sources["房产登记簿"] == "houses.csv（UTF-8）"
    assert set(StagedRow.objects.filter(batch=batch).values_list("source", flat=True)) == {
        "土地登记簿",
        "楼盘表",
        "房产登记簿",
        "抵押登记库",
    }
    assert batch.rows_read == 4 + 13 + 17 + 3
    assert batch.rows_staged == 4 * 3 + 13 + 17 * 2 + 3 * 2


def test_unknown_old_code_is_reported_with_its_row_and_staged_as_found(legacy):
    batch = _import(legacy).batch
    issues = list(ImportIssue.objects.filter(batch=batch))
    assert [(i.kind, i.source, i.row_ref, i.field_code, i.value) for i in issues] == [
        ("unknown_code", "楼盘表", "7", "FWYT1", "09")
    ]
    unit = StagedRow.objects.get(batch=batch, table_code="KTT_FW_H", source_key="7")
    assert unit.data["FWYT1"] == "09"
    assert StagedRow.objects.get(batch=batch, table_code="KTT_FW_H", source_key="2").data["FWYT1"] == "11"


def test_amounts_in_yuan_become_wan_yuan_and_dates_become_iso(legacy):
    batch = _import(legacy).batch
    land = StagedRow.objects.filter(batch=batch, table_code="QLF_QL_JSYDSYQ").first()
    assert land.data["QDJG"] == "360"  # 3,600,000 元
    assert land.data["DJSJ"] == "2005-03-01"  # 2005/03/01
    mortgage = StagedRow.objects.get(batch=batch, table_code="QLF_QL_DYAQ", source_key="1")
    assert mortgage.data["BDBZZQSE"] == "500"  # 5,000,000 元
    assert mortgage.data["BDCDYH"] == house_code(1, 1)
    parcel = StagedRow.objects.filter(batch=batch, table_code="KTT_ZDJBXX").first()
    assert parcel.data["BDCDYH"] == parcel_code(1) + "W00000000"
    assert parcel.data["ZDTZM"] == "GB"


def test_personal_values_are_only_masked_in_clear_and_encrypted_at_rest(legacy):
    batch = _import(legacy).batch
    party = StagedRow.objects.get(batch=batch, table_code="ZTT_GY_QLR", source="土地登记簿", source_key="2")
    owner_id = legacy.facts["owner_a_id"]
    assert party.data["ZJH"] != owner_id and "*" in party.data["ZJH"]
    assert owner_id not in json.dumps(party.data, ensure_ascii=False)
    clear = json.loads(decrypt_text(party.pii_enc))
    assert clear["ZJH"] == owner_id
    assert party.id_index == blind_index(owner_id)


def test_running_the_same_import_again_stages_nothing_new(legacy):
    first = _import(legacy)
    again = _import(legacy)
    assert again.reused and again.batch.pk == first.batch.pk
    assert StockBatch.objects.count() == 1
    assert StagedRow.objects.count() == first.batch.rows_staged


def test_changed_source_content_is_a_new_batch(legacy):
    first = _import(legacy).batch
    path = legacy.directory / "houses.csv"
    path.write_text(path.read_text(encoding="utf-8-sig").replace("88.50", "88.60"), encoding="utf-8-sig")
    second = _import(legacy).batch
    assert second.pk != first.pk and second.status == BatchStatus.STAGED


def test_malformed_row_fails_the_batch_without_leaving_staged_rows(legacy, monkeypatch):
    monkeypatch.setattr(importing, "CHUNK_ROWS", 2)  # earlier chunks are committed before the break
    path = legacy.directory / "houses.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[10] += ",多余的列"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    batch = _import(legacy).batch
    assert batch.status == BatchStatus.FAILED
    assert "第11行有20列，表头有19列" in batch.error
    assert not StagedRow.objects.filter(batch=batch).exists()
    issue = ImportIssue.objects.get(batch=batch)
    assert (issue.kind, issue.source, issue.row_ref) == ("structure", "房产登记簿", "11")


def test_gbk_header_declared_as_utf8_is_refused_before_staging(legacy):
    text = legacy.mapping_path.read_text(encoding="utf-8").replace(
        "path: land.csv\n    encoding: auto", "path: land.csv\n    encoding: utf-8"
    )
    with pytest.raises(MappingError) as caught:
        _import(legacy, text)
    assert "表头不是 UTF-8 编码" in caught.value.fields["sources.土地登记簿"]
    assert not StockBatch.objects.exists()


def test_gbk_row_in_a_utf8_file_fails_the_batch_naming_the_row(legacy, monkeypatch):
    monkeypatch.setattr(importing, "CHUNK_ROWS", 2)
    text = legacy.mapping_path.read_text(encoding="utf-8").replace(
        "path: houses.csv", "path: houses.csv\n    encoding: utf-8"
    )
    path = legacy.directory / "houses.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines += ["\n".join(lines[1:]) for _ in range(200)]  # push the bad row past the decoder's first read
    body = ("\n".join(lines) + "\n").encode("utf-8")
    bad = lines[3].encode("gbk") + b"\n"
    path.write_bytes(body + bad)
    batch = _import(legacy, text).batch
    assert batch.status == BatchStatus.FAILED
    assert "的内容不是 UTF-8 编码" in batch.error
    issue = ImportIssue.objects.get(batch=batch)
    assert issue.kind == "encoding" and int(issue.row_ref) > 3000
    assert not StagedRow.objects.filter(batch=batch).exists()


def test_gbk_file_declared_as_gbk_reads(legacy):
    text = legacy.mapping_path.read_text(encoding="utf-8").replace(
        "path: land.csv\n    encoding: auto", "path: land.csv\n    encoding: gbk"
    )
    assert _import(legacy, text).batch.status == BatchStatus.STAGED


@pytest.mark.parametrize(
    ("change", "where", "says"),
    [
        (("table: KTT_FW_H", "table: KTT_FW_X"), "sources[1].targets[0].table", "未知的标准表"),
        (("SHBW: 室号", "SHBX: 室号"), "sources[1].targets[0].fields.SHBX", "没有字段"),
        (
            ("codes: 房屋用途}", "codes: 旧用途}"),
            "sources[1].targets[0].fields.FWYT1.codes",
            "未在 code_tables 中定义",
        ),
        (
            ('{"01": "11", "02": "31"}', '{"01": "11", "02": "3X"}'),
            "code_tables.房屋用途.values.02",
            "不是字典 FWYT",
        ),
        (("kind: xlsx", "kind: dbf"), "sources[1].kind", "来源类型"),
        (('region_code: "340121"', "region_code: 34012"), "region_code", "6位数字"),
    ],
)
def test_mapping_errors_say_where_and_stage_nothing(legacy, change, where, says):
    text = legacy.mapping_path.read_text(encoding="utf-8")
    assert change[0] in text
    with pytest.raises(MappingError) as caught:
        _import(legacy, text.replace(change[0], change[1], 1))
    assert says in caught.value.fields[where]
    assert not StockBatch.objects.exists()


def test_bad_yaml_names_the_line(legacy):
    with pytest.raises(MappingError) as caught:
        _import(legacy, "name: x\nsources: [\n  - {name: a\n")
    assert "YAML 格式错误" in caught.value.message
    assert any(key.startswith("第") and "行" in key for key in caught.value.fields)


def test_missing_source_column_and_missing_file_are_reported_before_staging(legacy):
    text = legacy.mapping_path.read_text(encoding="utf-8")
    text = text.replace(
        'ZL: 坐落\n          MJDW: {value: "1"}\n          SHBW',
        'ZL: 位置\n          MJDW: {value: "1"}\n          SHBW',
    )
    text = text.replace("path: houses.csv", "path: nowhere.csv")
    with pytest.raises(MappingError) as caught:
        _import(legacy, text)
    assert "没有映射所需的列：位置" in caught.value.fields["sources.楼盘表"]
    assert "文件不存在：nowhere.csv" in caught.value.fields["sources.房产登记簿"]
    assert not StockBatch.objects.exists()


def test_a_file_that_is_not_xlsx_is_refused(legacy):
    (legacy.directory / "units.xlsx").write_bytes(b"not a zip")
    with pytest.raises(MappingError) as caught:
        _import(legacy)
    assert "不是有效的 XLSX 文件" in caught.value.fields["sources.楼盘表"]


def test_unreachable_table_in_sql_source_is_reported(legacy):
    text = legacy.mapping_path.read_text(encoding="utf-8").replace(
        "table: stock_legacy_dy", "table: no_such_table"
    )
    with pytest.raises(MappingError) as caught:
        _import(legacy, text)
    assert "没有表“no_such_table”" in caught.value.fields["sources.抵押登记库"]


def test_mariadb_source_imports(tmp_path: Path):
    url = "mysql+pymysql://root@127.0.0.1:3306/test"
    legacy = generate_legacy(tmp_path / "maria", sql_url=url)
    batch = _import(legacy).batch
    assert batch.status == BatchStatus.STAGED
    assert (
        batch.summary["sources"]["抵押登记库"]
        == "mysql+pymysql://root@127.0.0.1:3306/test 表 stock_legacy_dy"
    )
    rows = StagedRow.objects.filter(batch=batch, source="抵押登记库", table_code="QLF_QL_DYAQ")
    assert sorted(rows.values_list("source_key", flat=True)) == ["1", "2", "3"]


def test_csv_with_bom_and_crlf_reads(legacy):
    path = legacy.directory / "houses.csv"
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    assert _import(legacy).batch.status == BatchStatus.STAGED
