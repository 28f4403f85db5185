"""The dictionary CSVs and their idempotent loader (migration and `manage.py load_standards`)."""

import csv
import re
from io import StringIO

import pytest
from django.core.management import call_command

from bdcdj.standards.catalogues import DICTIONARY_DIR, VERSIONS, dictionary_specs
from bdcdj.standards.models import Dictionary, DictionaryItem
from bdcdj.standards.selectors import dictionary_has, dictionary_label
from bdcdj.standards.services import standards_load


def test_every_csv_file_is_declared_and_every_declared_dictionary_has_a_file():
    declared = {spec.code for spec in dictionary_specs()}
    files = {path.stem for path in DICTIONARY_DIR.glob("*.csv")}
    assert declared == files


@pytest.mark.parametrize("spec", dictionary_specs(), ids=lambda spec: spec.code)
def test_dictionary_csv_is_consistent(spec):
    assert re.fullmatch(r"[A-Z][A-Z0-9]+", spec.code) and spec.name
    with (DICTIONARY_DIR / f"{spec.code}.csv").open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == ["code", "label", "parent_code", "since", "until"]
    for version in VERSIONS:
        if not spec.applies_to(version):
            continue
        items = spec.items_for(version)
        codes = [item.code for item in items]
        assert items, f"{spec.code} {version} 为空"
        assert len(codes) == len(set(codes)), f"{spec.code} {version} 有重复代码"
        for item in items:
            assert re.fullmatch(r"[0-9A-Za-z]+", item.code), item
            assert item.label and item.label == item.label.strip(), item
            assert not item.parent_code or item.parent_code in codes, item
    for item in spec.items:
        assert item.since in ("", *VERSIONS) and item.until in ("", *VERSIONS), item


@pytest.mark.django_db
def test_loading_again_after_migrate_changes_nothing():
    before = DictionaryItem.objects.count()
    report = standards_load()
    assert not report.changed
    assert DictionaryItem.objects.count() == before


@pytest.mark.django_db
def test_admin_edits_survive_a_reload_unless_overwritten():
    dictionary = Dictionary.objects.get(code="XB", version="2021")
    item = dictionary.items.get(code="3")
    item.label = "未说明"
    item.is_active = False
    item.save()
    DictionaryItem.objects.create(dictionary=dictionary, code="9", label="未知的性别")
    assert not standards_load().changed
    assert dictionary_label(code="XB", value="3") == "未说明"

    report = standards_load(overwrite=True)
    assert report.items_updated == 1
    assert dictionary_label(code="XB", value="3") == "不详"
    assert dictionary_has(code="XB", value="3")
    assert dictionary_has(code="XB", value="9")  # administrators' own items are never removed


@pytest.mark.django_db
def test_a_deleted_dictionary_is_recreated():
    Dictionary.objects.filter(code="CFLX").delete()
    report = standards_load()
    assert report.dictionaries_created == 2 and report.items_created == 8
    assert dictionary_has(code="CFLX", value="4", version="2015")


@pytest.mark.django_db
def test_management_command_reports_in_chinese():
    out = StringIO()
    call_command("load_standards", stdout=out)
    assert "字典：新建 0 个" in out.getvalue()
