"""The catalogue and the table spec are validated when loaded; a bad edit fails at import."""

from pathlib import Path

import pytest

from bdcdj.quality.checks import CHECKS
from bdcdj.quality.rules import CATALOGUE, TABLES, CatalogueError, parse_catalogue, parse_tables
from bdcdj.quality.rules.params import KINDS
from bdcdj.quality.rules.tables import COLUMNS
from bdcdj.standards.selectors import dictionary_get

DOCS = Path(__file__).resolve().parents[3] / "docs" / "quality.md"
REQUIRED_TABLES = {
    "KTT_ZDJBXX",
    "KTT_FW_ZRZ",
    "KTT_FW_H",
    "QLF_QL_JSYDSYQ",
    "QLT_FW_FDCQ_YZ",
    "QLF_QL_DYAQ",
    "QLF_QL_YGDJ",
    "QLF_QL_CFDJ",
    "QLF_QL_YYDJ",
    "QLF_QL_DYIQ",
    "ZTT_GY_QLR",
}

GOOD = """
  - id: Q-TEST-001
    title: 测试规则
    description: 说明
    severity: block
    kind: conditional_required
    tables: [QLF_QL_DYAQ]
    params: {when: {field: DYFS, equals: "2"}, fields: [ZGZQSE]}
"""


def load(rule_yaml: str):
    return parse_catalogue("rules:\n" + rule_yaml, tables=TABLES)


def test_the_shipped_catalogue_loads_with_unique_ids_and_every_kind_has_a_check():
    assert len({rule.id for rule in CATALOGUE}) == len(CATALOGUE) >= 25
    assert set(CHECKS) == KINDS
    assert {rule.kind for rule in CATALOGUE} == KINDS  # every kind is used by some rule


def test_the_table_spec_covers_the_tables_the_rules_need():
    assert set(TABLES) >= REQUIRED_TABLES
    dyaq = TABLES["QLF_QL_DYAQ"].fields
    assert dyaq["BDBZZQSE"].label == "被担保主债权数额（BDBZZQSE）"
    assert (dyaq["DYFS"].dictionary, dyaq["DYFS"].required) == ("DYFS", "Y")
    assert (dyaq["DBFW"].layout, dyaq["DBFW"].required) == ("2021", "C")
    assert TABLES["QLT_FW_FDCQ_YZ"].fields["JZMJ"].constraint == "gt0"
    assert TABLES["ZTT_GY_QLR"].fields["ZJH"].personal == "id"


@pytest.mark.parametrize("version", ["2015", "2021"])
def test_every_dictionary_named_by_the_table_spec_exists(db, version):
    for table in TABLES.values():
        for spec in table.fields_in(version):
            if spec.dictionary:
                assert dictionary_get(code=spec.dictionary, version=version).active_codes, spec.label


def test_suggested_codes_exist_in_their_dictionaries(db):
    (rule,) = [r for r in CATALOGUE if r.kind == "other_abuse"]
    for hint in rule.params.hints:
        dictionary = next(t.fields[hint.field].dictionary for t in TABLES.values() if hint.field in t.fields)
        for version in ("2015", "2021"):
            assert set(hint.suggest) <= dictionary_get(code=dictionary, version=version).active_codes
        assert (
            set(rule.params.other_codes[dictionary])
            <= dictionary_get(code=dictionary, version="2021").active_codes
        )


