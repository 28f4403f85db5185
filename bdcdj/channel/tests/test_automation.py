"""Automatic review: a clean mortgage goes from 受理 through 审核, 登簿 and 缮证 without a person
once its fee is paid; an unclean one stops with the reason visible to staff."""

import pytest
from django_tasks_db.models import DBTaskResult

from bdcdj.cases.models import Case, CaseEvent, Opinion, Stage
from bdcdj.cases.services import case_accept, workflow_publish
from bdcdj.cases.services.automation import auto_advance_note, auto_advance_task, case_auto_advance
from bdcdj.cases.tests.helpers import titled_house
from bdcdj.channel.demo import auto_review_configure
from bdcdj.channel.services import mortgage_batch_submit
from bdcdj.channel.tests.conftest import api, mortgage_item
from bdcdj.core.errors import InvalidInput
from bdcdj.payments.tests.helpers import callback_body, paying_order, post_callback

pytestmark = pytest.mark.django_db


def _submit(world, key: str = "a-1") -> Case:
    unit, _title = titled_house(world.registrar)[0]
    result = mortgage_batch_submit(institution=world.bank, items=[mortgage_item(key, unit.code)])
    assert result.created == 1, result.items[0].fields
    return Case.objects.get(pk=result.items[0].case_id)


def test_clean_case_goes_from_acceptance_to_certificate_after_payment(
    world, client, django_capture_on_commit_callbacks
):
    auto_review_configure(region_code="340121", by=world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        case = _submit(world)
    assert DBTaskResult.objects.filter(args_kwargs__args=[case.pk]).count() == 1  # scheduled after 受理
    stopped = auto_advance_task.call(case.pk)
    assert stopped["steps"] == [] and "登记费尚未缴纳" in stopped["reason"]
    case.refresh_from_db()
    assert case.stage == Stage.ACCEPTED
    assert "登记费尚未缴纳" in auto_advance_note(case=case)

    order = paying_order(case)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_callback(client, callback_body(order)).json()["code"] == "paid"
    assert DBTaskResult.objects.filter(args_kwargs__args=[case.pk]).count() == 2  # scheduled after payment
    done = auto_advance_task.call(case.pk)
    assert done["steps"] == ["review", "register", "certify"]
    case.refresh_from_db()
    assert case.stage == Stage.ISSUE and case.registered_at is not None
    certificate = case.certificates.get()
    assert certificate.rendered_at is not None and certificate.sm3
    opinions = list(Opinion.objects.filter(case=case).order_by("id"))
    assert [o.step_code for o in opinions] == ["review", "register"]
    assert all(o.text.startswith("系统自动审核通过：") and "登记费已缴纳" in o.text for o in opinions)
    assert opinions[0].by.username == "system-340121"
    status = api(client, "GET", "/items/a-1", world.bank_token).json()["case"]
    assert status["stage"] == "issue" and status["certificates"][0]["rendered"] is True
    pdf = client.get(status["certificates"][0]["pdf_url"], HTTP_X_API_KEY=world.bank_token)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_stops_at_a_step_that_is_not_auto_with_the_reason(world):
    from bdcdj.cases.models import WorkflowDefinition
    from bdcdj.cases.services.workflows import DEFINITION_KEYS

    current = WorkflowDefinition.objects.get(
        region_code="340121", business_type="mortgage_first", is_active=True
    )
    definition = {key: getattr(current, key) for key in DEFINITION_KEYS}
    definition["steps"] = [{**s, "auto": True} if s["kind"] == "review" else s for s in current.steps]
    workflow_publish(
        region_code="340121", business_type="mortgage_first", definition=definition, by=world.admin
    )
    unit, _title = titled_house(world.registrar)[0]
    item = mortgage_item("w-1", unit.code)
    result = mortgage_batch_submit(institution=world.bank, items=[item])
    case = Case.objects.get(pk=result.items[0].case_id)
    # waive the fee instead of paying: a fresh case accepted with the waiver
    assert case.fees.filter(waived=False, amount__gt=0).exists()
    case.fees.update(waived=True, waiver_reason="小微企业减免")
    outcome = case_auto_advance(case=case)
    assert outcome.steps == ["review"] and outcome.stopped_at == "register"
    assert outcome.reason == "“登簿”环节须人工办理"
    case.refresh_from_db()
    assert case.stage == Stage.REGISTER
    assert auto_advance_note(case=case) == "“登簿”环节须人工办理"
    event = CaseEvent.objects.filter(case=case).order_by("-id").first()
    assert event.message.startswith("自动审核未继续，转人工办理") and not event.public
    case_auto_advance(case=case)  # a second run leaves no second identical note
    assert CaseEvent.objects.filter(case=case, message=event.message).count() == 1


def test_missing_materials_stop_automatic_review(world):
    auto_review_configure(region_code="340121", by=world.admin)
    case = _submit(world)
    case.fees.update(waived=True, waiver_reason="减免")
    case.materials.filter(checklist_code="mortgage_contract").delete()
    outcome = case_auto_advance(case=case)
    assert outcome.steps == [] and outcome.reason == "缺少必需材料：抵押合同及主债权合同"
    case.refresh_from_db()
    assert case.stage == Stage.ACCEPTED


def test_workflow_validation_allows_auto_only_on_review_register_certify(world):
    from bdcdj.cases.workflows import default_definition

    definition = default_definition("mortgage_first")
    definition["steps"][0]["auto"] = True
    with pytest.raises(InvalidInput) as caught:
        workflow_publish(
            region_code="340121", business_type="mortgage_first", definition=definition, by=world.admin
        )
    assert caught.value.fields == {"steps[0].auto": "只有审核、登簿、缮证环节可以自动办理"}
    definition["steps"][0].pop("auto")
    definition["steps"][1]["auto"] = "yes"
    with pytest.raises(InvalidInput):
        workflow_publish(
            region_code="340121", business_type="mortgage_first", definition=definition, by=world.admin
        )


def test_staff_acceptance_of_an_auto_workflow_schedules_the_task(world, django_capture_on_commit_callbacks):
    from bdcdj.cases.tests.helpers import SELLER, Staff, add_required_materials, new_case
    from bdcdj.channel.tests.conftest import make_user

    auto_review_configure(region_code="340121", by=world.admin)
    staff = Staff(clerk=make_user("t-c", ["clerk"]), reviewer=world.registrar, registrar=world.registrar)
    unit, _title = titled_house(world.registrar)[0]
    from bdcdj.cases.tests.helpers import BANK, MORTGAGE_DATA

    case = new_case(
        staff,
        "mortgage_first",
        [unit.code],
        [BANK.party("mortgagee"), SELLER.party("mortgagor")],
        dict(MORTGAGE_DATA),
    )
    add_required_materials(case, staff.clerk)
    with django_capture_on_commit_callbacks(execute=True):
        case_accept(case=case, by=staff.clerk)
    assert DBTaskResult.objects.filter(args_kwargs__args=[case.pk]).exists()
