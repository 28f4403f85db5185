"""Dictionary lookups: versions, validation messages, inactive codes and the per-process cache."""

import pytest

from bdcdj.core.errors import InvalidInput, NotFound
from bdcdj.standards import selectors
from bdcdj.standards.catalogues import dictionary_specs
from bdcdj.standards.models import Dictionary, DictionaryItem
from bdcdj.standards.selectors import (
    DEFAULT_VERSION,
    dictionary_get,
    dictionary_has,
    dictionary_items,
    dictionary_label,
    dictionary_require,
    standard_version,
)

pytestmark = pytest.mark.django_db

QLLX_2015 = {str(n) for n in range(1, 23)} | {"99"}
QLLX_REVISED = {"35", "37", "92", "94", "96", "97", "98"}


def test_migrate_loads_every_dictionary_in_both_versions():
    stored = set(Dictionary.objects.values_list("code", "version"))
    for spec in dictionary_specs():
        for version in ("2015", "2021"):
            assert ((spec.code, version) in stored) is spec.applies_to(version)
    assert len(dictionary_specs()) >= 60


def test_qllx_2015_is_the_base_list_and_2021_adds_the_revised_codes():
    assert {i.code for i in dictionary_items(code="QLLX", version="2015")} == QLLX_2015
    assert {i.code for i in dictionary_items(code="QLLX", version="2021")} == QLLX_2015 | QLLX_REVISED
    assert dictionary_label(code="QLLX", value="37") == "抵押权"
    assert dictionary_label(code="QLLX", value="92") == "居住权"
    assert dictionary_label(code="QLLX", value="37", version="2015") is None


def test_unchanged_dictionaries_repeat_their_list_in_2021():
    for code in ("DJLX", "FWYT", "QLXZ", "CFLX"):
        old = [(i.code, i.label, i.parent_code) for i in dictionary_items(code=code, version="2015")]
        new = [(i.code, i.label, i.parent_code) for i in dictionary_items(code=code, version="2021")]
        assert old == new and old


def test_zjzl_includes_the_unified_social_credit_code():
    assert dictionary_label(code="ZJZL", value="8", version="2015") == "统一社会信用代码"
    assert dictionary_has(code="ZJZL", value="8")


def test_land_use_keeps_leading_zeros_and_both_gbt21010_editions():
    assert dictionary_label(code="TDYT", value="07") == "住宅用地"
    assert dictionary_label(code="TDYT", value="071") == "城镇住宅用地"
    assert dictionary_label(code="TDYT", value="072") == "农村宅基地"
    assert dictionary_label(code="TDYT", value="0701") == "城镇住宅用地"
    assert dictionary_label(code="TDYT", value="0303") == "红树林地"
    assert not dictionary_has(code="TDYT", value="71")
    assert not dictionary_has(code="TDYT", value="0701", version="2015")
    items = {i.code: i for i in dictionary_items(code="TDYT")}
    assert items["011"].parent_code == "01" and items["1207"].parent_code == "12"
    assert sum(1 for c in items if len(c) == 4) == 73  # GB/T 21010-2017 二级类


def test_hierarchical_dictionaries_name_their_parents():
    items = {i.code: i for i in dictionary_items(code="FWYT")}
    assert items["111"].parent_code == "11" and items["11"].parent_code == "10"
    assert items["10"].parent_code == ""


def test_items_come_in_csv_order():
    assert [i.code for i in dictionary_items(code="DJLX")] == [str(n * 100) for n in range(1, 10)]


def test_default_version_is_2021_and_can_be_overridden(settings, monkeypatch):
    assert DEFAULT_VERSION == "2021"
    monkeypatch.delenv("BDCDJ_STANDARD_VERSION", raising=False)
    assert standard_version() == "2021"
    monkeypatch.setenv("BDCDJ_STANDARD_VERSION", "2015")
    assert standard_version() == "2015"
    assert not dictionary_has(code="QLLX", value="37")
    settings.BDCDJ_STANDARD_VERSION = "2021"
    assert dictionary_has(code="QLLX", value="37")


def test_require_names_the_dictionary_and_the_field():
    with pytest.raises(InvalidInput) as info:
        dictionary_require(code="FWYT", value="999", field="planned_use")
    error = info.value
    assert error.code == "unknown_dictionary_code"
    assert error.message == "房屋用途“999”不在字典 FWYT（房屋用途）中"
    assert error.fields == {"planned_use": error.message}
    dictionary_require(code="FWYT", value="11", field="planned_use")
    with pytest.raises(InvalidInput) as info:
        dictionary_require(code="GYFS", value="", field="co_ownership")
    assert "不能为空" in info.value.message


def test_inactive_codes_fail_validation_but_keep_their_label():
    item = DictionaryItem.objects.get(dictionary__code="FWLX", dictionary__version="2021", code="6")
    assert dictionary_has(code="FWLX", value="6")
    item.is_active = False
    item.save()
    assert not dictionary_has(code="FWLX", value="6")
    assert dictionary_label(code="FWLX", value="6") == "车库"
    assert "6" not in {i.code for i in dictionary_items(code="FWLX")}
    with pytest.raises(InvalidInput) as info:
        dictionary_require(code="FWLX", value="6", field="house_type")
    assert "已停用" in info.value.message


def test_unknown_dictionary_or_version_is_not_found():
    with pytest.raises(NotFound) as info:
        dictionary_has(code="NOPE", value="1")
    assert info.value.message == "字典 NOPE 不存在"
    with pytest.raises(NotFound) as info:
        dictionary_get(code="QLRTZ", version="2015")
    assert "没有 2015 版本" in info.value.message and "2021" in info.value.message


def test_numbers_are_compared_as_codes():
    assert dictionary_has(code="QLLX", value=4)  # type: ignore[arg-type]
    assert not dictionary_has(code="QLLX", value="04")


def test_repeated_lookups_are_served_from_memory(django_assert_num_queries):
    dictionary_has(code="QLLX", value="4")
    with django_assert_num_queries(0):
        for value in ("1", "2", "37", "x"):
            dictionary_has(code="QLLX", value=value)
        dictionary_label(code="QLLX", value="4")
        dictionary_items(code="QLLX")


def test_saving_an_item_is_visible_at_once_in_this_process():
    assert not dictionary_has(code="FWYT", value="85")
    dictionary = Dictionary.objects.get(code="FWYT", version="2021")
    DictionaryItem.objects.create(dictionary=dictionary, code="85", label="车位", parent_code="80")
    assert dictionary_has(code="FWYT", value="85")
    assert dictionary_label(code="FWYT", value="85") == "车位"


def test_entries_expire_so_other_processes_see_admin_edits(monkeypatch, settings):
    settings.BDCDJ_DICTIONARY_CACHE_SECONDS = 30
    clock = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock[0])
    assert not dictionary_has(code="FWYT", value="85")
    # Another process writes: no signal reaches this one.
    dictionary = Dictionary.objects.get(code="FWYT", version="2021")
    DictionaryItem.objects.bulk_create([DictionaryItem(dictionary=dictionary, code="85", label="车位")])
    clock[0] += 29
    assert not dictionary_has(code="FWYT", value="85")
    clock[0] += 2
    assert dictionary_has(code="FWYT", value="85")