def test_a_good_rule_parses():
    (rule,) = load(GOOD)
    assert rule.id == "Q-TEST-001" and rule.stages == {"register", "ingest", "stock"}
    assert rule.severity_for(stage="stock", version="2015") == "block"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("kind: conditional_required", "kind: magic"), "未知的检查类型 'magic'"),
        (("severity: block", "severity: fatal"), "严重程度应为 block 或 warn"),
        (("tables: [QLF_QL_DYAQ]", "tables: [QLF_QL_NOPE]"), "未知的表 QLF_QL_NOPE"),
        (("tables: [QLF_QL_DYAQ]", "tables: []"), "tables 应为表代码列表或 all"),
        (("id: Q-TEST-001", "id: RULE1"), "应形如 Q-REQ-001"),
        (("title: 测试规则", "title: ''"), "title 不能为空"),
        (("fields: [ZGZQSE]", "fields: [ZGZQS]"), "字段 ZGZQS 不在表 QLF_QL_DYAQ 中"),
        (("fields: [ZGZQSE]", "fields: [ZGZQSE], color: red"), "未知参数 color"),
        (
            ('{when: {field: DYFS, equals: "2"}, ', '{when: {field: DYFS, equals: "2", in: ["1"]}, '),
            "只须有一个判断",
        ),
        (("    params:", "    stages: [import]\n    params:"), "未知的检查环节 import"),
        (("    params:", '    versions: ["2019"]\n    params:'), "未知的标准版本 2019"),
        (("    params:", "    overrides: [{severity: warn}]\n    params:"), "须指定 stage 或 version"),
        (("    params:", "    owner: 张三\n    params:"), "未知的键 owner"),
        (("    params:", '    rectypes: ["90001"]\n    params:'), "业务编码应为7位数字"),
    ],
)
def test_a_bad_rule_is_refused_at_load(change, message):
    old, new = change
    assert old in GOOD
    with pytest.raises(CatalogueError) as exc:
        load(GOOD.replace(old, new))
    assert message in str(exc.value)


@pytest.mark.parametrize(
    ("rule_yaml", "message"),
    [
        (GOOD + GOOD, "规则编号 Q-TEST-001 重复"),
        (
            GOOD.replace("kind: conditional_required", "kind: other_abuse").replace(
                'params: {when: {field: DYFS, equals: "2"}, fields: [ZGZQSE]}',
                "params: {other_codes: {DYFS: ['9']},"
                " hints: [{field: DYFS, when: {field: BDCDYH, matches: '(['}, suggest: '1', because: x}]}",
            ),
            "正则表达式有误",
        ),
        (
            GOOD.replace("kind: conditional_required", "kind: amount_magnitude").replace(
                'params: {when: {field: DYFS, equals: "2"}, fields: [ZGZQSE]}',
                "params: {fields: [ZGZQSE], above: {household: lots}}",
            ),
            "above.household 应为数字",
        ),
        (
            GOOD.replace("kind: conditional_required", "kind: date_order").replace(
                'params: {when: {field: DYFS, equals: "2"}, fields: [ZGZQSE]}',
                "params: {pairs: [[ZWLXQSSJ, CFJSSJ]]}",
            ),
            "字段 CFJSSJ 不在表 QLF_QL_DYAQ 中",
        ),
    ],
)
def test_whole_catalogue_problems_are_refused(rule_yaml, message):
    with pytest.raises(CatalogueError) as exc:
        load(rule_yaml)
    assert message in str(exc.value)


@pytest.mark.parametrize("text", ["rules: {}", "other: []", "rules: [", "- a"])
def test_malformed_catalogue_files_are_refused(text):
    with pytest.raises(CatalogueError):
        parse_catalogue(text, tables=TABLES)


HEADER = ",".join(COLUMNS)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("T,表,F,字段,texty,,Y,,,", "未知的值类型"),
        ("T,表,F,字段,text,,X,,,", "必填标记应为 Y、N 或 C"),
        ("T,表,F,字段,text,,Y,gt0,,", "只有数值字段可以有数值约束"),
        ("T,表,F,字段,text,,Y,,2019,", "版本应为空、2015 或 2021"),
        ("T,表,F,字段,text,,Y,,,secret", "未知的个人信息类别"),
        ("T,表,F,字段,text,,Y,,,\nT,表,F,字段,text,,N,,,", "重复"),
        ("T,表,F,字段,text,,Y,,,\nT,别名,G,字段,text,,N,,,", "中文名前后不一致"),
    ],
)
def test_a_bad_table_spec_is_refused(line, message):
    with pytest.raises(CatalogueError) as exc:
        parse_tables(f"{HEADER}\n{line}\n")
    assert message in str(exc.value)


def test_docs_list_every_rule():
    text = DOCS.read_text(encoding="utf-8")
    missing = [rule.id for rule in CATALOGUE if f"`{rule.id}`" not in text]
    assert missing == []
