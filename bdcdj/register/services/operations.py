"""The register rules, one handler per operation. Each runs after the affected units are
locked, so what it reads is what it writes against."""

from collections.abc import Callable

from bdcdj.core.errors import Conflict, InvalidInput, NotFound
from bdcdj.register.models import (
    TITLE_KINDS,
    Operation,
    PartyRole,
    Right,
    RightKind,
    RightStatus,
    SeizureDetail,
    Unit,
    attach_details,
)
from bdcdj.register.models.choices import UNIT_KINDS_FOR_RIGHT
from bdcdj.register.services.items import RightSpec
from bdcdj.register.services.specs import SeizureSpec
from bdcdj.register.services.units import require_valid
from bdcdj.register.services.writing import (
    Context,
    holder_indexes,
    parties_of,
    right_create,
    right_end,
    spec_indexes,
)
from bdcdj.register.standard_fields import (
    MORTGAGE_NOTICE_KINDS,
    PURCHASE_NOTICE_KINDS,
    QUEUED_SEIZURE_KIND,
)
from bdcdj.register.state import RightGroups

# What a seizure forbids, by the right kind being created (label for the message).
BLOCKED_BY_SEIZURE: dict[str, str] = {
    RightKind.MORTGAGE: "抵押登记",
    RightKind.ADVANCE_NOTICE: "预告登记",
    RightKind.EASEMENT: "地役权登记",
    RightKind.RESIDENCE: "居住权登记",
}
NEEDS_TITLE = frozenset({RightKind.MORTGAGE, RightKind.EASEMENT, RightKind.RESIDENCE})
# A seizure that has to wait behind another becomes 轮候; one that binds at once is not.
EFFECTIVE_SEIZURE_KIND = {"1": "1", "2": "1", "3": "3", "4": "3"}
OPERATION_LABELS = {
    Operation.TRANSFER: "转移登记",
    Operation.CHANGE: "变更登记",
    Operation.CORRECT: "更正登记",
    Operation.CANCEL: "注销登记",
    Operation.RELEASE_SEIZURE: "解封登记",
}


def _not_seized(groups: RightGroups, unit: Unit, what: str) -> None:
    if groups.is_seized:
        raise Conflict(code="unit_seized", message=f"该不动产单元已被查封，不能办理{what}（{unit.code}）")


def _warn_objection(ctx: Context, groups: RightGroups, unit: Unit) -> None:
    if groups.has_objection:
        ctx.warn(f"不动产单元 {unit.code} 存在异议登记，登记后申请人自行承担相应风险")


def _require_unit_kind(unit: Unit, kind: str) -> None:
    allowed = UNIT_KINDS_FOR_RIGHT.get(kind)
    if allowed is not None and unit.kind not in allowed:
        message = f"{RightKind(kind).label}不能登记在“{unit.get_kind_display()}”类不动产单元上（{unit.code}）"
        raise InvalidInput(code="unit_kind_mismatch", message=message, fields={"kind": message})


def _subset_or_conflict(given: set[str], recorded: set[str], *, code: str, message: str) -> None:
    """Applicants named with ID numbers must be the people the register records."""
    if given and recorded and not given <= recorded:
        raise Conflict(code=code, message=message)


def _notices_of_kind(groups: RightGroups, kinds: frozenset[str]) -> list[Right]:
    return [n for n in groups.advance_notices if n.detail is not None and n.detail.notice_kind in kinds]


def _convert_notices(ctx: Context, notices: list[Right], new: Right, new_holders: set[str]) -> None:
    """预告转本登记: a notice whose holders all hold the new right ends and points at it."""
    for notice in notices:
        holders = holder_indexes(parties_of(notice), PartyRole.NOTICE_HOLDER)
        if holders and holders <= new_holders:
            right_end(ctx, notice, status=RightStatus.HISTORIC)
            notice.detail.converted_to = new
            notice.detail.save(update_fields=["converted_to"])
            ctx.changed.append({"id": notice.pk, "unit": new.unit.code, "change": "converted", "to": new.pk})


