"""Online applications become console cases: fields checked with the counter's specs, uploads
sniffed and limited, the 申请书 signed with the applicant's SM2 key, 补正 and 好差评."""

import pytest

from bdcdj.accounts import pii
from bdcdj.cases.models import Case, CaseStatus, Material, Stage
from bdcdj.cases.services import case_request_correction
from bdcdj.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from bdcdj.portal.models import Application, Rating
from bdcdj.portal.services import (
    Upload,
    application_signature_ok,
    application_submit,
    citizen_verify,
    correction_upload,
    rating_submit,
)
from bdcdj.portal.tests.helpers import BUYER, REGION, owned_house, scan, staff_finish, uploads_for

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120  # a Windows program, whatever its name says


@pytest.fixture
def owner(staff, people):
    name, id_number = people[10]
    return owned_house(staff.registrar, name=name, id_number=id_number)


@pytest.fixture
def applicant(owner, make_citizen, sim):
    return citizen_verify(citizen=make_citizen(), name=owner.name, id_number=owner.id_number)


def _submit(applicant, owner, **changes):
    values = {
        "citizen": applicant,
        "region_code": REGION,
        "business_type": "house_transfer_sale",
        "unit_codes": [owner.unit_code],
        "role": "obligor",
        "others": [BUYER],
        "data": {"price": "135.5", "co_ownership": "0"},
        "uploads": uploads_for("house_transfer_sale"),
    }
    values.update(changes)
    return application_submit(**values)


def test_a_transfer_becomes_a_case_with_a_signed_application(applicant, owner):
    application = _submit(applicant, owner)
    case = application.case
    assert case.stage == Stage.INTAKE and case.region_code == REGION
    assert case.created_by.username == f"portal-{REGION}" and not case.created_by.has_usable_password()
    obligor = case.parties.get(role="obligor")
    assert obligor.id_index == applicant.id_index
    codes = sorted(case.materials.values_list("checklist_code", flat=True))
    assert codes == sorted(["application", "identity", "certificate", "sale_contract", "tax"])
    form = Material.objects.get(case=case, checklist_code="application")
    assert application.material == form and form.content_type == "application/pdf"
    assert application.public_key == applicant.sign_public_key
    assert application_signature_ok(application=application)


def test_a_changed_application_file_no_longer_verifies(applicant, owner):
    application = _submit(applicant, owner)
    path = application.material.file.path
    with open(path, "r+b") as handle:
        data = handle.read()
        handle.seek(0)
        handle.write(data.replace(b"%PDF-1.4", b"%PDF-1.5", 1) if b"%PDF-1.4" in data else b"X" + data[1:])
    assert not application_signature_ok(application=application)


def test_a_program_renamed_pdf_is_refused_and_nothing_is_created(applicant, owner):
    uploads = [
        u if u.checklist_code != "sale_contract" else Upload("sale_contract", EXE, "application/pdf")
        for u in uploads_for("house_transfer_sale")
    ]
    with pytest.raises(InvalidInput) as exc:
        _submit(applicant, owner, uploads=uploads)
    assert "file-sale_contract" in exc.value.fields
    assert not Case.objects.filter(
        business_type="house_transfer_sale", parties__id_index=applicant.id_index
    ).exists()
    assert not Application.objects.exists()


def test_an_oversized_upload_is_refused(applicant, owner):
    big = scan() + b"\x00" * (10 * 1024 * 1024)
    uploads = [
        u if u.checklist_code != "tax" else Upload("tax", big, "application/pdf")
        for u in uploads_for("house_transfer_sale")
    ]
    with pytest.raises(InvalidInput) as exc:
        _submit(applicant, owner, uploads=uploads)
    assert exc.value.fields["file-tax"] == "单个文件不能超过 10 MB"


def test_required_materials_and_fields_follow_the_cases_specs(applicant, owner):
    uploads = [u for u in uploads_for("house_transfer_sale") if u.checklist_code != "tax"]
    with pytest.raises(InvalidInput) as exc:
        _submit(
            applicant, owner, uploads=uploads, data={"price": "abc"}, others=[{**BUYER, "id_number": "123"}]
        )
    fields = exc.value.fields
    assert fields["file-tax"] == "请上传“完税凭证”"
    assert fields["data.price"].startswith("成交价格（万元）")
    assert "other-0.id_number" in fields


def test_a_unit_of_another_district_is_refused_by_the_case_engine(applicant, owner):
    with pytest.raises(InvalidInput) as exc:
        _submit(applicant, owner, unit_codes=["340122" + owner.unit_code[6:]])
    assert "unit_codes[0]" in exc.value.fields


def test_an_unverified_citizen_cannot_apply(owner, make_citizen):
    with pytest.raises(Forbidden):
        _submit(make_citizen(), owner)


def test_correction_reupload_while_suspended(applicant, owner, staff):
    application = _submit(applicant, owner)
    case = case_request_correction(case=application.case, by=staff.clerk, items=["完税凭证不清晰"])
    assert case.status == CaseStatus.SUSPENDED
    with pytest.raises(InvalidInput):
        correction_upload(citizen=applicant, case=case, upload=Upload("tax", EXE, ""))
    material = correction_upload(citizen=applicant, case=case, upload=Upload("tax", scan("tax again"), ""))
    assert material.checklist_code == "tax" and case.materials.filter(checklist_code="tax").count() == 2


def test_a_citizen_cannot_touch_another_citizens_case(applicant, owner, verified):
    application = _submit(applicant, owner)
    other = verified(5)
    with pytest.raises(NotFound):
        correction_upload(citizen=other, case=application.case, upload=Upload("tax", scan(), ""))
    with pytest.raises(NotFound):
        rating_submit(citizen=other, case_id=application.case_id, score=5)


def test_rating_only_once_and_only_when_finished(applicant, owner, staff):
    application = _submit(applicant, owner)
    with pytest.raises(Conflict) as exc:
        rating_submit(citizen=applicant, case_id=application.case_id, score=5)
    assert exc.value.code == "not_finished"
    case = staff_finish(application.case, staff)
    assert case.completed_at is not None
    with pytest.raises(InvalidInput):
        rating_submit(citizen=applicant, case_id=case.pk, score=6)
    rating = rating_submit(citizen=applicant, case_id=case.pk, score=4, comment="办理很快")
    assert rating.business_type == "house_transfer_sale"
    with pytest.raises(Conflict) as exc:
        rating_submit(citizen=applicant, case_id=case.pk, score=1)
    assert exc.value.code == "already_rated"
    assert Rating.objects.get().score == 4
    assert pii.decrypt_text(applicant.name_enc) == owner.name
