"""Pages of the query app: the public query, "my properties" for a portal citizen, the staff
page issuing proofs, and shipments with their tracking page. Views translate HTTP only."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from bdcdj.accounts.decorators import page_required
from bdcdj.accounts.models import User
from bdcdj.accounts.selectors import tenant_codes, user_can
from bdcdj.accounts.services import audit_record
from bdcdj.cases.models import Case
from bdcdj.certs import ratelimit, storage
from bdcdj.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from bdcdj.portal.selectors import citizen_owns_case, current_citizen
from bdcdj.query.models import ProofKind, Shipment
from bdcdj.query.selectors import proof_get, proofs_for_user, public_query
from bdcdj.query.services.proofs import proof_issue_by_staff, proof_issue_for_citizen
from bdcdj.query.services.shipping import COURIER_NAMES, courier_keys, shipment_create

PAGE_SIZE = 20
BY_CHOICES = (("unit", "不动产单元号"), ("certificate", "证书（证明）号"), ("location", "坐落"))


def _public(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _int(value: str | None, default: int = 1) -> int:
    try:
        return max(1, int(value or default))
    except ValueError:
        return default


@require_GET
def public(request: HttpRequest) -> HttpResponse:
    """/query/: natural status and restrictions by unit code, certificate number or 坐落."""
    by = request.GET.get("by", "unit")
    text = request.GET.get("q", "")
    context: dict[str, Any] = {
        "by": by,
        "q": text,
        "choices": BY_CHOICES,
        "page": None,
        "error": "",
        "fields": {},
    }
    if not text:
        return _public(request, "query/public.html", context)
    try:
        ratelimit.limit_request(request, scope="query")
        context["page"] = public_query(by=by, text=text, page=_int(request.GET.get("page")))
    except DomainError as exc:
        context.update(error=exc.message, fields=exc.fields)
        response = _public(request, "query/public.html", context, status=exc.status_code)
        if isinstance(exc, ratelimit.RateLimited):
            response["Retry-After"] = str(exc.retry_after)
        return response
    return _public(request, "query/public.html", context)


def _citizen(request: HttpRequest) -> Any:
    """The citizen logged in to the portal, or None."""
    return current_citizen(request=request)


def _citizen_identity(citizen: Any) -> tuple[str, str]:
    """Clear name and ID number of a verified portal citizen (decrypted in memory only)."""
    from bdcdj.accounts import pii

    name = pii.decrypt_text(getattr(citizen, "name_enc", "") or "")
    id_number = pii.decrypt_text(getattr(citizen, "id_number_enc", "") or "")
    if getattr(citizen, "verified_at", None) is None or not name or not id_number:
        raise Forbidden(code="citizen_unverified", message="请先在门户完成实名认证")
    return str(name), str(id_number)


@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest) -> HttpResponse:
    """ "我的不动产" of the portal citizen, and their 无房证明 / 查询结果 (POST: the PDF)."""
    citizen = _citizen(request)
    context: dict[str, Any] = {"citizen": citizen, "properties": [], "error": "", "kinds": ProofKind.choices}
    if citizen is None:
        return _public(request, "query/mine.html", context, status=200 if request.method == "GET" else 403)
    from bdcdj.accounts.selectors import node_region_code
    from bdcdj.query.selectors import properties_of

    try:
        name, id_number = _citizen_identity(citizen)
        context["properties"] = properties_of(id_number=id_number)
        if request.method == "POST":
            issued = proof_issue_for_citizen(
                kind=request.POST.get("kind", ""),
                region_code=getattr(citizen, "home_region", "") or node_region_code(),
                name=name,
                id_number=id_number,
                purpose=request.POST.get("purpose", ""),
            )
            return _pdf(issued.pdf, f"{issued.proof.number}.pdf")
    except DomainError as exc:
        context["error"] = exc.message
        return _public(request, "query/mine.html", context, status=exc.status_code)
    return _public(request, "query/mine.html", context)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@page_required("query.proofs")
@require_http_methods(["GET", "POST"])
def proofs(request: HttpRequest) -> HttpResponse:
    """Staff: issue a 无房证明 / 查询结果 for an applicant; list what was issued."""
    user = _user(request)
    regions = sorted(tenant_codes(user=user))
    form = {
        "kind": ProofKind.NO_HOUSE.value,
        "region_code": regions[0] if regions else "",
        "name": "",
        "purpose": "",
    }
    context: dict[str, Any] = {"kinds": ProofKind.choices, "regions": regions, "issued": None, "fields": {}}
    status = 200
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in ("kind", "region_code", "name", "purpose")}
        try:
            issued = proof_issue_by_staff(
                kind=form["kind"],
                region_code=form["region_code"],
                name=form["name"],
                id_number=request.POST.get("id_number", ""),
                id_checked=request.POST.get("id_checked") == "on",
                purpose=form["purpose"],
                by=user,
            )
            context["issued"] = {"proof": issued.proof, "code": issued.code}
            form["name"] = form["purpose"] = ""
        except DomainError as exc:
            context.update(error=exc.message, fields=exc.fields)
            status = exc.status_code
    search = request.GET.get("search", "")
    page = Paginator(proofs_for_user(user=user, search=search), PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(
        form=form,
        search=search,
        page_obj=page,
        can_issue=user_can(user=user, page="query.proofs", write=True),
    )
    return render(request, "query/proofs.html", context, status=status)


@page_required("query.proofs")
@require_GET
def proof_pdf(request: HttpRequest, proof_id: int) -> HttpResponse:
    user = _user(request)
    try:
        proof = proof_get(user=user, proof_id=proof_id)
        content = storage.read_decrypted(proof.file_path)
    except NotFound as exc:
        return render(request, "query/error.html", {"error": exc.message}, status=404)
    except storage.StoredFileMissing:
        return render(request, "query/error.html", {"error": "证明文件缺失或无法解密"}, status=404)
    audit_record(
        actor=user,
        action="query.proof_download",
        object_type="query.proof",
        object_id=str(proof.pk),
        region_code=proof.region_code,
        detail={"number": proof.number},
    )
    return _pdf(content, f"{proof.number}.pdf")


@page_required("cases.certify")
@require_http_methods(["GET", "POST"])
def shipments(request: HttpRequest) -> HttpResponse:
    """Staff: shipments of paper certificates in the user's districts; record a new one."""
    user = _user(request)
    form = {
        k: request.POST.get(k, "")
        for k in ("case_number", "courier", "tracking_number", "recipient", "address")
    }
    context: dict[str, Any] = {
        "couriers": [(c, COURIER_NAMES.get(c, c)) for c in courier_keys()],
        "fields": {},
    }
    status = 200
    if request.method == "POST":
        try:
            case = Case.objects.filter(
                number=form["case_number"].strip(), region_code__in=tenant_codes(user=user)
            ).first()
            if case is None:
                raise InvalidInput(
                    code="case_not_found", message="未找到该业务", fields={"case_number": "业务号不存在"}
                )
            shipment = shipment_create(
                case=case,
                courier=form["courier"],
                tracking_number=form["tracking_number"],
                recipient=form["recipient"],
                phone=request.POST.get("phone", ""),
                address=form["address"],
                by=user,
            )
            return redirect("query:shipment", shipment_id=shipment.pk)
        except DomainError as exc:
            context.update(error=exc.message, fields=exc.fields)
            status = exc.status_code
    rows = Shipment.objects.filter(region_code__in=tenant_codes(user=user)).select_related("case")
    search = " ".join(request.GET.get("search", "").split())[:50]
    if search:
        rows = rows.filter(Q(tracking_number=search.upper()) | Q(case__number=search))
    page = Paginator(rows.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(form=form, page_obj=page, search=search)
    return render(request, "query/shipments.html", context, status=status)


@require_GET
def shipment(request: HttpRequest, shipment_id: int) -> HttpResponse:
    """Tracking page: staff of the district, or the portal citizen who owns the case."""
    row = Shipment.objects.select_related("case").filter(pk=shipment_id).first()
    allowed = False
    if row is not None and request.user.is_authenticated:
        allowed = row.region_code in tenant_codes(user=request.user) and (
            user_can(user=request.user, page="cases.queue")
            or user_can(user=request.user, page="cases.certify")
        )
    if row is not None and not allowed:
        allowed = bool(citizen_owns_case(request=request, case_id=row.case_id))
    if row is None or not allowed:
        return render(request, "query/error.html", {"error": "未找到该邮寄记录"}, status=404)
    context = {
        "shipment": row,
        "events": row.events.order_by("-occurred_at", "-id"),
        "courier": COURIER_NAMES.get(row.courier, row.courier),
        "base": "base.html" if request.user.is_authenticated else "certs/public_base.html",
    }
    return render(request, "query/shipment.html", context)
