"""智能审核 of a case: comparisons with the application, the register and 公安 checks; the
drafted opinion; automatic approval of a clean case and the fallback to a person otherwise,
each with its audit trail."""

import pytest

from bdcdj.accounts.models import AuditLog
from bdcdj.cases.models import Opinion, Stage
from bdcdj.cases.services import case_accept
from bdcdj.cases.services.automation import auto_advance_note, case_auto_advance
from bdcdj.cases.tests import helpers as h
from bdcdj.recognition.models import Recognition, ReviewRun
from bdcdj.recognition.services import review_run
from bdcdj.recognition.tests.conftest import add_document, add_other_materials, make_auto, pdf_of

pytestmark = pytest.mark.django_db

SEIZURE = {
    "authority": h.COURT,
    "document_number": "（2025）皖0121执100号",
    "seizure_kind": "1",
    "start": "2025-03-01",
    "end": "2028-02-28",
    "scope": "该不动产单元",
}


def _by_check(run: ReviewRun) -> dict[str, dict]:
    return {f["check"]: f for f in run.findings}


def _mortgage_case(staff, rng, *, amount: str = "80.0000"):
    [(unit, _)] = h.titled_house(staff.registrar)
    case = h.new_case(
        staff,
        "mortgage_first",
        [unit.code],
        [h.BANK.party("mortgagee"), h.SELLER.party("mortgagor")],
        dict(h.MORTGAGE_DATA),
    )
    add_document(
        case,
        staff.clerk,
        "identity",
        pdf_of("id_card", rng, name=h.SELLER.name, id_number=h.SELLER.id_number),
    )
    add_document(
        case,
        staff.clerk,
        "mortgage_contract",
        pdf_of(
            "mortgage_contract",
            rng,
            mortgagee=h.BANK.name,
            mortgagor=h.SELLER.name,
            amount=amount,
            term_start="2025-01-01",
            term_end="2045-01-01",
            unit_code=unit.code,
            location=unit.location,
        ),
    )
    add_other_materials(case, staff.clerk, {"identity", "mortgage_contract"})
    return case_accept(case=case, by=staff.clerk), unit


def test_matching_documents_give_matches_with_their_sources(staff, rng):
    case, _ = _mortgage_case(staff, rng)
    run = review_run(case=case, by=staff.reviewer)
    found = _by_check(run)
    for check in (
        "mortgage_contract.amount",
        "mortgage_contract.mortgagee",
        "mortgage_contract.mortgagor",
        "mortgage_contract.term_end",
        "mortgage_contract.unit_code",
        "id_card.id_number",
        "id_card.name",
    ):
        assert found[check]["status"] == "match", found[check]
    assert found["mortgage_contract.location"]["source"] == "登记簿"
    assert found["id_card.sharing"]["status"] == "missing"  # no 公安 check was run
    assert run.consistent and not run.decisive and run.mismatches == 0
    assert "智能审核" in run.opinion and "来源：申请信息" in run.opinion
    assert h.SELLER.name not in str(run.findings) and h.SELLER.id_number not in run.opinion  # masked only
    assert Recognition.objects.filter(case=case).count() == 2
    review_run(case=case, by=staff.reviewer)  # the same materials are not read twice
    assert Recognition.objects.filter(case=case).count() == 2
    audit = AuditLog.objects.filter(action="recognition.review_run").latest("id")
    assert audit.detail["inputs_digest"] == run.inputs_digest


def test_a_different_amount_is_a_mismatch_explained_in_the_opinion(staff, rng):
    case, _ = _mortgage_case(staff, rng, amount="95.0000")
    run = review_run(case=case, by=staff.reviewer)
    finding = _by_check(run)["mortgage_contract.amount"]
    assert finding["status"] == "mismatch" and finding["found"] == "95.0000" and finding["expected"] == "80"
    assert not run.consistent
    assert run.opinion.splitlines()[1].startswith("1.【不一致】被担保主债权数额（万元）与申请信息不一致")


def test_a_wrong_material_in_a_checklist_slot_is_a_mismatch(staff, rng):
    [(unit, _)] = h.titled_house(staff.registrar)
    case = h.new_case(staff, "seizure", [unit.code], [], SEIZURE)
    add_document(case, staff.clerk, "court_ruling", pdf_of("sale_contract", rng))
    run = review_run(case=case, by=staff.reviewer)
    found = _by_check(run)
    assert found["court_order.kind"]["status"] == "mismatch"
    assert found["court_order.present"]["status"] == "missing"  # the 协助执行通知书 is not there


def _seizure_case(staff, rng, *, document_number: str):
    [(unit, _)] = h.titled_house(staff.registrar)
    case = h.new_case(staff, "seizure", [unit.code], [h.SELLER.party("seized_person")], SEIZURE)
    truth = {
        "court": h.COURT,
        "case_number": document_number,
        "unit_code": unit.code,
        "location": unit.location,
        "start": "2025-03-01",
        "end": "2028-02-28",
    }
    add_document(case, staff.clerk, "court_ruling", pdf_of("court_order", rng, **truth))
    add_document(case, staff.clerk, "assist_notice", pdf_of("court_order", rng, **truth))
    add_other_materials(case, staff.clerk, {"court_ruling", "assist_notice"})
    return case_accept(case=case, by=staff.clerk)


