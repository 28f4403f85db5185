"""Public page of the transparency log (no login, internet zone): the latest signed head, and
inclusion of a certificate (number + code, or the PDF itself) or a register event, with the
proof path and the same checks the stand-alone verifier runs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from bdcdj.certs import ratelimit
from bdcdj.certs.models import CertificateVersion
from bdcdj.certs.selectors import PDF_MAX_BYTES, document_verify
from bdcdj.core.crypto import sm3_hex
from bdcdj.core.errors import DomainError, InvalidInput, NotFound
from bdcdj.exchange import signing
from bdcdj.ledger import selectors
from bdcdj.ledger.models import Entry, EntryKind
from bdcdj.ledger.verifier import bundle_check, inclusion_steps, leaf_hash

TEMPLATE = "ledger/verify.html"


def _head_context() -> dict[str, Any]:
    try:
        head = selectors.head_latest()
    except NotFound:
        return {"head": None}
    key = signing.node_public_key_hex()
    return {
        "head": head,
        "head_valid": selectors.head_signature_valid(head, public_key_hex=key),
        "public_key": key,
    }


def _page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    base = {
        "number": "",
        "code": "",
        "event": "",
        "error": "",
        "fields": {},
        "result": None,
        **_head_context(),
    }
    response = render(request, TEMPLATE, {**base, **context}, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _result(
    entry: Entry, subject: str, document: bytes | None = None, event_hash: str = ""
) -> dict[str, Any]:
    """Everything the page shows about one entry; `pending` when it is not under a head yet."""
    try:
        bundle = selectors.bundle_for(entry)
    except NotFound as exc:
        return {"subject": subject, "pending": exc.message, "entry": entry}
    key = signing.node_public_key_hex()
    check = bundle_check(bundle, public_key_hex=key, document=document, event_hash=event_hash)
    proof = [bytes.fromhex(p) for p in bundle["inclusion"]]
    leaf = leaf_hash(entry.entry.encode("utf-8"))
    steps = inclusion_steps(
        index=bundle["index"], tree_size=bundle["tree_head"]["tree_size"], leaf=leaf, proof=proof
    )
    query = f"document_sm3={entry.document_sm3}" if entry.document_sm3 else f"index={entry.index}"
    return {
        "subject": subject,
        "entry": entry,
        "bundle": bundle,
        "check": check,
        "steps": [{"side": side, "sibling": s.hex(), "result": r.hex()} for side, s, r in steps],
        "bundle_url": f"/api/ledger/v1/bundle?{query}",
    }


def _certificate(version: CertificateVersion, document: bytes | None = None) -> dict[str, Any]:
    entry = Entry.objects.filter(kind=EntryKind.CERTIFICATE, source_id=version.pk).first()
    subject = f"{version.number} 第{version.version}版"
    if entry is None:
        raise NotFound(code="ledger_entry_not_found", message="该证书（证明）尚未进入透明日志")
    return _result(entry, subject, document=document)


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """/ledger/ (head and forms), ?number=&code= (a certificate) or ?event=region:seq."""
    number, code, event = (request.GET.get(k, "").strip() for k in ("number", "code", "event"))
    context = {"number": number, "code": code, "event": event}
    if not (number or code or event):
        return _page(request, context)
    try:
        ratelimit.limit_request(request, scope="verify")
        if event:
            entry = selectors.entry_for_event(event=event)
            if entry is None:
                raise NotFound(code="ledger_entry_not_found", message="透明日志中没有该登簿事件")
            return _page(request, {**context, "result": _result(entry, f"登簿事件 {entry.reference}")})
        if not code:
            raise InvalidInput(code="code_required", message="请输入核验码", fields={"code": "必填"})
        found = document_verify(number=number, code=code)
        version = CertificateVersion.objects.filter(number=found.number, version=found.version).first()
        if version is None:
            raise NotFound(code="ledger_not_logged", message="该证明不属于登记簿电子证照，不在透明日志范围内")
        return _page(request, {**context, "result": _certificate(version)})
    except DomainError as exc:
        return _page(request, {**context, "error": exc.message, "fields": exc.fields}, status=exc.status_code)


@require_POST
def verify_upload(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    try:
        ratelimit.limit_request(request, scope="verify")
        content = upload.read(PDF_MAX_BYTES + 1) if upload is not None else b""
        if not content or len(content) > PDF_MAX_BYTES:
            raise InvalidInput(
                code="file_required", message="请选择 10 MB 以内的 PDF 文件", fields={"file": "必填"}
            )
        version = CertificateVersion.objects.filter(sm3=sm3_hex(content)).first()
        if version is None:
            raise NotFound(code="ledger_entry_not_found", message="该文件与透明日志中的任何电子证照都不一致")
        return _page(request, {"result": _certificate(version, document=content)})
    except DomainError as exc:
        return _page(request, {"error": exc.message, "fields": exc.fields}, status=exc.status_code)
