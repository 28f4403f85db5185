"""Reads of electronic certificates, and the public verification of certificates and proofs.

Verification answers anyone (internet zone, no login) and is built against enumeration: a
number without its code reveals nothing, an unknown number and a wrong code get the same
answer, every client is rate-limited, and a number with too many wrong codes is locked for
an hour whoever asks. Content is shown masked (names masked, no ID numbers, no 附记).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bdcdj.cases.models import CaseCertificate, DocumentKind
from bdcdj.certs import codes, ratelimit, signing, storage
from bdcdj.certs.models import CertificateVersion, VersionStatus
from bdcdj.core.crypto import sm3_hex
from bdcdj.core.errors import InvalidInput, NotFound
from bdcdj.register.models import Unit

NUMBER_MAX = 100
FAILURES_PER_NUMBER = 10
FAILURE_WINDOW_SECONDS = 3600
PDF_MAX_BYTES = 10 * 1024 * 1024
STATUS_MESSAGES = {
    VersionStatus.VALID: "有效：内容与不动产登记簿一致",
    VersionStatus.SUPERSEDED: "已更新：登记簿内容已变更，本版本已被新版本取代",
    VersionStatus.VOIDED: "已作废",
}


@dataclass(frozen=True)
class VerifyResult:
    """What the verify page and API say about one certificate or proof."""

    number: str
    kind_label: str
    version: int
    status: str  # valid | superseded | voided
    status_label: str
    message: str
    rows: list[list[str]]
    issued_at: datetime
    ended_at: datetime | None = None
    end_reason: str = ""
    latest_version: int = 0
    restrictions: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return self.status == VersionStatus.VALID


def number_normalise(value: str) -> str:
    number = "".join(unicodedata.normalize("NFKC", value or "").split())
    if not number or len(number) > NUMBER_MAX or "\x00" in number:
        raise InvalidInput(code="number_required", message="请输入证书（证明）号", fields={"number": "必填"})
    return number


def _restrictions(unit_codes: list[str]) -> list[str]:
    from bdcdj.query.facts import RESTRICTION_LABELS
    from bdcdj.query.selectors import restrictions_by_unit

    units = dict(Unit.objects.filter(code__in=unit_codes).values_list("pk", "code"))
    found = restrictions_by_unit(list(units))
    kinds = {r.kind for rights in found.values() for r in rights}
    return [f"{label}：{'有' if kind in kinds else '无'}" for kind, label in RESTRICTION_LABELS.items()]


def _certificate_result(version: CertificateVersion) -> VerifyResult:
    latest = CertificateVersion.objects.filter(number=version.number).order_by("-version").first()
    status = VersionStatus(version.status)
    message = STATUS_MESSAGES[status]
    if status == VersionStatus.VOIDED and version.void_reason:
        message = f"已作废：{version.void_reason}"
    if status == VersionStatus.SUPERSEDED and latest is not None:
        message += f"（最新为第{latest.version}版，请以新版本为准）"
    return VerifyResult(
        number=version.number,
        kind_label=DocumentKind(version.kind).label,
        version=version.version,
        status=status.value,
        status_label=status.label,
        message=message,
        rows=[list(row) for row in version.masked],
        issued_at=version.created_at,
        ended_at=version.voided_at,
        end_reason=version.void_reason,
        latest_version=latest.version if latest is not None else version.version,
        restrictions=_restrictions(version.unit_codes) if status == VersionStatus.VALID else [],
    )


def document_verify(*, number: str, code: str) -> VerifyResult:
    """A certificate (any version) or a proof by its number and the code printed on it."""
    number = number_normalise(number)
    if not codes.code_normalise(code):
        raise InvalidInput(code="code_required", message="请输入核验码", fields={"code": "必填"})
    if ratelimit.failures_exceeded(
        scope="verify_number", subject=number, limit=FAILURES_PER_NUMBER, seconds=FAILURE_WINDOW_SECONDS
    ):
        raise ratelimit.RateLimited(retry_after=FAILURE_WINDOW_SECONDS)
    for version in CertificateVersion.objects.filter(number=number).order_by("-version"):
        if codes.code_matches(code, version.code_hash):
            return _certificate_result(version)
    from bdcdj.query.selectors import proof_verify

    proof = proof_verify(number=number, code=code)
    if proof is not None:
        return proof
    ratelimit.count_failure(
        scope="verify_number", subject=number, limit=FAILURES_PER_NUMBER + 1, seconds=FAILURE_WINDOW_SECONDS
    )
    raise NotFound(code="verify_not_found", message="证书（证明）号或核验码不正确，请核对后重试")


@dataclass(frozen=True)
class PdfVerifyResult:
    """An uploaded PDF: its signature and whether its digest is a version we issued."""

    signature: signing.SignatureCheck
    sm3: str
    matched: VerifyResult | None

    @property
    def valid(self) -> bool:
        return self.signature.valid and self.matched is not None

    @property
    def message(self) -> str:
        if self.matched is None:
            return f"{self.signature.message}；该文件与本机构签发的任何版本都不一致"
        matched = self.matched
        return f"{self.signature.message}；与 {matched.number} 第{matched.version}版一致，{matched.message}"


def pdf_verify(*, content: bytes) -> PdfVerifyResult:
    """Check an uploaded PDF: the PAdES signature and the SM3 against every issued version."""
    if not content:
        raise InvalidInput(code="file_required", message="请选择要核验的 PDF 文件", fields={"file": "必填"})
    if len(content) > PDF_MAX_BYTES:
        raise InvalidInput(
            code="file_too_large", message="文件过大（最大 10 MB）", fields={"file": "文件过大"}
        )
    if not content.startswith(b"%PDF-"):
        raise InvalidInput(code="not_pdf", message="请上传 PDF 文件", fields={"file": "不是 PDF 文件"})
    try:
        check = signing.signature_check(content)
    except signing.NotAPdf as exc:
        raise InvalidInput(
            code="not_pdf", message="无法解析该 PDF 文件", fields={"file": "文件已损坏"}
        ) from exc
    digest = sm3_hex(content)
    version = CertificateVersion.objects.filter(sm3=digest).first()
    matched: VerifyResult | None = _certificate_result(version) if version is not None else None
    if matched is None:
        from bdcdj.query.selectors import proof_by_digest

        matched = proof_by_digest(sm3=digest)
    return PdfVerifyResult(signature=check, sm3=digest, matched=matched)


def certificate_versions(*, certificate: CaseCertificate) -> list[CertificateVersion]:
    return list(certificate.versions.order_by("version"))


def certificate_latest_pdf(*, certificate: CaseCertificate) -> bytes | None:
    """The latest version's signed PDF, for the case page download (audited there)."""
    version = certificate.versions.order_by("-version").first()
    if version is None:
        return None
    try:
        return storage.read_decrypted(version.file_path)
    except storage.StoredFileMissing as exc:
        raise NotFound(code="file_not_found", message="电子证照文件缺失或无法解密") from exc


def numbers_voided_repeatedly(*, region_code: str, since: datetime, min_voids: int) -> list[dict[str, Any]]:
    """Certificate numbers of the district with at least `min_voids` versions voided since
    `since` (integrity supervision: a number voided again and again). Counted in the database."""
    from django.db.models import Count, Max

    return list(
        CertificateVersion.objects.filter(
            region_code=region_code, status=VersionStatus.VOIDED, voided_at__gte=since
        )
        .values("number")
        .annotate(voids=Count("id"), last_voided_at=Max("voided_at"))
        .filter(voids__gte=min_voids)
        .order_by("number")
    )
