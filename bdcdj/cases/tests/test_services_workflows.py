"""Workflow definitions as data: defaults per district, validated publishing, versions kept
by running cases."""

import copy

import pytest

from bdcdj.cases.models import WorkflowDefinition
from bdcdj.cases.services import case_accept, case_create, workflow_ensure_defaults, workflow_publish
from bdcdj.cases.tests import helpers as h
from bdcdj.cases.workflows import business_types, default_definition
from bdcdj.core.errors import Conflict, Forbidden, InvalidInput

pytestmark = pytest.mark.django_db


def test_every_district_gets_one_current_definition_per_business_type(staff):
    assert workflow_ensure_defaults(region_code=h.REGION) == []  # idempotent
    created = workflow_ensure_defaults(region_code=h.OTHER_REGION)
    assert {w.business_type for w in created} == set(business_types())
    assert WorkflowDefinition.objects.filter(
        region_code=h.OTHER_REGION, is_active=True, version=1
    ).count() == len(business_types())


def test_running_cases_keep_the_version_they_started_with(staff, admin_user):
    [(unit_a, _)] = h.titled_house(staff.registrar)
    [(unit_b, _)] = h.titled_house(staff.registrar)
    parties = [h.BUYER.party("holder"), h.SELLER.party("obligor")]
    old_case = h.new_case(staff, "house_transfer_sale", [unit_a.code], parties, {"price": "90"})
    definition = default_definition("house_transfer_sale")
    definition["time_limit_workdays"] = 3
    definition["materials"].append(
        {"code": "marriage", "name": "婚姻状况证明", "required": True, "form": "2", "pages": 1}
    )
    definition["custom_fields"] = [{"code": "loan", "label": "是否贷款", "type": "bool", "required": True}]
    v2 = workflow_publish(
        region_code=h.REGION,
        business_type="house_transfer_sale",
        definition=definition,
        by=admin_user,
        note="增加婚姻证明",
    )
    assert v2.version == 2 and v2.is_active
    assert (
        WorkflowDefinition.objects.get(
            region_code=h.REGION, business_type="house_transfer_sale", version=1
        ).is_active
        is False
    )

    h.add_required_materials(old_case, staff.clerk)
    old_case = case_accept(case=old_case, by=staff.clerk)  # v1: no 婚姻状况证明 needed
    assert old_case.workflow.version == 1 and old_case.time_limit_workdays == 5

    with pytest.raises(InvalidInput) as exc:
        h.new_case(staff, "house_transfer_sale", [unit_b.code], parties, {"price": "90"})
    assert exc.value.fields == {"data.loan": "是否贷款必填"}
    new_case = h.new_case(staff, "house_transfer_sale", [unit_b.code], parties, {"price": "90", "loan": True})
    assert new_case.workflow == v2 and new_case.data["loan"] is True
    h.add_required_materials(new_case, staff.clerk)
    assert case_accept(case=new_case, by=staff.clerk).time_limit_workdays == 3


def _broken(**changes):
    definition = copy.deepcopy(default_definition("house_transfer_sale"))
    for key, value in changes.items():
        definition[key] = value(definition) if callable(value) else value
    return definition


def _step(index, **changes):
    def change(definition):
        definition["steps"][index].update(changes)
        return definition["steps"]

    return change


