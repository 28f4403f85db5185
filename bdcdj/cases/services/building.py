"""From a case to the register's registration items (登记事项).

`build_items(case, user=...)` is a pure mapping: it reads the case, its parties (decrypted in
memory only) and, through register selectors, the rights the case refers to, and returns the
`RegistrationItem`s that `register.services.record` will apply. It writes nothing; numbers and
expected unit versions are added at 登簿 (`with_numbers`, `case_register`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bdcdj.accounts.selectors import AnyUser
from bdcdj.cases import clock
from bdcdj.cases.models import UNREGISTERED_ROLES, Case, CaseUnit
from bdcdj.cases.services.applications import PartyInput, party_clear
from bdcdj.cases.workflows import BusinessType, business_type_get
from bdcdj.register.models import Operation, PartyRole, Right, RightKind
from bdcdj.register.selectors import right_get, unit_state
from bdcdj.register.services import (
    AdvanceNoticeSpec,
    HouseOwnershipSpec,
    MortgageSpec,
    ObjectionSpec,
    PartySpec,
    RegistrationItem,
    ResidenceSpec,
    RightSpec,
    SeizureReleaseSpec,
    SeizureSpec,
)

OBJECTION_DAYS = 15  # 异议登记 lapses if no suit is filed within 15 days (不动产登记暂行实施细则 第83条)
SUPERSEDING = frozenset({Operation.TRANSFER, Operation.CHANGE, Operation.CORRECT})
WITH_TARGET = frozenset({Operation.CHANGE, Operation.CORRECT, Operation.CANCEL, Operation.RELEASE_SEIZURE})
HOUSE_PROPERTY_TYPE = "2"  # 抵押不动产类型: 土地和房屋
WHOLE_AMOUNT = "1"  # 抵押金额类型: 多个不动产单元整体抵押金额
INHERITANCE_NOTES = {
    "commitment": "依据全体继承人书面承诺办理继承登记",
    "notarial": "依据继承权公证书办理继承登记",
    "judgment": "依据生效法律文书办理继承登记",
}


@dataclass(frozen=True)
class BuildContext:
    case: Case
    bt: BusinessType
    data: dict[str, Any]
    parties: tuple[PartyInput, ...]
    units: tuple[CaseUnit, ...]
    target: Right | None
    titles: dict[str, Right | None]

    def value(self, code: str, default: Any = None) -> Any:
        return self.data.get(code, default)

    def decimal(self, code: str) -> Decimal | None:
        value = self.data.get(code)
        return Decimal(str(value)) if value not in (None, "") else None

    def day(self, code: str) -> date | None:
        value = self.data.get(code)
        return date.fromisoformat(value) if value else None


def _context(case: Case, user: AnyUser) -> BuildContext:
    bt = business_type_get(case.business_type)
    units = tuple(case.units.order_by("order", "id"))
    target = None
    if case.data.get("target_right_id"):
        target = right_get(user=user, right_id=int(case.data["target_right_id"]))
    titles: dict[str, Right | None] = {}
    if bt.operation == Operation.TRANSFER and bt.right_kind != RightKind.MORTGAGE:
        titles = {u.unit_code: unit_state(user=user, code=u.unit_code).title for u in units}
    return BuildContext(
        case=case,
        bt=bt,
        data=dict(case.data),
        parties=tuple(party_clear(p) for p in case.parties.order_by("order", "id")),
        units=units,
        target=target,
        titles=titles,
    )


def _spec_values(spec_class: type, detail: Any) -> dict[str, Any]:
    if detail is None:
        return {}
    return {
        f.name: getattr(detail, f.name) for f in dataclasses.fields(spec_class) if hasattr(detail, f.name)
    }


def _set(values: dict[str, Any], ctx: BuildContext, *names: str, kind: str = "raw") -> None:
    for name in names:
        if name not in ctx.data:
            continue
        if kind == "decimal":
            values[name] = ctx.decimal(name)
        elif kind == "date":
            values[name] = ctx.day(name)
        else:
            values[name] = ctx.data[name]


def _house(ctx: BuildContext, base: Any) -> HouseOwnershipSpec:
    values = _spec_values(HouseOwnershipSpec, base)
    _set(values, ctx, "land_use_start", "land_use_end", kind="date")
    _set(values, ctx, "price", "built_area", kind="decimal")
    _set(values, ctx, "planned_use")
    return HouseOwnershipSpec(**values)


def _mortgage(ctx: BuildContext, base: Any) -> MortgageSpec:
    values = _spec_values(MortgageSpec, base)
    _set(values, ctx, "method", "maximum_basis", "guarantee_scope", "transfer_restricted", "property_type")
    _set(values, ctx, "secured_amount", "maximum_amount", kind="decimal")
    _set(values, ctx, "debt_start", "debt_end", kind="date")
    if base is None:
        houses = [u for u in ctx.units if u.kind == "house"]
        values.setdefault("property_type", HOUSE_PROPERTY_TYPE if houses else "")
        if len(ctx.units) > 1:
            values["amount_type"] = WHOLE_AMOUNT
    return MortgageSpec(**values)


def _notice(ctx: BuildContext, base: Any) -> AdvanceNoticeSpec:
    values = _spec_values(AdvanceNoticeSpec, base)
    _set(values, ctx, "notice_kind", "guarantee_scope", "transfer_restricted")
    _set(values, ctx, "price", kind="decimal")
    return AdvanceNoticeSpec(**values)


def _seizure(ctx: BuildContext, base: Any) -> SeizureSpec:
    values = _spec_values(SeizureSpec, base)
    _set(values, ctx, "authority", "document_number", "seizure_kind", "scope")
    _set(values, ctx, "start", "end", kind="date")
    return SeizureSpec(**values)


def _objection(ctx: BuildContext, base: Any) -> ObjectionSpec:
    start = clock.today()
    return ObjectionSpec(
        matter=ctx.value("matter", ""), start=start, end=start + timedelta(days=OBJECTION_DAYS)
    )


def _residence(ctx: BuildContext, base: Any) -> ResidenceSpec:
    values = _spec_values(ResidenceSpec, base)
    _set(values, ctx, "conditions")
    _set(values, ctx, "start", "end", kind="date")
    return ResidenceSpec(**values)


DETAILS: dict[str, Callable[[BuildContext, Any], Any]] = {
    RightKind.HOUSE_OWNERSHIP: _house,
    RightKind.MORTGAGE: _mortgage,
    RightKind.ADVANCE_NOTICE: _notice,
    RightKind.SEIZURE: _seizure,
    RightKind.OBJECTION: _objection,
    RightKind.RESIDENCE: _residence,
}


def _parties(ctx: BuildContext) -> tuple[PartySpec, ...]:
    specs = []
    holders_seen = 0
    separate = bool(ctx.value("separate_certificates")) and ctx.bt.issues == "certificate"
    for party in ctx.parties:
        if party.role in UNREGISTERED_ROLES:
            continue
        holds = False
        if party.role == PartyRole.HOLDER and ctx.bt.issues == "certificate":
            holds = separate or holders_seen == 0
            holders_seen += 1
        specs.append(
            PartySpec(
                role=party.role,
                name=party.name,
                party_type=party.party_type,
                id_type=party.id_type,
                id_number=party.id_number,
                share=party.share,
                holds_certificate=holds,
                phone=party.phone,
            )
        )
    return tuple(specs)


def _remarks(ctx: BuildContext, base: Right | None) -> str:
    notes = [base.remarks.strip()] if base is not None and base.remarks.strip() else []
    if ctx.value("inheritance_basis") in INHERITANCE_NOTES:
        notes.append(INHERITANCE_NOTES[ctx.value("inheritance_basis")])
    if ctx.bt.code == "certificate_replace":
        notes.append(f"换证，原证号{base.certificate_number}" if base and base.certificate_number else "换证")
    if ctx.bt.code == "certificate_reissue":
        notes.append(f"补证，遗失（灭失）声明：{ctx.value('announcement', '')}")
    if ctx.value("matter") and ctx.bt.operation == Operation.CORRECT:
        notes.append(f"更正事项：{ctx.value('matter')}")
    if ctx.value("remarks"):
        notes.append(ctx.value("remarks"))
    return "；".join(n for n in notes if n)[:10000]


def _right(ctx: BuildContext, *, base: Right | None, keep_detail: bool = False) -> RightSpec:
    kind = ctx.bt.right_kind
    parties = _parties(ctx)
    detail = None
    if not keep_detail and kind in DETAILS:
        detail = DETAILS[kind](ctx, base.detail if base is not None else None)
    return RightSpec(
        kind=kind,
        right_type=ctx.bt.right_type,
        co_ownership=ctx.value("co_ownership", ""),
        parties=parties,
        detail=detail,
        remarks=_remarks(ctx, base),
    )


def _item(ctx: BuildContext, **kwargs: Any) -> RegistrationItem:
    return RegistrationItem(
        region_code=ctx.case.region_code,
        business_number=ctx.case.number,
        operation=Operation(ctx.bt.operation),
        registration_type=ctx.bt.registration_type,
        reason=(ctx.value("reason") or ctx.bt.name)[:500],
        **kwargs,
    )


def _unit_groups(ctx: BuildContext) -> list[tuple[str, ...]]:
    codes = [u.unit_code for u in ctx.units]
    return [(code,) for code in codes] if ctx.bt.items == "per_unit" else [tuple(codes)]


def build_items(case: Case, *, user: AnyUser) -> list[RegistrationItem]:
    """The registration items of a case, in the order they must be recorded."""
    ctx = _context(case, user)
    op = ctx.bt.operation
    if op in WITH_TARGET:
        target = ctx.target
        assert target is not None, "validated at 收件"
        common = {"unit_codes": (target.unit.code,), "target_right_ids": (target.pk,)}
        if op == Operation.CANCEL:
            return [_item(ctx, **common)]
        if op == Operation.RELEASE_SEIZURE:
            release = SeizureReleaseSpec(
                authority=ctx.value("authority"), document_number=ctx.value("document_number")
            )
            return [_item(ctx, **common, release=release)]
        keep = ctx.bt.code in {"certificate_replace", "certificate_reissue"}
        return [_item(ctx, **common, right=_right(ctx, base=target, keep_detail=keep))]
    if op == Operation.TRANSFER and ctx.target is not None:  # 抵押权转移
        common = {"unit_codes": (ctx.target.unit.code,), "target_right_ids": (ctx.target.pk,)}
        return [_item(ctx, **common, right=_right(ctx, base=ctx.target, keep_detail=True))]
    items = []
    for codes in _unit_groups(ctx):
        base = ctx.titles.get(codes[0]) if op in SUPERSEDING else None
        targets = (base.pk,) if base is not None else ()
        items.append(_item(ctx, unit_codes=codes, target_right_ids=targets, right=_right(ctx, base=base)))
    return items


def certificates_needed(case: Case, item: RegistrationItem) -> int:
    """How many numbers an item takes: one per holder when 分别持证, else one; none for
    businesses that issue nothing."""
    bt = business_type_get(case.business_type)
    if not bt.issues_document or item.right is None:
        return 0
    if bt.issues == "certificate" and case.data.get("separate_certificates"):
        holders = [p for p in item.right.parties if p.role == PartyRole.HOLDER]
        if len(holders) > 1:
            return len(holders)
    return 1


def with_numbers(item: RegistrationItem, numbers: list[str], versions: dict[str, int]) -> RegistrationItem:
    """The item with its certificate/proof numbers and the unit versions seen at 受理."""
    expected = {code: versions[code] for code in item.unit_codes if code in versions}
    if not numbers or item.right is None:
        return dataclasses.replace(item, expected_unit_versions=expected)
    parties = list(item.right.parties)
    if len(numbers) > 1:
        queue = iter(numbers)
        parties = [
            dataclasses.replace(p, certificate_number=next(queue)) if p.role == PartyRole.HOLDER else p
            for p in parties
        ]
    right = dataclasses.replace(item.right, parties=tuple(parties))
    return dataclasses.replace(
        item, certificate_number=numbers[0], right=right, expected_unit_versions=expected
    )
