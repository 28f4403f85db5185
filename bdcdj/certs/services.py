"""Writes of electronic certificates: publish a version at 缮证, and keep versions equal to the
register when a later 登簿 changes or ends what they say.

A version is rendered from the register (cases' wording), signed (PAdES), its SM3 and
SHA-256 recorded, encrypted with SM4 and stored; the verification code is printed on it and
only its keyed digest kept. Everything happens inside the caller's transaction; files written
by a failed transaction are deleted by `publishing_guard`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bdcdj.accounts.models import User
from bdcdj.accounts.services import audit_record
from bdcdj.cases.models import CaseCertificate
from bdcdj.certs import codes, signing, storage
from bdcdj.certs.content import render_content, rights_load
from bdcdj.certs.models import CertificateVersion, VersionStatus
from bdcdj.core.crypto import sm3_hex
from bdcdj.core.errors import Conflict, InvalidInput
from bdcdj.register.models import Right, RightStatus
from bdcdj.standards.selectors import dictionary_label

publishing_guard = storage.files_guard
REASON_MAX = 300


def _valid(number: str) -> CertificateVersion | None:
    return (
        CertificateVersion.objects.select_for_update()
        .filter(number=number, status=VersionStatus.VALID)
        .first()
    )


def _render(
    *, certificate: CaseCertificate, right_ids: list[int], by: User, version: int
) -> tuple[CertificateVersion, str]:
    rights = rights_load(right_ids)
    if not rights or len(rights) != len(right_ids):
        raise Conflict(
            code="certificate_rights_missing", message=f"证书 {certificate.number} 对应的登记簿权利不存在"
        )
    code = codes.code_new()
    rendered = render_content(
        certificate=certificate,
        rights=rights,
        code=code,
        display_code=codes.code_display(code),
        version=version,
    )
    from bdcdj.cases.pdf import render_certificate

    location = rendered.content.authority
    signed = signing.sign_pdf(
        render_certificate(rendered.content), reason="不动产登记电子证照", location=location
    )
    path = storage.store_encrypted(
        region_code=certificate.region_code, prefix=certificate.kind, content=signed
    )
    row = CertificateVersion(
        certificate=certificate,
        region_code=certificate.region_code,
        kind=certificate.kind,
        number=certificate.number,
        version=version,
        status=VersionStatus.VALID,
        right_ids=list(right_ids),
        unit_codes=list(dict.fromkeys(r.unit.code for r in rights)),
        content_digest=rendered.digest,
        masked=rendered.masked,
        code_hash=codes.code_hash(code),
        sm3=sm3_hex(signed),
        sha256=hashlib.sha256(signed).hexdigest(),
        size=len(signed),
        file_path=path,
        signer_fingerprint=signing.identity().fingerprint,
        created_at=timezone.now(),
        created_by=by,
    )
    return row, code


def _new_version(
    *,
    certificate: CaseCertificate,
    right_ids: list[int],
    by: User,
    old: CertificateVersion | None,
    reason: str,
) -> CertificateVersion:
    latest = (
        CertificateVersion.objects.filter(number=certificate.number).aggregate(m=Max("version"))["m"] or 0
    )
    row, _ = _render(certificate=certificate, right_ids=right_ids, by=by, version=latest + 1)
    if old is not None:
        old.status, old.voided_at, old.void_reason = (
            VersionStatus.SUPERSEDED,
            row.created_at,
            reason[:REASON_MAX],
        )
        old.save(update_fields=["status", "voided_at", "void_reason"])
    row.full_clean()
    row.save()
    if old is not None:
        old.replaced_by = row
        old.save(update_fields=["replaced_by"])
    audit_record(
        actor=by,
        action="certs.publish",
        object_type="certs.version",
        object_id=str(row.pk),
        region_code=row.region_code,
        detail={"number": row.number, "version": row.version, "sm3": row.sm3},
    )
    return row


def certificate_publish(*, certificate: CaseCertificate, by: User) -> CertificateVersion:
    """缮证: the signed version of a certificate as the register has it now. Publishing again
    with unchanged content returns the valid version; changed content supersedes it."""
    if not certificate.right_ids:
        raise InvalidInput(
            code="certificate_without_rights", message="该证书没有对应的登记簿权利，不能生成电子证照"
        )
    with transaction.atomic():
        old = _valid(certificate.number)
        right_ids = [int(i) for i in certificate.right_ids]
        if old is not None and old.right_ids == right_ids:
            from bdcdj.certs.content import content_digest

            if content_digest(certificate=certificate, rights=rights_load(right_ids)) == old.content_digest:
                return old
        return _new_version(
            certificate=certificate, right_ids=right_ids, by=by, old=old, reason="重新缮证，内容已更新"
        )


def certificate_pdf(*, version: CertificateVersion) -> bytes:
    """The signed PDF of a version, decrypted (callers check permissions and audit)."""
    return storage.read_decrypted(version.file_path)


def _numbers_of(rights: Iterable[Right]) -> set[str]:
    numbers: set[str] = set()
    for right in rights:
        if right.certificate_number:
            numbers.add(right.certificate_number)
        numbers.update(p.certificate_number for p in right.parties.all() if p.certificate_number)
    return numbers


def _carried(right: Right, number: str) -> Right | None:
    """The current right that carries `number` on from `right` (变更/更正 keeping the number)."""
    current = right
    seen = 0
    while current.status != RightStatus.CURRENT and seen < 50:
        seen += 1
        successor = next(
            (
                s
                for s in current.successors.prefetch_related("parties")
                if s.certificate_number == number
                or any(p.certificate_number == number for p in s.parties.all())
            ),
            None,
        )
        if successor is None:
            return None
        current = successor
    return current


def _end_reason(right: Right) -> str:
    successor = right.successors.order_by("id").first()
    business = f"，业务号{right.ended_by_business}" if right.ended_by_business else ""
    if successor is not None:
        kind = dictionary_label(code="DJLX", value=successor.registration_type) or "登记"
        return f"已办理{kind}，原证书（证明）作废{business}"
    return f"权利已注销或终止{business}"


def certificates_refresh(*, rights_ended: Iterable[Right], by: User) -> list[CertificateVersion]:
    """After a 登簿: every valid version reflecting an ended right is voided, or — when a
    successor carries the same number on — superseded by a new version (call inside the
    登簿 transaction). Returns the versions changed."""
    ended = list(rights_ended)
    changed: list[CertificateVersion] = []
    for number in sorted(_numbers_of(ended)):
        old = _valid(number)
        if old is None:
            continue
        rights = rights_load(old.right_ids)
        carried = [_carried(r, number) for r in rights]
        if any(c is None for c in carried):
            gone = next(r for r, c in zip(rights, carried, strict=True) if c is None)
            changed.append(_void(old, reason=_end_reason(gone), by=by))
            continue
        new_ids = [c.pk for c in carried if c is not None]
        if new_ids == old.right_ids:
            continue
        reason = _end_reason(next(r for r in rights if r.status != RightStatus.CURRENT))
        changed.append(
            _new_version(certificate=old.certificate, right_ids=new_ids, by=by, old=old, reason=reason)
        )
    return changed


def _void(version: CertificateVersion, *, reason: str, by: User) -> CertificateVersion:
    version.status, version.voided_at, version.void_reason = (
        VersionStatus.VOIDED,
        timezone.now(),
        reason[:REASON_MAX],
    )
    version.save(update_fields=["status", "voided_at", "void_reason"])
    audit_record(
        actor=by,
        action="certs.void",
        object_type="certs.version",
        object_id=str(version.pk),
        region_code=version.region_code,
        detail={"number": version.number, "version": version.version, "reason": version.void_reason},
    )
    return version


def certificate_void(*, number: str, reason: str, by: User) -> CertificateVersion | None:
    """Void the valid version of a number (e.g. 换证/补证 after the old number is voided)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput(code="reason_required", message="请填写作废原因", fields={"reason": "必填"})
    with transaction.atomic():
        old = _valid(number)
        return _void(old, reason=reason, by=by) if old is not None else None