@pytest.mark.parametrize(
    ("definition", "field", "text"),
    [
        (_broken(steps=[]), "steps", "环节不能为空"),
        (_broken(steps=_step(1, role="ghost")), "steps[1].role", "角色不存在"),
        (_broken(steps=_step(2, back_to="nowhere")), "steps[2].back_to", "回退环节"),
        (_broken(steps=_step(1, next="accept")), "steps[1].next", "下一环节"),
        (_broken(steps=_step(1, next="certify")), "steps[1].next", "不能跳过登簿"),
        (_broken(steps=_step(1, actions=["1", "2"])), "steps[1].actions", "没有可回退"),
        (_broken(steps=_step(3, actions=["1"])), "steps[3].actions", "只有审核、登簿环节"),
        (_broken(steps=lambda d: [d["steps"][1], d["steps"][0], *d["steps"][2:]]), "steps", "环节顺序"),
        (_broken(steps=lambda d: [s for s in d["steps"] if s["kind"] != "certify"]), "steps", "缮证"),
        (
            _broken(fees=[{"code": "x", "name": "登记费", "mode": "1", "amount": "-1"}]),
            "fees[0].amount",
            "不小于 0",
        ),
        (
            _broken(fees=[{"code": "x", "name": "登记费", "mode": "4", "amount": "1"}]),
            "fees[0].mode",
            "收费类型",
        ),
        (_broken(materials=[{"code": "a", "name": "", "form": "1"}]), "materials[0].name", "必填"),
        (_broken(materials=[{"code": "a", "name": "甲", "form": "7"}]), "materials[0].form", "收件类型"),
        (_broken(time_limit_workdays=0), "time_limit_workdays", "办理时限"),
        (
            _broken(custom_fields=[{"code": "price", "label": "价", "type": "string"}]),
            "custom_fields[0].code",
            "重复",
        ),
        (
            _broken(custom_fields=[{"code": "k", "label": "类", "type": "choice"}]),
            "custom_fields[0].choices",
            "选项",
        ),
        (_broken(opinion_templates={"ghost": ["同意"]}), "opinion_templates.ghost", "不存在"),
        ({"steps": [], "colour": "red"}, "definition", "未知的配置项"),
    ],
)
def test_invalid_definitions_are_refused_naming_the_field(admin_user, definition, field, text):
    with pytest.raises(InvalidInput) as exc:
        workflow_publish(
            region_code=h.REGION, business_type="house_transfer_sale", definition=definition, by=admin_user
        )
    assert text in exc.value.fields[field], exc.value.fields
    assert (
        WorkflowDefinition.objects.filter(business_type="house_transfer_sale", region_code=h.REGION).count()
        == 1
    )


def test_non_issuing_business_may_not_have_certify_steps(admin_user):
    definition = default_definition("seizure")
    definition["steps"] = default_definition("house_first")["steps"]
    with pytest.raises(InvalidInput) as exc:
        workflow_publish(region_code=h.REGION, business_type="seizure", definition=definition, by=admin_user)
    assert "不发证的业务" in exc.value.fields["steps"]


def test_publishing_needs_the_workflow_page_and_the_district(staff, outsider):
    definition = default_definition("seizure")
    with pytest.raises(Forbidden):
        workflow_publish(region_code=h.REGION, business_type="seizure", definition=definition, by=staff.clerk)
    with pytest.raises(Forbidden):
        workflow_publish(region_code=h.REGION, business_type="seizure", definition=definition, by=outsider)


def test_case_with_a_workflow_missing_in_a_new_district_gets_the_defaults(make_user):
    clerk = make_user("feidong", roles=("clerk",), regions=(h.OTHER_REGION,))
    with pytest.raises(InvalidInput):
        case_create(
            region_code=h.OTHER_REGION, business_type="seizure", unit_codes=[], parties=[], data={}, by=clerk
        )
    assert WorkflowDefinition.objects.filter(region_code=h.OTHER_REGION).count() == len(business_types())


def test_two_publishers_cannot_both_make_version_two(admin_user, monkeypatch):
    from bdcdj.cases.services import workflows as impl

    definition = default_definition("seizure")
    workflow_publish(region_code=h.REGION, business_type="seizure", definition=definition, by=admin_user)
    original = impl._create

    def stale(**kwargs):
        monkeypatch.setattr(
            impl.WorkflowDefinition.objects, "select_for_update", lambda: WorkflowDefinition.objects.none()
        )
        return original(**kwargs)

    monkeypatch.setattr(impl, "_create", stale)
    with pytest.raises(Conflict):
        workflow_publish(region_code=h.REGION, business_type="seizure", definition=definition, by=admin_user)


@pytest.mark.parametrize("key", ["steps", "materials", "fees", "custom_fields"])
def test_a_list_entry_that_is_not_an_object_is_named(key):
    from bdcdj.cases.services import workflow_validate

    definition = copy.deepcopy(default_definition("house_transfer_sale"))
    definition[key] = [*definition.get(key, []), "不是对象"]
    with pytest.raises(InvalidInput) as info:
        workflow_validate(business_type="house_transfer_sale", definition=definition)
    index = len(definition[key]) - 1
    assert info.value.fields[f"{key}[{index}]"].endswith("应为对象")