def do_create(ctx: Context) -> None:
    spec = ctx.item.right
    assert spec is not None
    kind = spec.kind
    for unit in ctx.units.values():
        groups = ctx.groups(unit)
        require_valid(unit)
        _require_unit_kind(unit, kind)
        if kind in TITLE_KINDS and groups.title is not None:
            raise Conflict(
                code="title_exists",
                message=f"不动产单元 {unit.code} 已有现势权利，应办理转移、变更或更正登记",
            )
        if kind in BLOCKED_BY_SEIZURE:
            _not_seized(groups, unit, BLOCKED_BY_SEIZURE[kind])
        if kind in NEEDS_TITLE and groups.title is None:
            label = RightKind(kind).label
            raise Conflict(
                code="no_title",
                message=f"不动产单元 {unit.code} 没有现势的所有权或使用权，不能办理{label}登记",
            )
        extra: dict[str, object] = {}
        if kind == RightKind.MORTGAGE:
            assert groups.title is not None
            _subset_or_conflict(
                spec_indexes(spec, PartyRole.MORTGAGOR),
                holder_indexes(parties_of(groups.title), PartyRole.HOLDER),
                code="mortgagor_not_holder",
                message=f"抵押人应为不动产单元 {unit.code} 登记簿记载的权利人",
            )
            extra["rank"] = groups.next_rank()
            if _notices_of_kind(groups, PURCHASE_NOTICE_KINDS):
                ctx.warn(f"不动产单元 {unit.code} 存在买卖预告登记，抵押未经预告登记权利人同意不发生物权效力")
        if kind != RightKind.OBJECTION:
            _warn_objection(ctx, groups, unit)
        right = right_create(ctx, unit=unit, spec=spec, detail_extra=extra)
        holder_role = PartyRole.MORTGAGEE if kind == RightKind.MORTGAGE else PartyRole.HOLDER
        notice_kinds = MORTGAGE_NOTICE_KINDS if kind == RightKind.MORTGAGE else PURCHASE_NOTICE_KINDS
        if kind in TITLE_KINDS or kind == RightKind.MORTGAGE:
            new_holders = holder_indexes(ctx.parties[right.pk], holder_role)
            _convert_notices(ctx, _notices_of_kind(groups, notice_kinds), right, new_holders)
    ctx.forget()


def _targets(ctx: Context) -> list[tuple[Unit, Right]]:
    """The rights an item supersedes or ends, re-read under the unit lock."""
    item = ctx.item
    label = OPERATION_LABELS.get(item.operation, "登记")
    pairs: list[tuple[Unit, Right]] = []
    if not item.target_right_ids:
        for unit in ctx.units.values():
            title = ctx.groups(unit).title
            if title is None:
                raise Conflict(
                    code="no_title", message=f"不动产单元 {unit.code} 没有现势权利，不能办理{label}"
                )
            pairs.append((unit, title))
        return pairs
    rights = list(
        Right.objects.filter(pk__in=item.target_right_ids, region_code=item.region_code)
        .select_related("unit")
        .prefetch_related("parties")
    )
    attach_details(rights)
    found = {r.pk: r for r in rights}
    for right_id in item.target_right_ids:
        right = found.get(right_id)
        if right is None:
            raise NotFound(code="right_not_found", message=f"未找到权利：{right_id}")
        locked = ctx.units.get(right.unit.code)
        if locked is None:
            message = f"权利 {right_id} 不属于本登记事项所列的不动产单元"
            raise InvalidInput(
                code="target_not_in_units", message=message, fields={"target_right_ids": message}
            )
        if right.status != RightStatus.CURRENT:
            raise Conflict(
                code="right_not_current", message=f"权利 {right_id} 已不是现势状态，不能办理{label}"
            )
        right.unit = locked
        pairs.append((locked, right))
    return pairs


