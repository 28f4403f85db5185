"""Refusals leave nothing changed: wrong state (409), missing materials (409 listing them),
another district (403), wrong role (403), bad input (400)."""

from collections.abc import Callable
from typing import Any

import pytest

from bdcdj.cases.models import Case, CaseEvent, Fee, Material, Notice, Opinion, Stage
from bdcdj.cases.services import (
    case_accept,
    case_archive,
    case_certify,
    case_create,
    case_issue,
    case_material_add,
    case_refuse,
    case_register,
    case_request_correction,
    case_review,
    case_withdraw,
)
from bdcdj.cases.tests import helpers as h
from bdcdj.core.errors import Conflict, Forbidden, InvalidInput
from bdcdj.standards.models import CodeSequence

pytestmark = pytest.mark.django_db


def snapshot(case: Case) -> tuple[Any, ...]:
    fresh = Case.objects.get(pk=case.pk)
    counts = tuple(m.objects.filter(case=case).count() for m in (CaseEvent, Opinion, Notice, Fee, Material))
    sequences = tuple(CodeSequence.objects.order_by("scope").values_list("scope", "last_value"))
    return (
        fresh.stage,
        fresh.status,
        fresh.step_code,
        fresh.deadline,
        fresh.assigned_to_id,
        counts,
        sequences,
    )


def refused(error: type[Exception], case: Case, action: Callable[[], object]) -> Exception:
    before = snapshot(case)
    with pytest.raises(error) as exc:
        action()
    assert snapshot(case) == before
    return exc.value


@pytest.fixture
def sale(staff) -> Case:
    [(unit, _)] = h.titled_house(staff.registrar)
    return h.new_case(
        staff,
        "house_transfer_sale",
        [unit.code],
        [h.BUYER.party("holder"), h.SELLER.party("obligor")],
        {"price": "90"},
    )


def test_accept_lists_the_missing_required_materials(staff, sale):
    case_material_add(
        case=sale,
        checklist_code="application",
        content=h.PDF,
        content_type="application/pdf",
        form="1",
        pages=2,
        by=staff.clerk,
    )
    error = refused(Conflict, sale, lambda: case_accept(case=sale, by=staff.clerk))
    assert error.code == "materials_missing"
    assert (
        "申请人身份证明" in error.message
        and "房屋买卖合同" in error.message
        and "不动产登记申请书" not in error.message
    )
    assert "授权委托书" not in error.message  # optional


@pytest.mark.parametrize(
    "action",
    [
        lambda s, c: case_register(case=c, by=s.registrar),
        lambda s, c: case_review(case=c, by=s.reviewer, result="1"),
        lambda s, c: case_certify(case=c, by=s.clerk),
        lambda s, c: case_archive(case=c, by=s.clerk, archive_number="A1"),
        lambda s, c: case_issue(
            case=c,
            by=s.clerk,
            receiver_name="李四",
            receiver_id_type="1",
            receiver_id_number="1",
            id_checked=True,
        ),
    ],
    ids=["register", "review", "certify", "archive", "issue"],
)
def test_steps_out_of_order_are_conflicts(staff, sale, action):
    error = refused(Conflict, sale, lambda: action(staff, sale))
    assert error.code == "wrong_stage" and "收件" in error.message


def test_a_case_cannot_be_accepted_twice_or_refused_after_acceptance(staff, sale):
    h.add_required_materials(sale, staff.clerk)
    case = case_accept(case=sale, by=staff.clerk)
    refused(Conflict, case, lambda: case_accept(case=case, by=staff.clerk))
    refused(Conflict, case, lambda: case_refuse(case=case, by=staff.clerk, reason="材料虚假"))


def test_withdrawal_is_refused_after_registration(staff, sale):
    case = case_register(case=h.to_register(staff, sale), by=staff.registrar)
    error = refused(Conflict, case, lambda: case_withdraw(case=case, by=staff.clerk, reason="不办了"))
    assert "缮证" in error.message


def test_another_districts_staff_are_forbidden_everywhere(staff, sale, outsider):
    for action in (
        lambda: case_accept(case=sale, by=outsider),
        lambda: case_refuse(case=sale, by=outsider, reason="x"),
        lambda: case_material_add(
            case=sale,
            checklist_code="application",
            content=h.PDF,
            content_type="",
            form="1",
            pages=1,
            by=outsider,
        ),
        lambda: case_request_correction(case=sale, by=outsider, items=["身份证"]),
        lambda: case_withdraw(case=sale, by=outsider, reason="x"),
        lambda: case_register(case=sale, by=outsider),
    ):
        error = refused(Forbidden, sale, action)
        assert error.code == "other_district"


def test_each_step_needs_its_page_and_role(staff, sale):
    error = refused(Forbidden, sale, lambda: case_accept(case=sale, by=staff.reviewer))
    assert error.code == "page_forbidden" and "受理" in error.message
    case = h.to_register(staff, sale)
    refused(Forbidden, case, lambda: case_register(case=case, by=staff.reviewer))
    refused(Forbidden, case, lambda: case_register(case=case, by=staff.clerk))


