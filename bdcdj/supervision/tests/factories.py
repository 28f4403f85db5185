"""Small factories of case-engine rows at chosen moments, for the supervision rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from bdcdj.accounts.models import User
from bdcdj.cases.models import Case, CaseCertificate, CaseEvent, Fee, Opinion
from bdcdj.certs.models import CertificateVersion, VersionStatus

REGION = "340121"
OTHER = "340122"
PASSWORD = "Bdcdj-Test-2024!"
CHINA = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hour, minute, tzinfo=CHINA)


def event(case: Case, kind: str, by: User, moment: dt.datetime) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, region_code=case.region_code, kind=kind, by=by, by_name=str(by), at=moment, message="测试"
    )


def approve(case: Case, by: User, moment: dt.datetime) -> Opinion:
    return Opinion.objects.create(
        case=case,
        step_code="review",
        step_name="初审",
        result="1",
        text="同意",
        by=by,
        by_name=str(by),
        at=moment,
    )


def fee(case: Case, amount: str, *, waived: bool, by: User | None = None) -> Fee:
    return Fee.objects.create(
        case=case,
        code="reg",
        name="登记费",
        mode="1",
        unit_price=Decimal(amount),
        quantity=Decimal("1"),
        basis="按件",
        amount=Decimal(amount),
        waived=waived,
        waiver_reason="小微企业减免" if waived else "",
        approved_by=by if waived else None,
    )


def voided_versions(case: Case, number: str, count: int, by: User, moment: dt.datetime) -> None:
    cert = CaseCertificate.objects.create(
        case=case, region_code=case.region_code, kind="certificate", number=number
    )
    for version in range(1, count + 1):
        CertificateVersion.objects.create(
            region_code=case.region_code,
            certificate=cert,
            kind="certificate",
            number=number,
            version=version,
            status=VersionStatus.VOIDED,
            content_digest="0" * 64,
            code_hash="0" * 64,
            sm3="0" * 64,
            sha256="0" * 64,
            size=1,
            file_path="x",
            signer_fingerprint="0" * 64,
            created_at=moment,
            created_by=by,
            voided_at=moment,
            void_reason="测试作废",
        )
