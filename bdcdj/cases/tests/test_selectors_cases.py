"""Selectors the console pages use: queue, case detail, actions, tenant isolation."""

import pytest

from bdcdj.cases.selectors import (
    QUEUES,
    case_actions,
    case_detail,
    case_get,
    case_timeline,
    cases_for_queue,
    workflow_current,
    workflows,
)
from bdcdj.cases.services import case_accept, case_review
from bdcdj.cases.tests import helpers as h
from bdcdj.core.errors import Forbidden, NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture
def sale(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    return h.new_case(
        staff,
        "house_transfer_sale",
        [unit.code],
        [h.BUYER.party("holder"), h.SELLER.party("obligor")],
        {"price": "90"},
    )


def test_queue_by_work_step_and_transferred_to_me(staff, sale, make_user):
    h.add_required_materials(sale, staff.clerk)
    case = case_accept(case=sale, by=staff.clerk)
    assert cases_for_queue(user=staff.reviewer, stage="review").items == [case]
    assert cases_for_queue(user=staff.reviewer, stage=QUEUES["accept"]).total == 0
    colleague = make_user("reviewer2", roles=("reviewer",))
    case_review(case=case, by=staff.reviewer, result="4", text="转交", to_user=colleague)
    assert cases_for_queue(user=colleague, mine=True).items == [case]
    assert cases_for_queue(user=staff.reviewer, mine=True).total == 0


def test_queue_pages_and_orders(staff):
    units = [u for u, _ in h.titled_house(staff.registrar, households=3)]
    cases = [
        h.new_case(staff, "objection", [u.code], [h.BUYER.party("objection_applicant")], {"matter": "异议"})
        for u in units
    ]
    page = cases_for_queue(user=staff.clerk, per_page=2, order="number")
    assert page.total == 3 and page.has_next and [c.pk for c in page.items] == [c.pk for c in cases[:2]]
    last = cases_for_queue(user=staff.clerk, per_page=2, page=2, order="-created")
    assert [c.pk for c in last.items] == [cases[0].pk] and not last.has_next


def test_case_detail_for_the_page(staff, sale):
    detail = case_detail(user=staff.clerk, case_id=sale.pk)
    assert detail.parties_masked and detail.parties[0]["name"] == "李*"
    assert detail.missing_materials[0] == "不动产登记申请书" and detail.sla == (0, 5, 5)
    assert detail.units[0].state.title is not None and not detail.units[0].changed_since_accept
    assert [s["current"] for s in detail.steps][:2] == [True, False]
    assert {"accept", "refuse", "material_add", "withdraw", "request_correction"} <= set(detail.actions)
    assert detail.fields == [
        {"code": "price", "label": "成交价格（万元）", "value": "90", "display": "90万元"}
    ]


def test_actions_follow_the_users_step(staff, sale):
    assert case_actions(user=staff.reviewer, case=sale) == []
    h.add_required_materials(sale, staff.clerk)
    case = case_accept(case=sale, by=staff.clerk)
    assert case_actions(user=staff.reviewer, case=case) == ["review"]
    assert "register" not in case_actions(user=staff.registrar, case=case)


def test_other_district_and_no_page_are_refused(staff, sale, outsider, make_user):
    with pytest.raises(NotFound):
        case_get(user=outsider, case_id=sale.pk)
    with pytest.raises(NotFound):
        case_timeline(user=outsider, case_id=sale.pk)
    auditor = make_user("auditor1", roles=("auditor",))
    with pytest.raises(Forbidden):
        case_get(user=auditor, case_id=sale.pk)


def test_workflow_reads(staff, outsider):
    current = workflow_current(region_code=h.REGION, business_type="house_first")
    assert current.version == 1 and current.steps[0]["kind"] == "accept"
    assert current in workflows(user=staff.clerk)
    assert all(w.region_code == h.REGION for w in workflows(user=staff.clerk))
    with pytest.raises(NotFound):
        workflow_current(region_code="110101", business_type="house_first")