def test_role_of_the_step_is_required_even_with_the_page(staff, sale, make_user):
    # 系统管理员 has every page but not the 受理人员 role of the 受理 step
    admin = make_user("admin2", roles=("admin",))
    h.add_required_materials(sale, staff.clerk)
    error = refused(Forbidden, sale, lambda: case_accept(case=sale, by=admin))
    assert error.code == "role_forbidden" and "受理人员" in error.message


def test_refusals_are_audited_as_denied(staff, sale, outsider):
    from bdcdj.accounts.models import AuditLog

    with pytest.raises(Forbidden):
        case_accept(case=sale, by=outsider)
    row = AuditLog.objects.filter(action="cases.accept", outcome="denied").get()
    assert row.object_id == sale.number and row.actor == outsider


def test_case_create_reports_every_bad_field(staff):
    [(unit, title)] = h.titled_house(staff.registrar)
    with pytest.raises(InvalidInput) as exc:
        case_create(
            region_code=h.REGION,
            business_type="house_change",
            unit_codes=[unit.code, "340121001001GB99999F00010001", "bad"],
            parties=[{"role": "mortgagee", "name": "", "id_type": "1", "id_number": "340121199001011230"}],
            data={"target_right_id": title.pk + 999, "change_kind": "colour", "unknown": 1},
            by=staff.clerk,
        )
    fields = exc.value.fields
    assert {
        "unit_codes[1]",
        "unit_codes[2]",
        "parties[0].role",
        "parties[0].name",
        "parties[0].id_number",
    } <= set(fields)
    assert {"data.target_right_id", "data.change_kind", "data.unknown"} <= set(fields)
    assert "340121199001011230" not in exc.value.message
    assert not Case.objects.exists()


def test_unknown_business_type_is_invalid_input(staff):
    with pytest.raises(InvalidInput) as exc:
        case_create(
            region_code=h.REGION, business_type="nope", unit_codes=[], parties=[], data={}, by=staff.clerk
        )
    assert "business_type" in exc.value.fields


@pytest.mark.parametrize(
    ("content", "content_type", "message"),
    [
        (b"hello, not a pdf", "application/pdf", "只接受"),
        (h.PNG, "application/pdf", "不符"),
        (b"", "application/pdf", "为空"),
        (b"%PDF-" + b"0" * (20 * 1024 * 1024), "application/pdf", "20 MB"),
    ],
    ids=["text", "mismatch", "empty", "too-large"],
)
def test_materials_are_checked_by_content_and_size(staff, sale, content, content_type, message):
    error = refused(
        InvalidInput,
        sale,
        lambda: case_material_add(
            case=sale,
            checklist_code="identity",
            content=content,
            content_type=content_type,
            form="2",
            pages=1,
            by=staff.clerk,
        ),
    )
    assert message in error.fields["file"]


def test_png_material_is_accepted_and_digested(staff, sale):
    material = case_material_add(
        case=sale,
        checklist_code="identity",
        content=h.PNG,
        content_type="image/png",
        form="2",
        pages=1,
        by=staff.clerk,
    )
    assert material.content_type == "image/png" and material.file.name.endswith(".png")
    assert len(material.sm3) == 64 and material.file.name.startswith(f"cases/{h.REGION}/{sale.pk}/")


def test_material_not_on_the_checklist_is_refused(staff, sale):
    error = refused(
        InvalidInput,
        sale,
        lambda: case_material_add(
            case=sale,
            checklist_code="passport",
            content=h.PDF,
            content_type="",
            form="1",
            pages=1,
            by=staff.clerk,
        ),
    )
    assert "checklist_code" in error.fields


def test_refusal_to_accept_issues_a_notice_and_ends_the_case(staff, sale):
    case = case_refuse(case=sale, by=staff.clerk, reason="申请登记的不动产不属于本机构登记范围")
    assert case.stage == Stage.REFUSED and case.status == "4"
    notice = case.notices.get()
    assert notice.kind == "non_acceptance" and notice.number.startswith(f"{h.REGION}-")
    assert notice.file.read(5) == b"%PDF-"


def test_change_of_name_needs_the_new_holders_and_area_change_the_area(staff):
    [(unit, title)] = h.titled_house(staff.registrar)
    with pytest.raises(InvalidInput) as exc:
        h.new_case(
            staff,
            "house_change",
            [unit.code],
            [h.SELLER.party("applicant")],
            {"target_right_id": title.pk, "change_kind": "name"},
        )
    assert "权利人" in exc.value.fields["parties"]
    with pytest.raises(InvalidInput) as exc:
        h.new_case(
            staff,
            "house_change",
            [unit.code],
            [h.SELLER.party("applicant")],
            {"target_right_id": title.pk, "change_kind": "area"},
        )
    assert exc.value.fields == {"data.built_area": "变更后建筑面积（m²）必填"}
    with pytest.raises(InvalidInput) as exc:
        h.new_case(
            staff,
            "house_change",
            [unit.code],
            [h.SELLER.party("applicant")],
            {"target_right_id": title.pk, "change_kind": "use", "planned_use": "999"},
        )
    assert "FWYT" in exc.value.fields["data.planned_use"]
