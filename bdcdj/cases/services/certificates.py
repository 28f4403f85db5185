"""The wording of a 不动产权证书 and a 不动产登记证明, read from what 登簿 wrote.

Certificates carry names in clear (they are the holder's legal document); they are composed
in memory, rendered to PDF and stored, never logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from bdcdj.accounts import pii
from bdcdj.cases.models import CaseCertificate
from bdcdj.register.models import PartyRole, Right, RightKind
from bdcdj.register.models.choices import HOLDER_ROLE
from bdcdj.standards.selectors import dictionary_label

OBLIGOR_ROLE: dict[str, str] = {
    RightKind.MORTGAGE: PartyRole.MORTGAGOR,
    RightKind.ADVANCE_NOTICE: PartyRole.NOTICE_OBLIGOR,
    RightKind.RESIDENCE: PartyRole.OBLIGOR,
}
CO_OWNERSHIP = {"0": "单独所有", "1": "共同共有", "2": "按份共有", "3": "其它共有"}


def _label(dictionary: str, value: str | None) -> str:
    if not value:
        return ""
    return dictionary_label(code=dictionary, value=value) or value


def _day(value: date | None) -> str:
    return f"{value.year}年{value.month:02d}月{value.day:02d}日" if value else ""


def _money(value: Decimal | None) -> str:
    return f"{value.normalize():f}万元" if value is not None else ""


def _area(value: Decimal | None) -> str:
    return f"{value:.2f}㎡" if value is not None else ""


def _names(right: Right, role: str) -> list[str]:
    return [pii.decrypt_text(p.name_enc) for p in right.parties.all() if p.role == role]


def _join(*parts: str, sep: str = "；") -> str:
    return sep.join(p for p in parts if p)


def _co_ownership(right: Right) -> str:
    holders = [p for p in right.parties.all() if p.role == HOLDER_ROLE[right.kind]]
    mode = CO_OWNERSHIP.get(right.co_ownership, "单独所有")
    if right.co_ownership == "2":
        shares = "、".join(
            f"{pii.decrypt_text(p.name_enc)} {p.share.normalize():f}%" for p in holders if p.share is not None
        )
        return f"{mode}（{shares}）"
    return mode


def _term(detail: Any) -> str:
    start, end = getattr(detail, "land_use_start", None), getattr(detail, "land_use_end", None)
    if start or end:
        return f"国有建设用地使用权 {_day(start)}起{_day(end)}止"
    return ""


def title_rows(rights: Sequence[Right], certificate: CaseCertificate) -> tuple[tuple[str, str], ...]:
    """不动产权证书: 权利人, 共有情况, 坐落, 不动产单元号, 权利类型, 权利性质, 用途, 面积,
    使用期限, 权利其他状况, 附记."""
    right = rights[0]
    detail = right.detail
    parcel = right.unit.parcel
    holders = "、".join(_names(right, HOLDER_ROLE[right.kind]))
    nature = _join(
        _label("QLXZ", parcel.right_nature), _label("FWXZ", getattr(detail, "house_nature", "")), sep="/"
    )
    use = _join(_label("TDYT", parcel.land_use), _label("FWYT", getattr(detail, "planned_use", "")), sep="/")
    area = _join(
        f"共有宗地面积{_area(parcel.area)}" if parcel.area else "",
        f"房屋建筑面积{_area(getattr(detail, 'built_area', None))}"
        if getattr(detail, "built_area", None)
        else "",
        sep="/",
    )
    floors = ""
    if getattr(detail, "floor_no", None) is not None:
        floors = f"所在层{detail.floor_no}" + (f"/总层数{detail.total_floors}" if detail.total_floors else "")
    other = _join(
        f"专有建筑面积{_area(detail.exclusive_area)}" if getattr(detail, "exclusive_area", None) else "",
        f"分摊建筑面积{_area(detail.shared_area)}" if getattr(detail, "shared_area", None) else "",
        f"房屋结构：{_label('FWJG', detail.structure)}" if getattr(detail, "structure", "") else "",
        floors,
    )
    remarks = right.remarks
    if certificate.holder is not None and len(_names(right, HOLDER_ROLE[right.kind])) > 1:
        remarks = _join(f"本证持证人：{pii.decrypt_text(certificate.holder.name_enc)}", remarks)
    return (
        ("权利人", holders),
        ("共有情况", _co_ownership(right)),
        ("坐落", right.unit.location),
        ("不动产单元号", right.unit.code),
        ("权利类型", _label("QLLX", right.right_type)),
        ("权利性质", nature),
        ("用途", use),
        ("面积", area),
        ("使用期限", _term(detail)),
        ("权利其他状况", other),
        ("附记", remarks),
    )


def _matter(right: Right) -> str:
    detail = right.detail
    if right.kind == RightKind.ADVANCE_NOTICE and detail is not None:
        return f"预告登记（{_label('YGDJZL', detail.notice_kind)}）"
    return right.get_kind_display()


def _other(right: Right) -> str:
    detail = right.detail
    if detail is None:
        return ""
    if right.kind == RightKind.MORTGAGE:
        amount = (
            f"最高债权额：{_money(detail.maximum_amount)}"
            if detail.method == "2"
            else f"被担保主债权数额：{_money(detail.secured_amount)}"
        )
        return _join(
            f"抵押方式：{_label('DYFS', detail.method)}",
            amount,
            f"债务履行期限：{_day(detail.debt_start)}起{_day(detail.debt_end)}止",
            f"抵押顺位：{detail.rank}",
            f"担保范围：{detail.guarantee_scope}" if detail.guarantee_scope else "",
            "存在禁止或限制转让抵押不动产的约定" if detail.transfer_restricted else "",
        )
    if right.kind == RightKind.ADVANCE_NOTICE:
        return _join(f"取得价格/被担保主债权数额：{_money(detail.price)}" if detail.price is not None else "")
    if right.kind == RightKind.OBJECTION:
        return _join(f"异议事项：{detail.matter}", f"异议期限：{_day(detail.start)}起{_day(detail.end)}止")
    if right.kind == RightKind.RESIDENCE:
        end = _day(detail.end) + "止" if detail.end else "居住权人终身"
        return _join(f"居住权期限：{_day(detail.start)}起{end}", detail.conditions)
    return ""


def proof_rows(rights: Sequence[Right]) -> tuple[tuple[str, str], ...]:
    """不动产登记证明: 证明权利或事项, 权利人（申请人）, 义务人, 坐落, 不动产单元号, 其他, 附记."""
    right = rights[0]
    holders = "、".join(_names(right, HOLDER_ROLE[right.kind]))
    obligor_role = OBLIGOR_ROLE.get(right.kind)
    obligors = "、".join(_names(right, obligor_role)) if obligor_role else ""
    return (
        ("证明权利或事项", _matter(right)),
        ("权利人（申请人）", holders),
        ("义务人", obligors),
        ("坐落", "；".join(dict.fromkeys(r.unit.location for r in rights))),
        ("不动产单元号", "；".join(r.unit.code for r in rights)),
        ("其他", _other(right)),
        ("附记", right.remarks),
    )
