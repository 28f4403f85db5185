"""Pages of payments: checkout of a case's fees, the result after the provider, the receipt,
the provider callback, and the staff panel on the case page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bdcdj.accounts.decorators import page_required
from bdcdj.accounts.selectors import tenant_codes, user_can
from bdcdj.accounts.services import audit_record
from bdcdj.cases.models import Case
from bdcdj.cases.selectors import case_get
from bdcdj.cases.workflows import business_type_get
from bdcdj.core.errors import DomainError, Forbidden, NotFound
from bdcdj.payments.models import OPEN_STATUSES, PaymentOrder
from bdcdj.payments.receipts import receipt_pdf
from bdcdj.payments.selectors import orders_for_case, payment_summary, tax_status
from bdcdj.payments.services import callback_receive, order_create, order_reconcile
from bdcdj.portal.selectors import citizen_owns_case

CASHIER_PAGE = "cases.accept"


def _portal_owns(request: HttpRequest, case_id: int) -> bool:
    return citizen_owns_case(request=request, case_id=case_id)


def _payer(request: HttpRequest, case: Case) -> str:
    """Who may pay for the case here: the applicant in the portal, or district staff at the
    window (受理 write permission). Forbidden otherwise."""
    if _portal_owns(request, case.pk):
        return "网上缴费（申请人）"
    user = request.user
    if (
        user.is_authenticated
        and case.region_code in tenant_codes(user=user)
        and user_can(user=user, page=CASHIER_PAGE, write=True)
    ):
        return f"窗口代收（{user.username}）"
    raise Forbidden(code="payment_forbidden", message="无权为该业务缴费：请登录办理该业务的账号")


def _case(case_id: int) -> Case:
    case = Case.objects.select_related("workflow").filter(pk=case_id).first()
    if case is None:
        raise NotFound(code="case_not_found", message="未找到业务")
    return case


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "payments/error.html", {"error": exc}, status=exc.status_code)


def absolute(request: HttpRequest, path: str) -> str:
    base = str(getattr(settings, "BDCDJ_PUBLIC_URL", "")).rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def checkout(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = _case(case_id)
        payer = _payer(request, case)
    except DomainError as exc:
        return _error(request, exc)
    error = None
    if request.method == "POST":
        try:
            order = order_create(
                case=case,
                payer=payer,
                notify_url=absolute(request, reverse("payments:callback")),
                return_url=absolute(request, reverse("payments:result", kwargs={"case_id": case.pk})),
            )
            return redirect(order.pay_url)
        except DomainError as exc:
            error = exc
    context = {
        "case": case,
        "business_type": business_type_get(case.business_type),
        "fees": case.fees.order_by("id"),
        "summary": payment_summary(case=case),
        "tax": tax_status(case=case, operator="payments"),
        "error": error,
    }
    return render(request, "payments/checkout.html", context, status=error.status_code if error else 200)


def result(request: HttpRequest, case_id: int) -> HttpResponse:
    """Where the provider sends the payer back; an order still open is checked with the provider."""
    try:
        case = _case(case_id)
        _payer(request, case)
    except DomainError as exc:
        return _error(request, exc)
    order = PaymentOrder.objects.filter(case=case).order_by("-created_at", "-id").first()
    if order is not None and order.status in OPEN_STATUSES:
        order = order_reconcile(order=order)
    return render(
        request, "payments/result.html", {"case": case, "order": order, "summary": payment_summary(case=case)}
    )


def receipt(request: HttpRequest, number: str) -> HttpResponse:
    order = PaymentOrder.objects.select_related("case").filter(number=number).first()
    try:
        if order is None:
            raise NotFound(code="order_not_found", message="未找到缴费订单")
        try:
            _payer(request, order.case)
        except Forbidden:
            case_get(user=request.user, case_id=order.case_id)  # district staff may read receipts
        pdf = receipt_pdf(order=order)
    except DomainError as exc:
        return _error(request, exc)
    audit_record(
        actor=request.user,
        action="payments.receipt_download",
        object_type="payments.order",
        object_id=order.number,
        region_code=order.region_code,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{order.receipt_number}.pdf"'
    return response


@csrf_exempt
@require_POST
def callback(request: HttpRequest) -> HttpResponse:
    outcome = callback_receive(body=bytes(request.body), headers=request.headers)
    return JsonResponse(
        outcome.as_dict(), status=outcome.status_code, json_dumps_params={"ensure_ascii": False}
    )


@page_required("cases.queue")
def panel(request: HttpRequest, case_id: int) -> HttpResponse:
    """The payment status on the staff case page (htmx partial)."""
    try:
        case = case_get(user=request.user, case_id=case_id)
    except DomainError as exc:
        return _error(request, exc)
    context = {
        "case": case,
        "summary": payment_summary(case=case),
        "orders": orders_for_case(case=case),
        "tax": tax_status(case=case, operator=request.user.get_username()),
        "can_collect": user_can(user=request.user, page=CASHIER_PAGE, write=True),
    }
    return render(request, "payments/_panel.html", context)
