"""智能审核 API (staff session): recognise a single file, and read or run a case's review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from bdcdj.accounts.models import User
from bdcdj.accounts.selectors import user_can
from bdcdj.core.errors import Forbidden, InvalidInput
from bdcdj.recognition.extractors import EXTRACTORS
from bdcdj.recognition.models import RecognitionStatus
from bdcdj.recognition.reader import MAX_BYTES
from bdcdj.recognition.selectors import WRITE_PAGES, case_results
from bdcdj.recognition.services import extract, kind_label, masked_fields, review_run

router = Router(tags=["智能审核"])


class ExtractOut(Schema):
    kind: str
    kind_label: str
    path: str
    status: str
    message: str
    confidence: float
    fields: dict[str, dict[str, Any]]  # masked values


class FindingOut(Schema):
    check: str
    label: str
    status: str
    source: str
    message: str
    document: str
    found: str
    expected: str
    confidence: float | None


class RunOut(Schema):
    id: int
    trigger: str
    matches: int
    mismatches: int
    missing: int
    consistent: bool
    decisive: bool
    auto_approval: bool
    opinion: str
    inputs_digest: str
    rules_version: str
    created_at: dt.datetime
    findings: list[FindingOut]


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@router.post(
    "/extract", response=ExtractOut, summary="识别单个文件（身份证、买卖合同、抵押合同、法院文书、注销证明）"
)
def extract_file(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008
    kind: str = Form("", max_length=24),
) -> dict[str, Any]:
    user = _user(request)
    if not any(user_can(user=user, page=page, write=True) for page in WRITE_PAGES):
        raise Forbidden(code="page_forbidden", message="没有使用智能审核的权限")
    if kind and kind not in EXTRACTORS:
        raise InvalidInput(code="kind_invalid", message="材料类型无效", fields={"kind": "材料类型无效"})
    if file.size is not None and file.size > MAX_BYTES:
        raise InvalidInput(
            code="file_too_large", message="文件不能超过 20 MB", fields={"file": "文件不能超过 20 MB"}
        )
    outcome = extract(content=file.read(MAX_BYTES + 1), expected_kind=kind)
    if outcome.status == RecognitionStatus.UNREADABLE:
        raise InvalidInput(code="unreadable", message=outcome.message, fields={"file": outcome.message})
    return {
        "kind": outcome.kind,
        "kind_label": kind_label(outcome.kind),
        "path": outcome.path,
        "status": outcome.status,
        "message": outcome.message,
        "confidence": float(outcome.confidence),
        "fields": masked_fields(outcome.kind, outcome.fields),
    }


@router.get("/cases/{case_id}", response={200: RunOut, 204: None}, summary="业务的最新智能审核结果")
def case_latest(request: HttpRequest, case_id: int) -> Any:
    results = case_results(user=_user(request), case_id=case_id)
    return results.run if results.run is not None else Status(204, None)


@router.post("/cases/{case_id}/run", response=RunOut, summary="运行智能审核（识别材料并比对）")
def case_run(request: HttpRequest, case_id: int) -> Any:
    user = _user(request)
    results = case_results(user=user, case_id=case_id)
    return review_run(case=results.case, by=user)
