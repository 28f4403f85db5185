"""Linking, quality check, bulk fixes and loading of the generated legacy dataset: the planted
defects are found and nothing else; re-running any step gives the same result."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from bdcdj.accounts.models import AuditLog
from bdcdj.core.errors import InvalidInput
from bdcdj.register.models import RegisterEvent, Right, RightStatus, Unit
from bdcdj.register.services import chain_verify
from bdcdj.stock.generator import house_code
from bdcdj.stock.models import LinkFinding, LinkKind, LoadStatus, StagedRow, StockFinding
from bdcdj.stock.selectors import link_report_xlsx, quality_report_xlsx, quality_summary
from bdcdj.stock.services.checking import stock_check, stock_fix
from bdcdj.stock.services.importing import stock_import
from bdcdj.stock.services.linking import stock_link, stock_link_confirm
from bdcdj.stock.services.loading import stock_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(legacy):
    text = legacy.mapping_path.read_text(encoding="utf-8")
    return stock_import(mapping_text=text, base_dir=legacy.directory, by=None).batch


def _report(batch):
    return {(f.kind, f.key) for f in LinkFinding.objects.filter(batch=batch)}


def test_link_report_is_exactly_the_planted_defects(batch, legacy):
    counts = stock_link(batch=batch)
    assert _report(batch) == legacy.expected_links
    assert sum(counts.values()) == len(legacy.expected_links)


def test_linking_again_gives_the_same_report(batch, legacy):
    stock_link(batch=batch)
    first = sorted(LinkFinding.objects.filter(batch=batch).values_list("kind", "key", "message"))
    stock_link(batch=batch)
    assert sorted(LinkFinding.objects.filter(batch=batch).values_list("kind", "key", "message")) == first


def test_parties_are_merged_across_registers_by_id_number(batch):
    stock_link(batch=batch)
    land_owner = StagedRow.objects.get(
        batch=batch, table_code="ZTT_GY_QLR", source="土地登记簿", source_key="2"
    )
    house_owner = StagedRow.objects.get(
        batch=batch, table_code="ZTT_GY_QLR", source="房产登记簿", source_key="2"
    )
    assert land_owner.party_key and land_owner.party_key == house_owner.party_key
    assert land_owner.right_row.table_code == "QLF_QL_JSYDSYQ"


def test_history_chain_is_rebuilt_from_old_certificate_numbers(batch, legacy):
    stock_link(batch=batch)
    last = StagedRow.objects.get(
        batch=batch, certificate=legacy.facts["chain_last"], table_code="QLT_FW_FDCQ_YZ"
    )
    middle = last.predecessor
    assert middle is not None and middle.predecessor.certificate == legacy.facts["chain_first"]
    assert last.unit_row.unit_code == legacy.facts["chain_unit"]


def test_link_report_xlsx_lists_every_finding_for_the_clerk(batch, legacy):
    stock_link(batch=batch)
    content, rows = link_report_xlsx(batch=batch)
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:2] == ("类型", "对象（证号/单元号/证件号）") and values[0][-1] == "处理意见"
    assert rows == len(values) - 1 == len(legacy.expected_links)
    broken = next(v for v in values if v[0] == LinkKind.BROKEN_CHAIN.label)
    assert broken[2:4] == ("房产登记簿", "16")


def test_quality_check_finds_the_unknown_code_and_the_amount_in_yuan(batch, legacy):
    stock_link(batch=batch)
    totals = stock_check(batch=batch)
    assert totals["block"] >= 1 and totals["warn"] >= 1
    unknown = StockFinding.objects.get(batch=batch, rule_id="Q-DIC-001")
    assert (unknown.row.unit_code, unknown.field_code, unknown.severity) == (
        legacy.facts["unknown_use_unit"],
        "FWYT1",
        "block",
    )
    amount = StockFinding.objects.get(batch=batch, rule_id="Q-AMT-001")
    assert amount.row.certificate == legacy.facts["price_in_yuan"] and "850000 万元" in amount.message
    summary = {(r.rule_id, r.severity): r.findings for r in quality_summary(batch=batch)}
    assert summary[("Q-DIC-001", "block")] == 1
    _content, rows = quality_report_xlsx(batch=batch)
    assert rows == StockFinding.objects.filter(batch=batch).count()


def test_checking_twice_does_not_double_findings(batch):
    stock_link(batch=batch)
    stock_check(batch=batch)
    first = StockFinding.objects.filter(batch=batch).count()
    stock_check(batch=batch)
    assert StockFinding.objects.filter(batch=batch).count() == first


def test_bulk_fix_translates_a_code_is_audited_and_rechecked(batch, registrar):
    stock_link(batch=batch)
    stock_check(batch=batch)
    changed = stock_fix(
        batch=batch, by=registrar, rule_id="Q-DIC-001", field_code="FWYT1", translate={"09": "11"}
    )
    assert changed == 1
    assert not StockFinding.objects.filter(batch=batch, rule_id="Q-DIC-001").exists()
    assert StagedRow.objects.get(batch=batch, table_code="KTT_FW_H", source_key="7").data["FWYT1"] == "11"
    log = AuditLog.objects.get(action="stock.fix")
    assert log.detail["rows"] == 1 and log.detail["translate"] == {"09": "11"}


def test_bulk_fix_refuses_personal_fields_and_codes_outside_the_dictionary(batch, registrar):
    stock_link(batch=batch)
    stock_check(batch=batch)
    with pytest.raises(InvalidInput) as caught:
        stock_fix(batch=batch, by=registrar, rule_id="Q-REQ-001", field_code="QLRMC", set_value="某某")
    assert "个人信息" in caught.value.fields["field_code"]
    with pytest.raises(InvalidInput) as caught:
        stock_fix(batch=batch, by=registrar, rule_id="Q-DIC-001", field_code="FWYT1", translate={"09": "X9"})
    assert "不是字典 FWYT" in caught.value.fields["value"]


def test_load_writes_history_through_record_and_a_rerun_skips_done_rows(batch, legacy, registrar):
    stock_link(batch=batch)
    stock_check(batch=batch)
    counts = stock_load(batch=batch, by=registrar)
    assert counts[LoadStatus.LOADED] > 0
    # the three-step chain: two historic rights and the current one, linked as 上手
    unit = Unit.objects.get(code=legacy.facts["chain_unit"])
    rights = list(Right.objects.filter(unit=unit, kind="house_ownership").order_by("registered_at"))
    assert [r.status for r in rights] == [RightStatus.HISTORIC, RightStatus.HISTORIC, RightStatus.CURRENT]
    assert rights[2].predecessor_id == rights[1].pk and rights[1].predecessor_id == rights[0].pk
    assert rights[0].certificate_number == legacy.facts["chain_first"]
    assert timezone.localtime(rights[0].registered_at).date().isoformat() == "2009-01-10"
    assert Right.objects.filter(certificate_number=legacy.facts["mortgage"], kind="mortgage").exists()
    # refused by the register, with its reason kept on the row
    price = StagedRow.objects.get(
        batch=batch, certificate=legacy.facts["price_in_yuan"], table_code="QLT_FW_FDCQ_YZ"
    )
    assert price.load_status == LoadStatus.FAILED and "元" in price.load_error
    events = RegisterEvent.objects.count()
    again = stock_load(batch=batch, by=registrar)
    assert LoadStatus.LOADED not in again
    assert RegisterEvent.objects.count() == events
    assert chain_verify(region_code="340121").ok


def test_fixes_and_confirmed_links_load_on_the_next_run(batch, legacy, registrar):
    stock_link(batch=batch)
    stock_check(batch=batch)
    stock_load(batch=batch, by=registrar)
    blocked_unit = StagedRow.objects.get(batch=batch, table_code="KTT_FW_H", source_key="7")
    assert blocked_unit.load_status == LoadStatus.BLOCKED
    stock_fix(batch=batch, by=registrar, rule_id="Q-DIC-001", field_code="FWYT1", translate={"09": "11"})
    heuristic = LinkFinding.objects.get(batch=batch, kind=LinkKind.HEURISTIC)
    assert stock_link_confirm(batch=batch, by=registrar, finding_ids=[heuristic.pk]) == 1
    assert not StockFinding.objects.filter(row=heuristic.row, rule_id="Q-REQ-001").exists()
    counts = stock_load(batch=batch, by=registrar)
    assert counts[LoadStatus.LOADED] >= 4  # the unit, its right and owner, the confirmed right and owner
    assert Unit.objects.filter(code=legacy.facts["unknown_use_unit"]).exists()
    assert (
        Right.objects.get(unit__code=house_code(2, 3), status=RightStatus.CURRENT).certificate_number
        == heuristic.key
    )
    assert AuditLog.objects.filter(action="stock.link_confirm").exists()
