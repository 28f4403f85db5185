"""Reads of the query app.

`properties_of` serves a holder who has proved who they are (portal login, or staff acting for
an applicant); it is not tenant-scoped by a staff user because the person asks about
themselves across every district of this node. The public query (`public_*`) answers anyone
and therefore returns natural status and restriction flags only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from bdcdj.accounts import pii
from bdcdj.accounts.selectors import AnyUser, require_page, tenant_codes
from bdcdj.certs import codes
from bdcdj.certs.selectors import VerifyResult
from bdcdj.core.errors import InvalidInput, NotFound
from bdcdj.query.facts import NaturalStatus, Restriction, label, main_area, natural_status, restriction_of
from bdcdj.query.models import Proof, ProofKind
from bdcdj.register.models import (
    RESTRICTION_KINDS,
    TITLE_KINDS,
    Party,
    Right,
    RightKind,
    RightStatus,
    Unit,
    attach_details,
)
from bdcdj.register.models.choices import HOLDER_ROLE
from bdcdj.register.services.codes import parse_code

HELD_KINDS = frozenset({*TITLE_KINDS, RightKind.RESIDENCE})
HOUSE_KINDS = frozenset({RightKind.HOUSE_OWNERSHIP, RightKind.HOUSE_OWNERSHIP_PROJECT})
CO_OWNERSHIP = {"0": "单独所有", "1": "共同共有", "2": "按份共有", "3": "其它共有"}
PUBLIC_PAGE_SIZE = 10
PUBLIC_PAGE_MAX = 50
LOCATION_MIN_CHARS = 2
QUERY_MAX_CHARS = 100


@dataclass(frozen=True)
class PropertySummary:
    """A right the person currently holds, with its unit's current restrictions."""

    right_id: int
    region_code: str
    unit_code: str
    location: str
    area: Decimal | None
    use_label: str
    right_kind: str
    right_kind_label: str
    right_type_label: str
    certificate_number: str
    registered_on: date
    co_ownership_label: str
    share: Decimal | None
    is_house: bool
    restrictions: tuple[Restriction, ...]

    @property
    def is_mortgaged(self) -> bool:
        return any(r.kind == RightKind.MORTGAGE for r in self.restrictions)

    @property
    def is_seized(self) -> bool:
        return any(r.kind == RightKind.SEIZURE for r in self.restrictions)


def _index(id_number: str) -> str:
    index = pii.blind_index(id_number or "")
    if not index or len(pii.normalise_id_number(id_number)) > 50:
        raise InvalidInput(code="id_number_required", message="请输入证件号", fields={"id_number": "必填"})
    return index


def restrictions_by_unit(unit_ids: list[int]) -> dict[int, list[Right]]:
    rights = list(
        Right.objects.filter(
            unit_id__in=unit_ids, status=RightStatus.CURRENT, kind__in=sorted(RESTRICTION_KINDS)
        ).order_by("registered_at", "id")
    )
    attach_details(rights)
    grouped: dict[int, list[Right]] = {}
    for right in rights:
        grouped.setdefault(right.unit_id, []).append(right)
    return grouped


def held_rights(*, id_number: str, kinds: frozenset[str] = HELD_KINDS) -> list[Right]:
    """Current rights whose holders include this ID number (blind index; every district)."""
    index = _index(id_number)
    holder_roles = sorted({HOLDER_ROLE[k] for k in kinds})
    rights = list(
        Right.objects.filter(
            status=RightStatus.CURRENT,
            kind__in=sorted(kinds),
            parties__id_index=index,
            parties__role__in=holder_roles,
        )
        .distinct()
        .select_related("unit", "unit__parcel", "unit__building", "unit__floor")
        .prefetch_related(Prefetch("parties", queryset=Party.objects.order_by("order", "id")))
        .order_by("region_code", "unit__code", "id")
    )
    attach_details(rights)
    # A party row with the index but another role (an 义务人 of the same right) is not a holder.
    return [
        r
        for r in rights
        if any(p.id_index == index and p.role == HOLDER_ROLE[r.kind] for p in r.parties.all())
    ]


def properties_of(*, id_number: str) -> list[PropertySummary]:
    """Current rights held by that ID number, with each unit's current restrictions."""
    index = _index(id_number)
    rights = held_rights(id_number=id_number)
    restrictions = restrictions_by_unit([r.unit_id for r in rights])
    result = []
    for right in rights:
        mine = next(
            p for p in right.parties.all() if p.id_index == index and p.role == HOLDER_ROLE[right.kind]
        )
        detail = right.detail
        result.append(
            PropertySummary(
                right_id=right.pk,
                region_code=right.region_code,
                unit_code=right.unit.code,
                location=right.unit.location,
                area=main_area(right.unit, right),
                use_label=label("FWYT", right.unit.planned_use or getattr(detail, "planned_use", ""))
                or label("TDYT", right.unit.parcel.land_use),
                right_kind=right.kind,
                right_kind_label=right.get_kind_display(),
                right_type_label=label("QLLX", right.right_type) or right.get_kind_display(),
                certificate_number=mine.certificate_number or right.certificate_number,
                registered_on=right.registered_at.date(),
                co_ownership_label=CO_OWNERSHIP.get(right.co_ownership or "0", "单独所有"),
                share=mine.share,
                is_house=right.kind in HOUSE_KINDS,
                restrictions=tuple(restriction_of(r) for r in restrictions.get(right.unit_id, [])),
            )
        )
    return result


