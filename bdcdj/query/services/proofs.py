"""无房证明 and 不动产登记信息查询结果: issued about one person, signed like a certificate, with
a 核验码 verified on the public /verify/ page.

Issued to a citizen about themselves (portal session) or by staff for an applicant whose
identity was checked at the window. A 无房证明 is refused (409) when the person holds a house
in the district: the 查询结果 then lists what they hold. Every issuance is audited (masked).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from bdcdj.accounts import pii
from bdcdj.accounts.models import Tenant, User
from bdcdj.accounts.selectors import require_page, require_tenant
from bdcdj.accounts.services import audit_record
from bdcdj.cases.pdf import CertificateContent, render_certificate
from bdcdj.cases.services.documents import authority_name
from bdcdj.certs import codes, signing, storage
from bdcdj.certs.content import verify_link
from bdcdj.core.crypto import sm3_hex
from bdcdj.core.errors import Conflict, InvalidInput, invalid_fields
from bdcdj.query.facts import RESTRICTION_LABELS
from bdcdj.query.models import NUMBER_PREFIX, Proof, ProofKind
from bdcdj.query.selectors import PropertySummary, houses_of, properties_of
from bdcdj.standards.services import sequence_next

PAGE = "query.proofs"
NAME_MAX = 100
PURPOSE_MAX = 100
SERIAL_MAX = 999_999


@dataclass(frozen=True)
class IssuedProof:
    proof: Proof
    pdf: bytes
    code: str  # shown once to the person it was issued to (also printed on the PDF)


def _district(region_code: str) -> str:
    tenant = Tenant.objects.filter(region_code=region_code).first()
    if tenant is None:
        raise InvalidInput(code="region_unknown", message="未知的行政区", fields={"region_code": "未知"})
    return tenant.name


def _clean(name: str, id_number: str, purpose: str) -> tuple[str, str, str]:
    name = " ".join((name or "").split())
    id_number = pii.normalise_id_number(id_number or "")
    purpose = " ".join((purpose or "").split())
    errors = {}
    if not name or len(name) > NAME_MAX or "\x00" in name:
        errors["name"] = f"请填写被查询人姓名（最长{NAME_MAX}个字符）"
    if not id_number or len(id_number) > 50 or "\x00" in id_number:
        errors["id_number"] = "请填写被查询人证件号"
    if len(purpose) > PURPOSE_MAX or "\x00" in purpose:
        errors["purpose"] = f"用途最长{PURPOSE_MAX}个字符"
    if errors:
        raise invalid_fields(errors)
    return name, id_number, purpose


def _property_line(p: PropertySummary) -> str:
    restrictions = {r.kind for r in p.restrictions}
    flags = "，".join(
        f"{label}{'有' if kind in restrictions else '无'}" for kind, label in RESTRICTION_LABELS.items()
    )
    area = f"，面积{p.area:.2f}" if p.area is not None else ""
    number = f"，证号{p.certificate_number}" if p.certificate_number else ""
    return f"{p.location}（单元号{p.unit_code}，{p.right_type_label}{area}{number}；{flags}）"


def _rows(
    kind: str, *, name: str, id_number: str, district: str, held: list[PropertySummary], as_of: str
) -> tuple[tuple[str, str], ...]:
    base = (("被查询人", name), ("证件号码", id_number), ("查询范围", f"{district}行政区域内已登记的不动产"))
    if kind == ProofKind.NO_HOUSE:
        result = f"经查询，截至{as_of}，被查询人在{district}行政区域内无已登记的住房。"
        return (*base, ("查询结果", result), ("说明", "本证明依据不动产登记簿出具，仅证明出具时的登记状态。"))
    if not held:
        return (*base, ("查询结果", f"经查询，截至{as_of}，被查询人无现势不动产登记记录。"))
    lines = tuple((f"不动产{index}", _property_line(p)) for index, p in enumerate(held, 1))
    summary = f"经查询，截至{as_of}，被查询人现有不动产{len(held)}处，详见下列各项。"
    return (*base, ("查询结果", summary), *lines)


def _issue(
    *, kind: str, region_code: str, name: str, id_number: str, purpose: str, by: User | None, channel: str
) -> IssuedProof:
    if kind not in ProofKind.values:
        raise InvalidInput(
            code="proof_kind", message="未知的证明种类", fields={"kind": "应为无房证明或查询结果"}
        )
    name, id_number, purpose = _clean(name, id_number, purpose)
    district = _district(region_code)
    houses = houses_of(id_number=id_number, region_code=region_code)
    if kind == ProofKind.NO_HOUSE and houses:
        raise Conflict(
            code="has_house",
            message="被查询人在本行政区域内有已登记的住房，不能出具无房证明；可出具不动产登记信息查询结果",
        )
    held = [p for p in properties_of(id_number=id_number) if p.region_code == region_code]
    now = timezone.now()
    local = timezone.localtime(now)
    as_of = f"{local:%Y年%m月%d日%H时%M分}"
    code = codes.code_new()
    with storage.files_guard(), transaction.atomic():
        serial = sequence_next(scope=f"proof:{region_code}:{kind}:{local.year}", maximum=SERIAL_MAX)
        number = f"{region_code}-{local.year}-{NUMBER_PREFIX[ProofKind(kind)]}-{serial:06d}"
        rows = _rows(kind, name=name, id_number=id_number, district=district, held=held, as_of=as_of)
        content = CertificateContent(
            title=ProofKind(kind).label,
            number=number,
            rows=rows,
            verify_url=verify_link(number, code),
            authority=authority_name(region_code),
            issued_on=local.date(),
            verify_code=codes.code_display(code),
            number_label="编号",
        )
        pdf = signing.sign_pdf(render_certificate(content), reason=ProofKind(kind).label, location=district)
        masked_name, masked_id = pii.mask_name(name), pii.mask_id_number(id_number)
        summary = "无已登记的住房" if kind == ProofKind.NO_HOUSE else f"现有不动产{len(held)}处"
        proof = Proof(
            region_code=region_code,
            kind=kind,
            number=number,
            year=local.year,
            serial=serial,
            subject_name_enc=pii.encrypt_text(name),
            subject_masked=masked_name,
            subject_id_masked=masked_id,
            subject_id_index=pii.blind_index(id_number),
            has_house=bool(houses),
            property_count=len(held),
            masked=[
                ["被查询人", masked_name],
                ["证件号码", masked_id],
                ["查询范围", f"{district}行政区域内已登记的不动产"],
                ["查询结果", f"截至{as_of}，{summary}"],
            ],
            code_hash=codes.code_hash(code),
            sm3=sm3_hex(pdf),
            file_path=storage.store_encrypted(region_code=region_code, prefix=kind, content=pdf),
            issued_at=now,
            issued_by=by,
            channel=channel,
            purpose=purpose,
        )
        proof.full_clean()
        proof.save()
        audit_record(
            actor=by,
            actor_name=None if by is not None else f"portal:{masked_id}",
            action=f"query.proof_{kind}",
            object_type="query.proof",
            object_id=str(proof.pk),
            region_code=region_code,
            detail={"number": number, "subject": masked_name, "channel": channel, "count": len(held)},
        )
    return IssuedProof(proof=proof, pdf=pdf, code=code)


def proof_issue_by_staff(
    *, kind: str, region_code: str, name: str, id_number: str, id_checked: bool, purpose: str, by: User
) -> IssuedProof:
    """Staff issue a proof for an applicant whose identity document they checked."""
    require_page(user=by, page=PAGE, write=True)
    require_tenant(user=by, region_code=region_code)
    if id_checked is not True:
        raise invalid_fields({"id_checked": "须核验申请人身份证件后方可出具"})
    return _issue(
        kind=kind,
        region_code=region_code,
        name=name,
        id_number=id_number,
        purpose=purpose,
        by=by,
        channel="console",
    )


def proof_issue_for_citizen(
    *, kind: str, region_code: str, name: str, id_number: str, purpose: str
) -> IssuedProof:
    """A citizen logged in on the portal (identity verified there) about themselves."""
    return _issue(
        kind=kind,
        region_code=region_code,
        name=name,
        id_number=id_number,
        purpose=purpose,
        by=None,
        channel="portal",
    )
