"""领证码: once a case's certificates are ready (缮证 done, waiting for 发证) its online
applicant gets an 8-digit collection code; at a terminal the identified applicant enters it,
sees what to collect and confirms, which records the 发证 through the cases service.

Only a keyed digest of the code is stored; a new code voids the previous one; codes expire
after COLLECTION_TTL and are used once. The applicant must be the person identified at the
terminal (ID card + face), so a code alone collects nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from bdcdj.accounts import pii
from bdcdj.accounts.models import AuditLog
from bdcdj.cases.models import Case, CaseCertificate, CaseStatus, Stage
from bdcdj.cases.services import case_issue
from bdcdj.cases.workflows import business_types
from bdcdj.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from bdcdj.portal.kiosk_hardware import CardData
from bdcdj.portal.models import Application, Citizen, CollectionCode, KioskDevice
from bdcdj.portal.services.kiosk import _audit, kiosk_account

CODE_DIGITS = 8
COLLECTION_TTL = timedelta(days=30)


def _digest(code: str) -> str:
    return pii.keyed_digest(code, purpose="portal.collect")


def collection_ready(case: Case) -> bool:
    return case.stage == Stage.ISSUE and case.status == CaseStatus.DONE


@dataclass(frozen=True)
class IssuedCode:
    code: str
    expires_at: object


def collection_code_issue(*, citizen: Citizen, case_id: int) -> IssuedCode:
    """A new 领证码 for the citizen's own case whose certificates are ready (voids older ones)."""
    application = Application.objects.select_related("case").filter(case_id=case_id, citizen=citizen).first()
    if application is None:
        raise NotFound(code="case_not_found", message="业务不存在")
    case = application.case
    if not collection_ready(case):
        raise Conflict(code="not_ready", message="证书尚未缮证或已领取，不能获取领证码")
    now = timezone.now()
    for _attempt in range(5):
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        try:
            with transaction.atomic():
                CollectionCode.objects.filter(
                    case=case, used_at__isnull=True, revoked_at__isnull=True
                ).update(revoked_at=now)
                row = CollectionCode.objects.create(
                    region_code=case.region_code,
                    case=case,
                    citizen=citizen,
                    code_digest=_digest(code),
                    created_at=now,
                    expires_at=now + COLLECTION_TTL,
                )
        except IntegrityError:
            continue  # the same digest exists already (a collision): draw again
        return IssuedCode(code=code, expires_at=row.expires_at)
    raise Conflict(code="code_busy", message="暂时无法生成领证码，请稍后再试")


@dataclass(frozen=True)
class Collection:
    row: CollectionCode
    case: Case
    business_name: str
    certificates: list[CaseCertificate]


def _normalise(code: str) -> str:
    code = "".join(str(code or "").split())
    if len(code) != CODE_DIGITS or not code.isdigit():
        raise InvalidInput(
            code="code_format", message=f"请输入{CODE_DIGITS}位领证码", fields={"code": "格式有误"}
        )
    return code


def collection_lookup(*, device: KioskDevice, code: str, person: CardData) -> Collection:
    """What the code collects, for the identified person at this district's terminal."""
    row = (
        CollectionCode.objects.select_related("case", "citizen")
        .filter(code_digest=_digest(_normalise(code)), region_code=device.region_code)
        .first()
    )
    if row is None or row.revoked_at is not None:
        _audit(device, "portal.kiosk_collect", outcome=AuditLog.Outcome.FAILED, reason="wrong_code")
        raise InvalidInput(code="code_wrong", message="领证码错误，请核对后重新输入", fields={"code": "错误"})
    if row.used_at is not None:
        raise Conflict(code="code_used", message="该领证码已使用，证书已领取")
    if row.expires_at <= timezone.now():
        raise Conflict(code="code_expired", message="领证码已过期，请在网上办事大厅重新获取或到窗口领取")
    if row.citizen.id_index != pii.blind_index(person.id_number):
        _audit(device, "portal.kiosk_collect", outcome=AuditLog.Outcome.FAILED, reason="not_applicant")
        raise Forbidden(code="code_not_yours", message="领证码与本人身份不符，请由申请人本人领取")
    if not collection_ready(row.case):
        raise Conflict(code="not_ready", message="该业务的证书当前不可领取，请到窗口咨询")
    names = {c: bt.name for c, bt in business_types().items()}
    return Collection(
        row=row,
        case=row.case,
        business_name=names.get(row.case.business_type, row.case.business_type),
        certificates=list(row.case.certificates.filter(rendered_at__isnull=False).order_by("id")),
    )


def collection_confirm(*, device: KioskDevice, code: str, person: CardData) -> Collection:
    """领取: records 发证 (receiver = the identified person, identity checked at the terminal)
    and uses the code up."""
    found = collection_lookup(device=device, code=code, person=person)
    with transaction.atomic():
        row = CollectionCode.objects.select_for_update().get(pk=found.row.pk)
        if row.used_at is not None:
            raise Conflict(code="code_used", message="该领证码已使用，证书已领取")
        case = case_issue(
            case=found.case,
            by=kiosk_account(region_code=device.region_code),
            receiver_name=person.name,
            receiver_id_type="1",
            receiver_id_number=person.id_number,
            id_checked=True,
        )
        row.used_at, row.device = timezone.now(), device
        row.save(update_fields=["used_at", "device"])
        _audit(device, "portal.kiosk_collect", case=case.number, id=pii.mask_id_number(person.id_number))
    return Collection(row=row, case=case, business_name=found.business_name, certificates=found.certificates)
