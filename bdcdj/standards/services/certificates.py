"""不动产权证书号 and 不动产登记证明号: allocation from a district's template, and voiding.

Serials restart every year and are gap-free per (sequence key, kind, year): a number is taken in
the caller's transaction (normally 登簿/缮证), so a rolled-back registration returns it. A number
that was issued but must not be used is voided with a reason, never reused and never deleted.
Callers authorise the acting user for the district before calling these services.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from bdcdj.core.errors import Conflict, InvalidInput, NotFound
from bdcdj.standards.models import CertificateKind, CertificateNumber, CertificateNumberTemplate
from bdcdj.standards.selectors import certificate_template_get
from bdcdj.standards.services.sequences import sequence_next

if TYPE_CHECKING:
    from bdcdj.accounts.models import User

CHINA = ZoneInfo("Asia/Shanghai")
KIND_WORDS = {CertificateKind.CERTIFICATE: "不动产权", CertificateKind.PROOF: "不动产证明"}
MIN_YEAR, MAX_YEAR = 1990, 2200


def certificate_number_compose(*, template: CertificateNumberTemplate, year: int, serial: int) -> str:
    """`{省简称}({年份}){市县名称}{不动产权|不动产证明}第{流水号}号`, brackets per the template."""
    left, right = ("（", "）") if template.full_width_brackets else ("(", ")")
    word = KIND_WORDS[CertificateKind(template.kind)]
    digits = f"{serial:0{template.width}d}"
    return f"{template.province_abbr}{left}{year}{right}{template.county_name}{word}第{digits}号"


def _current_year() -> int:
    return timezone.now().astimezone(CHINA).year


@transaction.atomic
def certificate_number_allocate(*, region_code: str, kind: str, year: int | None = None) -> CertificateNumber:
    """Take the next certificate (kind "certificate") or proof ("proof") number of a district.

    `year` defaults to the current year in China (Asia/Shanghai). NotFound when the district has no
    template; Conflict when the serial would need more digits than the template's width.
    """
    if kind not in CertificateKind.values:
        message = f"证号类型应为 certificate（不动产权证书）或 proof（不动产登记证明），实际为“{kind}”"
        raise InvalidInput(code="invalid_certificate_kind", message=message, fields={"kind": message})
    year = _current_year() if year is None else year
    if not MIN_YEAR <= year <= MAX_YEAR:
        message = f"证号年份应在{MIN_YEAR}–{MAX_YEAR}之间，实际为{year}"
        raise InvalidInput(code="invalid_certificate_year", message=message, fields={"year": message})
    template = certificate_template_get(region_code=region_code, kind=kind, year=year)
    maximum = 10**template.width - 1
    serial = sequence_next(
        scope=f"certificate:{template.sequence_key}:{kind}:{year}",
        minimum=template.initial_serial,
        maximum=maximum,
        exhausted_message=(
            f"行政区 {region_code} {year}年的{CertificateKind(kind).label}号已用完："
            f"流水号超过{template.width}位（最大 {maximum}），请调整证号模板的位数"
        ),
    )
    number = certificate_number_compose(template=template, year=year, serial=serial)
    certificate = CertificateNumber(
        region_code=region_code, kind=kind, year=year, serial=serial, number=number
    )
    certificate.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError as exc:
        # Two templates compose the same text from different sequences: a configuration error.
        message = f"证号“{number}”已存在，请检查证号模板的共用序列设置"
        raise Conflict(code="certificate_number_taken", message=message) from exc
    return certificate


@transaction.atomic
def certificate_number_void(*, number: str, reason: str, by: User | None) -> CertificateNumber:
    """Void an issued number (作废) with a reason; Conflict if it is already void."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(code="void_reason_required", message="请填写作废原因", fields={"reason": "必填"})
    certificate = CertificateNumber.objects.select_for_update().filter(number=number).first()
    if certificate is None:
        message = f"证号“{number}”不存在"
        raise NotFound(code="certificate_number_not_found", message=message, fields={"number": message})
    if certificate.status == CertificateNumber.Status.VOIDED:
        message = (
            f"证号“{number}”已于{timezone.localtime(certificate.voided_at):%Y-%m-%d %H:%M}作废，不能重复作废"
        )
        raise Conflict(code="certificate_number_already_voided", message=message, fields={"number": message})
    certificate.status = CertificateNumber.Status.VOIDED
    certificate.voided_reason = reason
    certificate.voided_at = timezone.now()
    certificate.voided_by = by
    certificate.full_clean()
    certificate.save(update_fields=["status", "voided_reason", "voided_at", "voided_by"])
    return certificate
