"""Query API: the public query (no login, rate-limited) and the couriers' signed webhook."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.views.decorators.csrf import csrf_exempt
from ninja import Query, Router, Schema

from bdcdj.certs import ratelimit
from bdcdj.query.facts import Restriction
from bdcdj.query.selectors import public_query
from bdcdj.query.services.shipping import webhook_receive

router = Router(tags=["不动产查询"], auth=None)


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, str]


class RestrictionOut(Schema):
    kind: str
    label: str
    registered_on: date
    start: date | None
    end: date | None
    note: str


class UnitOut(Schema):
    unit_code: str
    location: str
    kind: str
    built_area: Decimal | None
    exclusive_area: Decimal | None
    use: str
    land_use: str
    structure: str
    floor: str
    floors_total: int | None
    right_type: str
    mortgaged: bool
    seized: bool
    objection: bool
    advance_notice: bool
    restrictions: list[RestrictionOut]


class PageOut(Schema):
    items: list[UnitOut]
    page: int
    page_size: int
    total: int
    pages: int


class PublicIn(Schema):
    by: str = "unit"
    q: str
    page: int = 1
    page_size: int = 10


def _restriction(r: Restriction) -> RestrictionOut:
    return RestrictionOut(
        kind=r.kind, label=r.label, registered_on=r.registered_on, start=r.start, end=r.end, note=r.note
    )


@router.get(
    "/public",
    response={200: PageOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="公开查询：自然状况与限制状态（不含权利人信息）",
)
def public(request: HttpRequest, params: Query[PublicIn]) -> PageOut:
    ratelimit.limit_request(request, scope="query")
    page = public_query(by=params.by, text=params.q, page=params.page, page_size=params.page_size)
    items = [
        UnitOut(
            unit_code=u.status.unit_code,
            location=u.status.location,
            kind=u.status.kind_label,
            built_area=u.status.built_area,
            exclusive_area=u.status.exclusive_area,
            use=u.status.use_label,
            land_use=u.status.land_use_label,
            structure=u.status.structure_label,
            floor=u.status.floor_label,
            floors_total=u.status.floors_total,
            right_type=u.right_type_label,
            mortgaged=u.has("mortgage"),
            seized=u.has("seizure"),
            objection=u.has("objection"),
            advance_notice=u.has("advance_notice"),
            restrictions=[_restriction(r) for r in u.restrictions],
        )
        for u in page.items
    ]
    return PageOut(items=items, page=page.page, page_size=page.page_size, total=page.total, pages=page.pages)


class EventAck(Schema):
    status: str
    shipment_status: str


@router.post(
    "/shipments/webhook",
    response={200: EventAck, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="快递公司回传物流状态（HMAC-SM3 签名）",
    description="头部 X-Courier、X-Timestamp（Unix 秒，±300 秒）、X-Nonce（8–64 位，不可重复）、"
    "X-Signature = hex HMAC-SM3(key, courier\\ntimestamp\\nnonce\\n + 请求体)。"
    "请求体 JSON：tracking_number、status、occurred_at（带时区 ISO 8601）、place、note。",
    openapi_extra={"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}},
)
@csrf_exempt
def courier_webhook(request: HttpRequest) -> EventAck:
    event = webhook_receive(
        courier=request.headers.get("X-Courier", ""),
        timestamp=request.headers.get("X-Timestamp", ""),
        nonce=request.headers.get("X-Nonce", ""),
        signature=request.headers.get("X-Signature", ""),
        body=bytes(request.body),
    )
    return EventAck(status="ok", shipment_status=event.shipment.status)