def _mortgages_allow_transfer(ctx: Context, groups: RightGroups, unit: Unit) -> None:
    """民法典 第406条: a mortgaged unit may be transferred and the mortgage follows it, unless
    the parties agreed otherwise and that agreement is registered."""
    for mortgage in groups.mortgages:
        if mortgage.detail is not None and mortgage.detail.transfer_restricted:
            raise Conflict(
                code="mortgage_restricts_transfer",
                message=f"不动产单元 {unit.code} 的抵押权约定禁止或限制转让，须先注销抵押或办理抵押变更",
            )
    if groups.mortgages:
        ctx.warn(f"不动产单元 {unit.code} 存在抵押权，抵押权不受转让影响")


def _check_transfer(ctx: Context, unit: Unit, target: Right) -> list[Right]:
    """Rules of 转移登记; returns the purchase notices the transfer will convert."""
    spec = ctx.item.right
    assert spec is not None
    groups = ctx.groups(unit)
    notices: list[Right] = []
    if target.kind in TITLE_KINDS:
        _not_seized(groups, unit, "转移登记")
        _mortgages_allow_transfer(ctx, groups, unit)
        notices = _notices_of_kind(groups, PURCHASE_NOTICE_KINDS)
        new_holders = spec_indexes(spec, PartyRole.HOLDER)
        for notice in notices:
            if not holder_indexes(parties_of(notice), PartyRole.NOTICE_HOLDER) <= new_holders:
                raise Conflict(
                    code="advance_notice_blocks",
                    message=f"不动产单元 {unit.code} 已办理预告登记，未经预告登记权利人同意不能转移给他人",
                )
    _subset_or_conflict(
        spec_indexes(spec, PartyRole.OBLIGOR),
        holder_indexes(parties_of(target), PartyRole.HOLDER),
        code="obligor_not_holder",
        message=f"义务人与不动产单元 {unit.code} 登记簿记载的权利人不一致",
    )
    _warn_objection(ctx, groups, unit)
    return notices


def _kept_detail_values(spec: RightSpec, target: Right) -> dict[str, object]:
    """Values the register assigned that a new version keeps: 抵押顺位, the 查封 queue."""
    detail = target.detail
    if detail is None:
        return {}
    if target.kind == RightKind.MORTGAGE:
        return {"rank": detail.rank}
    if target.kind == RightKind.SEIZURE:
        kind = spec.detail.seizure_kind if isinstance(spec.detail, SeizureSpec) else detail.seizure_kind
        return {
            "queue_position": detail.queue_position,
            "effective_at": detail.effective_at,
            "seizure_kind": kind,
        }
    return {}


def do_supersede(ctx: Context) -> None:
    """TRANSFER, CHANGE and CORRECT: a new version of the right replaces the current one."""
    spec = ctx.item.right
    assert spec is not None
    for unit, target in _targets(ctx):
        if spec.kind != target.kind:
            message = f"新权利的种类应与原权利一致（{target.get_kind_display()}）"
            raise InvalidInput(code="kind_mismatch", message=message, fields={"kind": message})
        notices = _check_transfer(ctx, unit, target) if ctx.item.operation == Operation.TRANSFER else []
        right_end(ctx, target, status=RightStatus.HISTORIC)
        right = right_create(
            ctx, unit=unit, spec=spec, predecessor=target, detail_extra=_kept_detail_values(spec, target)
        )
        if notices:
            _convert_notices(ctx, notices, right, holder_indexes(ctx.parties[right.pk], PartyRole.HOLDER))
    ctx.forget()


