"""Machine API of the register (read-only; the register is written only by 登簿).

Mounted at /api/register/v1/. Parties are always masked here; ID numbers travel only in
request bodies, never in URLs.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from bdcdj.accounts.models import User
from bdcdj.accounts.selectors import require_page, require_tenant
from bdcdj.register import selectors
from bdcdj.register.models import Party, Right, Unit
from bdcdj.register.services import chain_verify
from bdcdj.register.summaries import detail_values
from bdcdj.standards.selectors import dictionary_label

router = Router(tags=["register"])

UNITS_PAGE = "register.units"
CHAIN_PAGE = "register.chain"


class PartyOut(Schema):
    role: str
    role_label: str
    party_type: str
    name: str
    id_type: str
    id_number: str
    share: Decimal | None
    holds_certificate: bool
    certificate_number: str


class RightOut(Schema):
    id: int
    kind: str
    kind_label: str
    right_type: str
    right_type_label: str
    registration_type: str
    status: str
    status_label: str
    certificate_number: str
    business_number: str
    registered_at: datetime
    registrar_name: str
    ended_at: datetime | None
    ended_by_business: str
    predecessor_id: int | None
    co_ownership: str
    remarks: str
    detail: dict[str, Any]
    parties: list[PartyOut]


class UnitOut(Schema):
    code: str
    kind: str
    kind_label: str
    location: str
    parcel_code: str
    building_code: str
    household_no: str
    room_label: str
    planned_use: str
    house_type: str
    house_nature: str
    structure: str
    built_area: Decimal | None
    exclusive_area: Decimal | None
    shared_area: Decimal | None
    status: str
    is_temporary: bool
    version: int


class UnitStateOut(Schema):
    unit: UnitOut
    as_of: datetime | None
    is_seized: bool
    is_mortgaged: bool
    has_objection: bool
    has_advance_notice: bool
    title: RightOut | None
    mortgages: list[RightOut]
    seizures: list[RightOut]
    objections: list[RightOut]
    advance_notices: list[RightOut]
    servitudes: list[RightOut]


class UnitPageOut(Schema):
    items: list[UnitOut]
    page: int
    page_size: int
    has_next: bool


class RightLinkOut(Schema):
    right: RightOut
    predecessor_id: int | None
    successor_ids: list[int]


class HistoryEntryOut(Schema):
    seq: int
    kind: str
    kind_label: str
    occurred_at: datetime
    business_number: str
    registration_type: str
    actor_name: str
    hash: str
    unit_created: bool
    rights_created: list[RightLinkOut]
    rights_ended: list[RightLinkOut]


class OwnerSearchIn(Schema):
    id_number: str = Field(..., min_length=1, max_length=50, description="证件号（仅在请求体中传递）")
    current_only: bool = True


class BrokenLinkOut(Schema):
    seq: int
    reason: str
    expected: str
    stored: str
    message: str


class ChainReportOut(Schema):
    region_code: str
    ok: bool
    checked: int
    last_seq: int
    message: str
    broken: BrokenLinkOut | None


def _user(request: HttpRequest, page: str) -> User:
    user = cast(User, request.auth or request.user)  # type: ignore[attr-defined]
    require_page(user=user, page=page)
    return user


def _party(party: Party) -> dict[str, Any]:
    return {
        "role": party.role,
        "role_label": party.get_role_display(),
        "party_type": party.party_type,
        "name": party.name_masked,
        "id_type": party.id_type,
        "id_number": party.id_masked,
        "share": party.share,
        "holds_certificate": party.holds_certificate,
        "certificate_number": party.certificate_number,
    }


def _right(right: Right) -> dict[str, Any]:
    label = dictionary_label(code="QLLX", value=right.right_type) if right.right_type else None
    return {
        "id": right.pk,
        "kind": right.kind,
        "kind_label": right.get_kind_display(),
        "right_type": right.right_type,
        "right_type_label": label or "",
        "registration_type": right.registration_type,
        "status": right.status,
        "status_label": right.get_status_display(),
        "certificate_number": right.certificate_number,
        "business_number": right.business_number,
        "registered_at": right.registered_at,
        "registrar_name": right.registrar_name,
        "ended_at": right.ended_at,
        "ended_by_business": right.ended_by_business,
        "predecessor_id": right.predecessor_id,
        "co_ownership": right.co_ownership,
        "remarks": right.remarks,
        "detail": detail_values(right.detail),
        "parties": [_party(p) for p in right.parties.all()],
    }


def _unit(unit: Unit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "kind": unit.kind,
        "kind_label": unit.get_kind_display(),
        "location": unit.location,
        "parcel_code": unit.code[:19],
        "building_code": unit.code[:24] if unit.building_id else "",
        "household_no": unit.household_no,
        "room_label": unit.room_label,
        "planned_use": unit.planned_use,
        "house_type": unit.house_type,
        "house_nature": unit.house_nature,
        "structure": unit.structure,
        "built_area": unit.built_area,
        "exclusive_area": unit.exclusive_area,
        "shared_area": unit.shared_area,
        "status": unit.status,
        "is_temporary": unit.is_temporary,
        "version": unit.version,
    }


def _link(link: selectors.RightLink) -> dict[str, Any]:
    return {
        "right": _right(link.right),
        "predecessor_id": link.predecessor_id,
        "successor_ids": list(link.successor_ids),
    }


@router.post("/units/search-by-owner", response=list[UnitOut], summary="按权利人证件号查询不动产单元")
def search_by_owner(request: HttpRequest, payload: OwnerSearchIn) -> list[dict[str, Any]]:
    user = _user(request, UNITS_PAGE)
    units = selectors.units_by_owner_id(
        user=user, id_number=payload.id_number, current_only=payload.current_only
    )
    return [_unit(u) for u in units]


@router.get("/units", response=UnitPageOut, summary="按坐落查询不动产单元（分页）")
def units_by_location(
    request: HttpRequest,
    location: str = Query(..., min_length=1, max_length=200, description="坐落（包含匹配）"),
    page: int = Query(1, ge=1, le=10_000),
    page_size: int = Query(50, ge=1, le=selectors.PAGE_SIZE_MAX),
) -> dict[str, Any]:
    user = _user(request, UNITS_PAGE)
    result = selectors.units_by_location(user=user, text=location, limit=page_size, page=page)
    return {
        "items": [_unit(u) for u in result.items],
        "page": result.page,
        "page_size": result.page_size,
        "has_next": result.has_next,
    }


@router.get("/units/{code}", response=UnitStateOut, summary="不动产单元登记状态（现势或指定时点）")
def unit_state(request: HttpRequest, code: str, as_of: datetime | None = None) -> dict[str, Any]:
    user = _user(request, UNITS_PAGE)
    state = selectors.unit_state(user=user, code=code, as_of=as_of)
    return {
        "unit": _unit(state.unit),
        "as_of": state.as_of,
        "is_seized": state.is_seized,
        "is_mortgaged": state.is_mortgaged,
        "has_objection": state.has_objection,
        "has_advance_notice": state.has_advance_notice,
        "title": _right(state.title) if state.title else None,
        "mortgages": [_right(r) for r in state.mortgages],
        "seizures": [_right(r) for r in state.seizures],
        "objections": [_right(r) for r in state.objections],
        "advance_notices": [_right(r) for r in state.advance_notices],
        "servitudes": [_right(r) for r in state.servitudes],
    }


@router.get(
    "/units/{code}/history",
    response=list[HistoryEntryOut],
    summary="不动产单元登记历史（上手/下手与登簿事件）",
)
def unit_history(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    user = _user(request, UNITS_PAGE)
    return [
        {
            "seq": entry.event.seq,
            "kind": entry.event.kind,
            "kind_label": entry.event.get_kind_display(),
            "occurred_at": entry.event.occurred_at,
            "business_number": entry.event.business_number,
            "registration_type": entry.event.registration_type,
            "actor_name": entry.event.actor_name,
            "hash": entry.event.hash,
            "unit_created": entry.unit_created,
            "rights_created": [_link(link) for link in entry.rights_created],
            "rights_ended": [_link(link) for link in entry.rights_ended],
        }
        for entry in selectors.unit_history(user=user, code=code)
    ]


@router.get("/chain/{region_code}/verify", response=ChainReportOut, summary="校验行政区登簿事件链")
def chain_check(request: HttpRequest, region_code: str, from_seq: int = Query(1, ge=1)) -> dict[str, Any]:
    user = _user(request, CHAIN_PAGE)
    require_tenant(user=user, region_code=region_code)
    report = chain_verify(region_code=region_code, from_seq=from_seq)
    broken = report.broken
    return {
        "region_code": report.region_code,
        "ok": report.ok,
        "checked": report.checked,
        "last_seq": report.last_seq,
        "message": f"链校验通过 {report.checked} 条" if broken is None else broken.message,
        "broken": None
        if broken is None
        else {
            "seq": broken.seq,
            "reason": broken.reason,
            "expected": broken.expected,
            "stored": broken.stored,
            "message": broken.message,
        },
    }
