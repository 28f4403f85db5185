"""The channel API (`/api/channel/v1/`) for banks and developers.

Authentication is the institution's API key in the `X-Api-Key` header, not a session (the
router is mounted without the session auth). A missing, wrong, revoked or expired key is
answered 401; a closed port or a key without the scope 403, both with a Chinese message.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router
from ninja.security import APIKeyHeader

from bdcdj.accounts.services import audit_record
from bdcdj.cases.models import Case
from bdcdj.certs.selectors import certificate_latest_pdf
from bdcdj.channel.models import ApiKey, ChannelItem, Institution, Scope
from bdcdj.channel.schemas import BatchIn, BatchOut, HandoverBatchIn, ItemPageOut, ItemStatusOut, PaymentOut
from bdcdj.channel.selectors import case_progress, item_get, items_for_institution
from bdcdj.channel.services import (
    api_key_authenticate,
    cancel_batch_submit,
    handover_batch_submit,
    mortgage_batch_submit,
)
from bdcdj.core.errors import Conflict, NotFound
from bdcdj.payments.services import order_create
from bdcdj.payments.views import absolute

ERRORS = {400: dict, 401: dict, 403: dict, 404: dict, 409: dict, 422: dict}


class ChannelKey(APIKeyHeader):
    param_name = "X-Api-Key"

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiKey:
        return api_key_authenticate(token=key or "", scope=self.scope)


router = Router(tags=["机构通道"], auth=None)
MORTGAGE = ChannelKey(Scope.MORTGAGE)
HANDOVER = ChannelKey(Scope.HANDOVER)
STATUS = ChannelKey(Scope.STATUS)


def _institution(request: HttpRequest) -> Institution:
    key: ApiKey = request.auth  # type: ignore[attr-defined]
    return key.institution


def _audit(request: HttpRequest, action: str, detail: dict[str, Any]) -> None:
    institution = _institution(request)
    audit_record(
        actor=institution.service_user,
        action=action,
        object_type="channel.institution",
        object_id=institution.organisation.code,
        region_code=institution.region_code,
        detail={"key": request.auth.prefix, **detail},  # type: ignore[attr-defined]
    )


def _batch(request: HttpRequest, action: str, result: Any) -> Any:
    _audit(
        request, action, {"created": result.created, "existing": result.existing, "invalid": result.invalid}
    )
    return result


@router.post(
    "/mortgages", response={200: BatchOut, **ERRORS}, auth=MORTGAGE, summary="批量申请抵押权首次登记"
)
def submit_mortgages(request: HttpRequest, payload: BatchIn) -> Any:
    result = mortgage_batch_submit(institution=_institution(request), items=payload.items)
    return _batch(request, "channel.mortgage_batch", result)


@router.post(
    "/mortgage-cancellations",
    response={200: BatchOut, **ERRORS},
    auth=MORTGAGE,
    summary="批量申请抵押权注销登记",
)
def submit_cancellations(request: HttpRequest, payload: BatchIn) -> Any:
    result = cancel_batch_submit(institution=_institution(request), items=payload.items)
    return _batch(request, "channel.cancel_batch", result)


@router.post(
    "/handovers", response={200: BatchOut, **ERRORS}, auth=HANDOVER, summary="交房即交证：批量申请转移登记"
)
def submit_handovers(request: HttpRequest, payload: HandoverBatchIn) -> Any:
    result = handover_batch_submit(
        institution=_institution(request), project=payload.project, items=payload.items
    )
    return _batch(request, "channel.handover_batch", result)


def _status(item: ChannelItem) -> dict[str, Any]:
    key = item.idempotency_key
    return {
        "idempotency_key": key,
        "kind": item.kind,
        "submitted_at": item.created_at.isoformat(),
        "case": case_progress(case=item.case, key=key),
        "mortgage_case": case_progress(case=item.mortgage_case, key=key) if item.mortgage_case else None,
    }


@router.get(
    "/items", response={200: ItemPageOut, **ERRORS}, auth=STATUS, summary="已提交申请的办理状态（分页）"
)
def list_items(request: HttpRequest, kind: str = "", page: int = 1) -> Any:
    found = items_for_institution(institution=_institution(request), kind=kind, page=page)
    return {
        "page": found.number,
        "pages": found.paginator.num_pages,
        "total": found.paginator.count,
        "items": [_status(item) for item in found.object_list],
    }


@router.get(
    "/items/{key}", response={200: ItemStatusOut, **ERRORS}, auth=STATUS, summary="按幂等键查询办理状态"
)
def get_item(request: HttpRequest, key: str) -> Any:
    return _status(item_get(institution=_institution(request), key=key))


def _member(item: ChannelItem, member: str) -> Case:
    if member == "mortgage":
        if item.mortgage_case is None:
            raise NotFound(code="member_not_found", message="该申请没有一并申请的抵押业务")
        return item.mortgage_case
    return item.case


@router.post(
    "/items/{key}/payment",
    response={200: PaymentOut, **ERRORS},
    auth=STATUS,
    summary="为申请的登记费创建支付订单",
)
def pay_item(request: HttpRequest, key: str, member: str = "main") -> Any:
    institution = _institution(request)
    case = _member(item_get(institution=institution, key=key), member)
    order = order_create(
        case=case,
        payer=institution.organisation.name,
        notify_url=absolute(request, reverse("payments:callback")),
        return_url=absolute(request, reverse("payments:result", kwargs={"case_id": case.pk})),
    )
    _audit(request, "channel.payment", {"case": case.number, "order": order.number})
    return {
        "order_number": order.number,
        "amount": f"{order.amount:.2f}",
        "status": order.status,
        "pay_url": order.pay_url,
    }


@router.get(
    "/items/{key}/certificates/{certificate_id}/pdf",
    response={200: None, **ERRORS},
    auth=STATUS,
    url_name="channel_certificate_pdf",
    summary="下载电子证书（证明）PDF",
)
def certificate_pdf(request: HttpRequest, key: str, certificate_id: int) -> Any:
    item = item_get(institution=_institution(request), key=key)
    cases = [c for c in (item.case, item.mortgage_case) if c is not None]
    certificate = next((c for case in cases for c in case.certificates.filter(pk=certificate_id)), None)
    if certificate is None:
        raise NotFound(code="certificate_not_found", message="未找到该证书（证明）")
    content = _pdf(certificate)
    if content is None:
        raise Conflict(code="not_rendered", message="证书（证明）尚未缮证")
    _audit(request, "channel.certificate_download", {"number": certificate.number})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.kind}-{certificate.pk}.pdf"'
    return response


def _pdf(certificate: Any) -> bytes | None:
    return certificate_latest_pdf(certificate=certificate)