def do_cancel(ctx: Context) -> None:
    for unit, target in _targets(ctx):
        groups = ctx.groups(unit)
        if target.kind == RightKind.SEIZURE:
            message = "查封登记应通过解封登记注销"
            raise InvalidInput(code="use_release", message=message, fields={"target_right_ids": message})
        if target.kind in TITLE_KINDS and (
            groups.mortgages or groups.seizures or groups.advance_notices or groups.servitudes
        ):
            raise Conflict(
                code="title_encumbered",
                message=f"不动产单元 {unit.code} 存在现势的抵押权、查封、预告登记或地役权、居住权，不能注销",
            )
        right_end(ctx, target, status=RightStatus.TERMINATED)
    ctx.forget()


def do_seize(ctx: Context) -> None:
    """查封; on a unit already seized the new one joins the 轮候 queue."""
    spec = ctx.item.right
    assert spec is not None and spec.detail is not None
    for unit in ctx.units.values():
        seizures = ctx.groups(unit).seizures
        requested = spec.detail.seizure_kind  # type: ignore[union-attr]
        if seizures:
            position = max(s.detail.queue_position for s in seizures if s.detail is not None) + 1
            extra = {
                "queue_position": position,
                "effective_at": None,
                "seizure_kind": QUEUED_SEIZURE_KIND[requested],
            }
            ctx.warn(f"不动产单元 {unit.code} 已被查封，本次查封为轮候查封（第 {position} 位）")
        else:
            extra = {
                "queue_position": 0,
                "effective_at": ctx.registered_at,
                "seizure_kind": EFFECTIVE_SEIZURE_KIND[requested],
            }
        right_create(ctx, unit=unit, spec=spec, detail_extra=extra)
    ctx.forget()


def do_release_seizure(ctx: Context) -> None:
    """解封; when the effective seizure is lifted, the first 轮候 takes effect at that moment."""
    release = ctx.item.release
    assert release is not None
    touched: dict[int, Unit] = {}
    for unit, target in _targets(ctx):
        if target.kind != RightKind.SEIZURE:
            message = "解封登记只能注销查封登记"
            raise InvalidInput(code="not_a_seizure", message=message, fields={"target_right_ids": message})
        right_end(ctx, target, status=RightStatus.TERMINATED)
        detail = target.detail
        detail.released_at = ctx.registered_at
        detail.release_authority = release.authority.strip()
        detail.release_document = release.document_number.strip()
        detail.save(update_fields=["released_at", "release_authority", "release_document"])
        touched[unit.pk] = unit
    for unit in touched.values():
        _renumber_queue(ctx, unit)
    ctx.forget()


def _renumber_queue(ctx: Context, unit: Unit) -> None:
    remaining = list(
        SeizureDetail.objects.filter(right__unit=unit, right__status=RightStatus.CURRENT)
        .select_related("right")
        .order_by("queue_position", "right__registered_at", "right_id")
    )
    for position, detail in enumerate(remaining):
        fields = []
        if detail.queue_position != position:
            ctx.changed.append(
                {
                    "id": detail.right_id,
                    "unit": unit.code,
                    "change": "queue",
                    "from": detail.queue_position,
                    "to": position,
                }
            )
            detail.queue_position = position
            fields.append("queue_position")
        if position == 0 and detail.effective_at is None:
            detail.effective_at = ctx.registered_at
            fields.append("effective_at")
            ctx.changed.append({"id": detail.right_id, "unit": unit.code, "change": "seizure_effective"})
            ctx.warn(f"不动产单元 {unit.code} 的轮候查封（权利 {detail.right_id}）自解封时起生效")
        if fields:
            detail.save(update_fields=fields)


def do_add_units(ctx: Context) -> None:
    """Units only (权籍调查成果入库); `record` already created them."""


HANDLERS: dict[str, Callable[[Context], None]] = {
    Operation.ADD_UNITS: do_add_units,
    Operation.CREATE: do_create,
    Operation.TRANSFER: do_supersede,
    Operation.CHANGE: do_supersede,
    Operation.CORRECT: do_supersede,
    Operation.CANCEL: do_cancel,
    Operation.SEIZE: do_seize,
    Operation.RELEASE_SEIZURE: do_release_seizure,
}