def houses_of(*, id_number: str, region_code: str) -> list[PropertySummary]:
    """Current house titles of the person in one district (what a 无房证明 looks for)."""
    return [p for p in properties_of(id_number=id_number) if p.is_house and p.region_code == region_code]


@dataclass(frozen=True)
class PublicUnit:
    """One unit as the public query shows it."""

    status: NaturalStatus
    right_type_label: str
    restrictions: tuple[Restriction, ...]

    def has(self, kind: str) -> bool:
        return any(r.kind == kind for r in self.restrictions)


@dataclass(frozen=True)
class PublicPage:
    items: list[PublicUnit]
    page: int
    page_size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _public_units(units: list[Unit]) -> list[PublicUnit]:
    ids = [u.pk for u in units]
    titles = list(
        Right.objects.filter(unit_id__in=ids, status=RightStatus.CURRENT, kind__in=sorted(TITLE_KINDS))
    )
    attach_details(titles)
    title_of = {t.unit_id: t for t in titles}
    restrictions = restrictions_by_unit(ids)
    result = []
    for unit in units:
        title = title_of.get(unit.pk)
        result.append(
            PublicUnit(
                status=natural_status(unit, title),
                right_type_label=label("QLLX", title.right_type) if title else "",
                restrictions=tuple(restriction_of(r) for r in restrictions.get(unit.pk, [])),
            )
        )
    return result


def _clean(text: str, field: str) -> str:
    value = " ".join((text or "").split())
    if "\x00" in value or len(value) > QUERY_MAX_CHARS:
        raise InvalidInput(
            code="query_invalid", message=f"查询内容最长{QUERY_MAX_CHARS}个字符", fields={field: "内容有误"}
        )
    return value


def public_query(*, by: str, text: str, page: int = 1, page_size: int = PUBLIC_PAGE_SIZE) -> PublicPage:
    """Public query by 不动产单元号 (`unit`), 证书/证明号 (`certificate`) or 坐落 (`location`)."""
    field = {"unit": "unit_code", "certificate": "certificate_number", "location": "location"}.get(by)
    if field is None:
        raise InvalidInput(
            code="query_kind", message="请选择查询方式", fields={"by": "应为单元号、证号或坐落"}
        )
    value = _clean(text, field)
    if not value:
        raise InvalidInput(code="query_required", message="请输入查询内容", fields={field: "必填"})
    page_size = max(1, min(page_size, PUBLIC_PAGE_MAX))
    page = max(1, page)
    units = Unit.objects.select_related("parcel", "building", "floor")
    if by == "unit":
        code = parse_code(value).raw
        units = units.filter(code=code)
    elif by == "certificate":
        unit_ids = Right.objects.filter(certificate_number=value).values("unit_id")
        holder_ids = Party.objects.filter(certificate_number=value).values("right__unit_id")
        units = units.filter(Q(pk__in=unit_ids) | Q(pk__in=holder_ids))
    else:
        if len(value) < LOCATION_MIN_CHARS:
            message = f"坐落查询至少输入{LOCATION_MIN_CHARS}个字"
            raise InvalidInput(code="location_too_short", message=message, fields={"location": message})
        units = units.filter(location__icontains=value)
    total = units.count()
    if total == 0 and by != "location":
        raise NotFound(code="unit_not_found", message="未查询到符合条件的不动产单元")
    start = (page - 1) * page_size
    rows = list(units.order_by("code")[start : start + page_size])
    return PublicPage(items=_public_units(rows), page=page, page_size=page_size, total=total)


def _proof_result(proof: Proof) -> VerifyResult:
    voided = proof.voided_at is not None
    return VerifyResult(
        number=proof.number,
        kind_label=ProofKind(proof.kind).label,
        version=1,
        status="voided" if voided else "valid",
        status_label="已作废" if voided else "有效",
        message=f"已作废：{proof.void_reason}" if voided else "有效：由登记机构出具，内容为出具时的登记状态",
        rows=[list(row) for row in proof.masked],
        issued_at=proof.issued_at,
        ended_at=proof.voided_at,
        end_reason=proof.void_reason,
        latest_version=1,
    )


def proof_verify(*, number: str, code: str) -> VerifyResult | None:
    """A proof by its number and code, or None (the caller answers both cases alike)."""
    proof = Proof.objects.filter(number=number).first()
    if proof is None or not codes.code_matches(code, proof.code_hash):
        return None
    return _proof_result(proof)


def proof_by_digest(*, sm3: str) -> VerifyResult | None:
    proof = Proof.objects.filter(sm3=sm3).first()
    return _proof_result(proof) if proof is not None else None


def proofs_for_user(*, user: AnyUser, search: str = "") -> QuerySet[Proof]:
    """Proofs issued in the user's districts, newest first; search by number or subject's ID."""
    require_page(user=user, page="query.proofs")
    rows = Proof.objects.filter(region_code__in=tenant_codes(user=user))
    search = " ".join((search or "").split())[:QUERY_MAX_CHARS]
    if search:
        rows = rows.filter(Q(number=search) | Q(subject_id_index=pii.blind_index(search)))
    return rows.order_by("-issued_at", "-id")


def proof_get(*, user: AnyUser, proof_id: int) -> Proof:
    proof = proofs_for_user(user=user).filter(pk=proof_id).first()
    if proof is None:
        raise NotFound(code="proof_not_found", message="未找到该证明")
    return proof
