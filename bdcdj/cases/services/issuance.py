"""缮证 (render the certificates/proofs), 发证 (hand them over) and 归档."""

from __future__ import annotations

from django.db import transaction

from bdcdj.accounts import pii
from bdcdj.accounts.models import User
from bdcdj.cases import clock
from bdcdj.cases.models import Case, CaseStatus, EventKind, Stage, StepKind
from bdcdj.cases.services import common
from bdcdj.cases.services.documents import files_guard
from bdcdj.core.errors import InvalidInput, invalid_fields
from bdcdj.register.selectors import right_get

ARCHIVE_NUMBER_MAX = 50
LOCATION_MAX = 100


def case_certify(*, case: Case, by: User) -> Case:
    """缮证: publish every certificate/proof of the case as a signed electronic certificate
    (CJK font embedded, QR code to /verify/<number> with its 核验码; `certs.certificate_publish`)
    and keep its digests; the case is 办结 and moves to 发证."""
    common.authorize_step(case=case, user=by, action="cases.certify", kinds=[StepKind.CERTIFY])
    # The signed PDF is an electronic certificate version (bdcdj.certs): stored SM4-encrypted
    # there, not as a clear file of the case; the case keeps its digests.
    from bdcdj.certs.services import certificate_publish, publishing_guard

    with files_guard(), publishing_guard(), transaction.atomic():
        case = common.lock(case)
        common.require(case, stages={Stage.CERTIFY}, statuses={CaseStatus.RUNNING}, what="缮证")
        for certificate in case.certificates.select_related("holder").order_by("id"):
            for right_id in certificate.right_ids:
                right_get(user=by, right_id=right_id)  # the certificate's rights are in the user's district
            version = certificate_publish(certificate=certificate, by=by)
            certificate.sha256, certificate.sm3 = version.sha256, version.sm3
            certificate.rendered_at, certificate.rendered_by = clock.now(), by
            certificate.full_clean()
            certificate.save()
        common.record_handler(case, by)
        common.enter_step(case, common.next_step_code(case))
        common.save(case, "handlers", "step_code", "stage", "assigned_to", "completed_at", "status")
        common.event(case, EventKind.CERTIFIED, by=by, message="已缮证，可领取")
        common.audit(by=by, action="cases.certify", case=case, detail={"count": case.certificates.count()})
    return case


def case_issue(
    *,
    case: Case,
    by: User,
    receiver_name: str,
    receiver_id_type: str,
    receiver_id_number: str,
    id_checked: bool,
) -> Case:
    """发证: who received the documents, with their identity checked at the window."""
    common.authorize_step(
        case=case, user=by, action="cases.issue", kinds=[StepKind.ISSUE], statuses=(CaseStatus.DONE,)
    )
    name = " ".join((receiver_name or "").split())
    id_number = pii.normalise_id_number(receiver_id_number or "")
    errors = {}
    if not name or len(name) > 200 or "\x00" in name + id_number + (receiver_id_type or ""):
        errors["receiver_name"] = "领证人姓名必填（最长200个字符）"
    if not receiver_id_type or not id_number or len(id_number) > 50:
        errors["receiver_id_number"] = "领证人证件种类和证件号必填"
    if id_checked is not True:
        errors["id_checked"] = "须核验领证人身份后方可发证"
    if errors:
        raise invalid_fields(errors)
    with transaction.atomic():
        case = common.lock(case)
        common.require(case, stages={Stage.ISSUE}, statuses={CaseStatus.DONE}, what="发证")
        now = clock.now()
        for certificate in case.certificates.all():
            certificate.issued_at, certificate.issued_by = now, by
            certificate.receiver_name_enc = pii.encrypt_text(name)
            certificate.receiver_masked = pii.mask_name(name)
            certificate.receiver_id_index = pii.blind_index(id_number)
            certificate.id_checked = True
            certificate.full_clean()
            certificate.save()
        common.record_handler(case, by)
        common.enter_step(case, common.next_step_code(case))
        common.save(case, "handlers", "step_code", "stage", "assigned_to")
        common.event(case, EventKind.ISSUED, by=by, message="证书（证明）已领取")
        common.audit(by=by, action="cases.issue", case=case, detail={"receiver": pii.mask_name(name)})
    return case


def case_archive(*, case: Case, by: User, archive_number: str, location: str = "") -> Case:
    """归档: the file number and where the paper file is kept; the case is closed."""
    common.authorize_step(
        case=case, user=by, action="cases.archive", kinds=[StepKind.ARCHIVE], statuses=(CaseStatus.DONE,)
    )
    number, place = (archive_number or "").strip(), (location or "").strip()
    if not number or len(number) > ARCHIVE_NUMBER_MAX or "\x00" in number + place:
        raise InvalidInput(
            code="archive_number_required", message="请填写档案号", fields={"archive_number": "必填"}
        )
    if len(place) > LOCATION_MAX:
        raise invalid_fields({"location": f"最长{LOCATION_MAX}个字符"})
    with transaction.atomic():
        case = common.lock(case)
        common.require(case, stages={Stage.ARCHIVE}, statuses={CaseStatus.DONE}, what="归档")
        case.archive_number, case.archive_location = number, place
        case.stage, case.closed_at = Stage.ARCHIVED, clock.now()
        common.record_handler(case, by)
        common.save(case, "archive_number", "archive_location", "stage", "closed_at", "handlers")
        common.event(case, EventKind.ARCHIVED, by=by, message=f"已归档，档案号 {number}", public=False)
        common.audit(by=by, action="cases.archive", case=case, detail={"archive_number": number})
    return case