def test_a_clean_seizure_is_approved_and_registered_automatically_with_an_audit_trail(staff, rng, admin_user):
    make_auto("seizure", admin_user)
    case = _seizure_case(staff, rng, document_number=SEIZURE["document_number"])
    outcome = case_auto_advance(case=case)
    assert outcome.steps == ["review", "register"], outcome.reason
    case.refresh_from_db()
    assert case.stage == Stage.ARCHIVE and case.registered_at is not None
    run = ReviewRun.objects.get(case=case)
    assert run.trigger == "auto" and run.decisive and run.auto_approval and run.missing == 0
    opinion = Opinion.objects.filter(case=case, step_code="review").get()
    assert (
        opinion.text.startswith("系统自动审核通过：") and f"智能审核 {run.matches} 项全部一致" in opinion.text
    )
    step = AuditLog.objects.filter(action="cases.auto_step", object_id=case.number).order_by("id").first()
    assert step.actor_name == "system-340121"
    assert step.detail["recognition_run"] == run.pk and step.detail["inputs_digest"] == run.inputs_digest
    assert step.detail["rules_version"] == run.rules_version and "必需材料齐全" in step.detail["rules"]


def test_a_mismatched_document_number_falls_back_to_a_person_with_the_findings(staff, rng, admin_user):
    make_auto("seizure", admin_user)
    case = _seizure_case(staff, rng, document_number="（2025）皖0121执999号")
    outcome = case_auto_advance(case=case)
    assert outcome.steps == [] and outcome.stopped_at == "review"
    assert outcome.reason.startswith("智能审核未通过：查封文号与申请信息不一致")
    case.refresh_from_db()
    assert case.stage == Stage.ACCEPTED
    assert "查封文号" in auto_advance_note(case=case)
    stop = AuditLog.objects.filter(action="cases.auto_stop", object_id=case.number).get()
    assert "查封文号" in stop.detail["reason"]
    assert not ReviewRun.objects.get(case=case).consistent


def test_a_configured_business_with_an_unreadable_document_is_not_approved(staff, rng, admin_user):
    make_auto("seizure", admin_user)
    [(unit, _)] = h.titled_house(staff.registrar)
    case = h.new_case(staff, "seizure", [unit.code], [], SEIZURE)
    h.add_required_materials(case, staff.clerk)  # placeholder PDFs without any text
    case = case_accept(case=case, by=staff.clerk)
    outcome = case_auto_advance(case=case)
    assert outcome.steps == [] and "材料“人民法院裁定书”：PDF 文件已损坏" in outcome.reason


def test_a_bank_discharge_matching_the_register_cancels_the_mortgage_automatically(staff, rng, admin_user):
    from bdcdj.register.selectors import unit_state

    [(unit, _)] = h.titled_house(staff.registrar)
    parties = [h.BANK.party("mortgagee"), h.SELLER.party("mortgagor")]
    h.run(staff, "mortgage_first", [unit.code], parties, dict(h.MORTGAGE_DATA))
    mortgage = unit_state(user=staff.registrar, code=unit.code).mortgages[0]
    make_auto("mortgage_cancel", admin_user)
    case = h.new_case(
        staff, "mortgage_cancel", [unit.code], [h.BANK.party("applicant")], {"target_right_id": mortgage.pk}
    )
    letter = pdf_of(
        "discharge",
        rng,
        mortgagee=h.BANK.name,
        mortgagor=h.SELLER.name,
        proof_number=mortgage.certificate_number,
        unit_code=unit.code,
    )
    add_document(case, staff.clerk, "discharge", letter)
    add_other_materials(case, staff.clerk, {"discharge"})
    case = case_accept(case=case, by=staff.clerk)
    outcome = case_auto_advance(case=case)
    assert outcome.steps == ["review", "register"], outcome.reason
    run = ReviewRun.objects.get(case=case)
    assert run.decisive and {f["source"] for f in run.findings} == {"登记簿", "申请信息"}
    assert not unit_state(user=staff.registrar, code=unit.code).mortgages


def test_archived_police_checks_are_compared_per_person(staff, rng):
    import json

    from bdcdj.accounts import pii
    from bdcdj.sharing.models import SharingCheck

    case, _ = _mortgage_case(staff, rng)
    request = {"name": h.SELLER.name, "id_number": h.SELLER.id_number}
    SharingCheck.objects.create(
        region_code=case.region_code,
        case=case,
        kind="identity.id_card",
        status="mismatch",
        operator="clerk",
        request_enc=pii.encrypt_text(json.dumps(request, ensure_ascii=False)),
    )
    finding = _by_check(review_run(case=case, by=staff.reviewer))["id_card.sharing"]
    assert finding["status"] == "mismatch" and finding["source"] == "公安身份核验"
    assert finding["message"] == "公安身份核验结果为“不一致”"
    SharingCheck.objects.create(
        region_code=case.region_code,
        case=case,
        kind="identity.id_card",
        status="ok",
        operator="clerk",
        request_enc=pii.encrypt_text(json.dumps(request, ensure_ascii=False)),
    )
    run = review_run(case=case, by=staff.reviewer)
    assert _by_check(run)["id_card.sharing"]["status"] == "match"
    assert run.decisive  # every document, party and check now agrees


def test_a_deleted_material_file_is_reported_not_raised(staff, rng):
    case, _ = _mortgage_case(staff, rng)
    material = case.materials.get(checklist_code="mortgage_contract")
    material.file.storage.delete(material.file.name)
    run = review_run(case=case, by=staff.reviewer)
    assert "材料文件不存在或无法打开" in run.opinion
