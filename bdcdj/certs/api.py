"""Public verify API (no login, rate-limited): by number + code, or by uploading the PDF."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from bdcdj.certs import ratelimit
from bdcdj.certs.selectors import PDF_MAX_BYTES, VerifyResult, document_verify, pdf_verify

router = Router(tags=["电子证照核验"], auth=None)


class VerifyIn(Schema):
    number: str
    code: str


class VerifyOut(Schema):
    number: str
    kind: str
    version: int
    latest_version: int
    status: str
    status_label: str
    message: str
    rows: list[list[str]]
    issued_at: datetime
    ended_at: datetime | None
    restrictions: list[str]


class SignatureOut(Schema):
    signed: bool
    intact: bool
    trusted: bool
    whole_file: bool
    valid: bool
    signer: str
    message: str


class PdfVerifyOut(Schema):
    valid: bool
    message: str
    sm3: str
    signature: SignatureOut
    matched: VerifyOut | None


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, str]


def _out(result: VerifyResult) -> VerifyOut:
    return VerifyOut(
        number=result.number,
        kind=result.kind_label,
        version=result.version,
        latest_version=result.latest_version,
        status=result.status,
        status_label=result.status_label,
        message=result.message,
        rows=result.rows,
        issued_at=result.issued_at,
        ended_at=result.ended_at,
        restrictions=result.restrictions,
    )


@router.post(
    "/verify",
    response={200: VerifyOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="按证书（证明）号和核验码核验",
)
def verify(request: HttpRequest, payload: VerifyIn) -> VerifyOut:
    ratelimit.limit_request(request, scope="verify")
    return _out(document_verify(number=payload.number, code=payload.code))


@router.post(
    "/verify/pdf",
    response={200: PdfVerifyOut, 400: ErrorOut, 429: ErrorOut},
    summary="上传 PDF 核验电子签章和摘要",
)
def verify_pdf(request: HttpRequest, file: File[UploadedFile]) -> PdfVerifyOut:
    ratelimit.limit_request(request, scope="verify")
    result = pdf_verify(content=file.read(PDF_MAX_BYTES + 1))
    s = result.signature
    return PdfVerifyOut(
        valid=result.valid,
        message=result.message,
        sm3=result.sm3,
        signature=SignatureOut(
            signed=s.signed,
            intact=s.intact,
            trusted=s.trusted,
            whole_file=s.whole_file,
            valid=s.valid,
            signer=s.signer,
            message=s.message,
        ),
        matched=_out(result.matched) if result.matched is not None else None,
    )
