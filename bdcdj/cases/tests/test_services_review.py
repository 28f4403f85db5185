"""审核意见: 同意, 回退, 退件 (不予登记决定书), 转件, templates; multi-level review."""

import pytest

from bdcdj.cases.models import Stage
from bdcdj.cases.services import case_accept, case_register, case_review, workflow_publish
from bdcdj.cases.tests import helpers as h
from bdcdj.cases.workflows import default_definition
from bdcdj.core.errors import Conflict, Forbidden, InvalidInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    case = h.new_case(
        staff,
        "house_transfer_sale",
        [unit.code],
        [h.BUYER.party("holder"), h.SELLER.party("obligor")],
        {"price": "90"},
    )
    h.add_required_materials(case, staff.clerk)
    return case_accept(case=case, by=staff.clerk)


def test_approval_uses_the_first_template_and_moves_to_register(staff, accepted):
    assert accepted.stage == Stage.ACCEPTED
    case = case_review(case=accepted, by=staff.reviewer, result="1")
    opinion = case.opinions.get()
    assert case.stage == Stage.REGISTER and opinion.text.startswith("经审核") and opinion.result == "1"
    assert case.handlers["review"]["user_id"] == staff.reviewer.pk


def test_registrar_sends_the_case_back_to_review(staff, accepted):
    case = case_review(case=accepted, by=staff.reviewer, result="1")
    case = case_review(case=case, by=staff.registrar, result="2", template=1)
    assert case.stage == Stage.REVIEW and case.step_code == "review"
    assert case.opinions.last().text == "登记簿记载情况已发生变化，退回审核。"
    with pytest.raises(Conflict):
        case_review(case=case, by=staff.reviewer, result="2", text="再退")  # no earlier review step


def test_rejection_issues_a_refusal_decision(staff, accepted):
    case = case_review(case=accepted, by=staff.reviewer, result="3", text="申请登记事项与登记簿记载冲突")
    assert case.stage == Stage.REFUSED and case.status == "4" and case.close_reason.startswith("申请登记事项")
    notice = case.notices.get(kind="refusal")
    assert notice.text == "申请登记事项与登记簿记载冲突"
    with pytest.raises(Conflict):
        case_register(case=case, by=staff.registrar)


def test_transfer_hands_the_case_to_another_reviewer_only(staff, accepted, make_user):
    colleague = make_user("reviewer2", roles=("reviewer",))
    with pytest.raises(InvalidInput):
        case_review(case=accepted, by=staff.reviewer, result="4", text="请协助", to_user=staff.clerk)
    case = case_review(case=accepted, by=staff.reviewer, result="4", text="请协助", to_user=colleague)
    assert case.assigned_to == colleague and case.stage == Stage.REVIEW
    with pytest.raises(Conflict) as exc:
        case_review(case=case, by=staff.reviewer, result="1")
    assert exc.value.code == "assigned_to_other"
    case = case_review(case=case, by=colleague, result="1")
    assert case.stage == Stage.REGISTER and case.assigned_to is None


def test_opinion_without_text_or_template_is_invalid_for_a_rejection(staff, accepted):
    with pytest.raises(InvalidInput):
        case_review(case=accepted, by=staff.reviewer, result="3")


def test_two_level_review_with_a_chief_reviewer(staff, admin_user, make_user):
    from bdcdj.accounts.models import PagePermission, Role

    chief_role = Role.objects.create(code="chief", name="核定人员")
    PagePermission.objects.create(role=chief_role, page="cases.review", level="write")
    chief = make_user("chief1", roles=("chief",))
    definition = default_definition("house_transfer_sale")
    steps = definition["steps"]
    steps.insert(
        2, {"code": "approve", "name": "核定", "kind": "review", "role": "chief", "actions": ["1", "2", "3"]}
    )
    workflow_publish(
        region_code=h.REGION, business_type="house_transfer_sale", definition=definition, by=admin_user
    )
    [(unit, _)] = h.titled_house(staff.registrar)
    case = h.new_case(
        staff,
        "house_transfer_sale",
        [unit.code],
        [h.BUYER.party("holder"), h.SELLER.party("obligor")],
        {"price": "90"},
    )
    case = h.to_register(staff, case)
    assert case.step_code == "approve" and case.stage == Stage.REVIEW
    with pytest.raises(Forbidden) as exc:
        case_review(case=case, by=staff.reviewer, result="1")
    assert exc.value.code == "role_forbidden" and "核定人员" in exc.value.message
    case = case_review(case=case, by=chief, result="2", text="面积有误")
    assert case.step_code == "review"
    case = case_review(case=case, by=staff.reviewer, result="1")
    case = case_review(case=case, by=chief, result="1", text="同意")
    assert case.stage == Stage.REGISTER
