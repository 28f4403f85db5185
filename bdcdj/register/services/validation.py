"""Everything about a registration item that can be checked without the register's current
state: codes, dictionaries, shares, areas, amounts and dates. Runs before the transaction;
all problems are reported at once as one InvalidInput with per-field Chinese messages.
"""

import dataclasses
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import DateField
from django.utils import timezone

from bdcdj.core.errors import InvalidInput, invalid_fields
from bdcdj.register.models import (
    DETAIL_MODELS,
    TITLE_KINDS,
    Operation,
    RightKind,
    UnitKind,
)
from bdcdj.register.models.choices import ALLOWED_ROLES, HOLDER_ROLE, SUPERSEDING_OPERATIONS, PartyRole
from bdcdj.register.services import build, codes
from bdcdj.register.services.items import DETAIL_REQUIRED, DETAIL_SPECS, RegistrationItem, RightSpec
from bdcdj.register.services.specs import MortgageSpec
from bdcdj.register.standard_fields import (
    DICTIONARY_OF_FIELD,
    FREE_TEXT_FIELDS,
    JOINT_OWNERSHIP,
    MAXIMUM_MORTGAGE,
    ORDINARY_MORTGAGE,
    OWN_REGISTRATION_TYPE,
    REGISTRATION_TYPES,
    RIGHT_TYPES_BY_KIND,
    SHARES_OWNERSHIP,
    SOLE_OWNERSHIP,
    WHOLE_AMOUNT_TYPE,
)
from bdcdj.standards.selectors import dictionary_require

# Money is registered in 万元. A household's price or mortgage above 100,000 万元 (10 亿元) is
# not plausible: almost always the amount was typed in 元. Checked for house units unless the
# amount covers several units as a whole (抵押金额类型 1).
HOUSEHOLD_AMOUNT_MAX_WAN = Decimal("100000")
# No single amount of any unit kind goes above 10,000,000 万元 (1,000 亿元).
ANY_AMOUNT_MAX_WAN = Decimal("10000000")
AMOUNT_FIELDS = ("price", "secured_amount", "maximum_amount", "fee_total")
# (start, end) date fields on the detail specs; the end may not precede the start.
DATE_PAIRS = (("start", "end"), ("land_use_start", "land_use_end"), ("debt_start", "debt_end"))
# Registration times may run ahead of this server's clock by at most this much.
CLOCK_SKEW = timedelta(minutes=5)
SHARE_TOTAL = Decimal("100")


def validate_item(item: RegistrationItem) -> None:
    errors: dict[str, str] = {}
    _check_text(item, "", errors)
    if errors:  # NUL characters: nothing else is worth reading
        raise invalid_fields(errors)
    _check_header(item, errors)
    _check_new_units(item, errors)
    _check_unit_codes(item, errors)
    _check_shape(item, errors)
    if item.right is not None:
        _check_right(item, item.right, errors)
    if errors:
        raise invalid_fields(errors)


def _check_text(value: Any, path: str, errors: dict[str, str]) -> None:
    """Reject NUL characters anywhere: PostgreSQL cannot store them in text or JSON."""
    if isinstance(value, str):
        if "\x00" in value:
            errors[path or "item"] = "包含不允许的控制字符"
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _check_text(getattr(value, f.name), f"{path}.{f.name}" if path else f.name, errors)
    elif isinstance(value, tuple):
        for index, element in enumerate(value):
            _check_text(element, f"{path}[{index}]", errors)


def _dictionary(dictionary: str, value: str, field: str, errors: dict[str, str]) -> None:
    """Blank means "not given"; required codes are checked by the caller."""
    if not value or field in errors:
        return
    try:
        dictionary_require(code=dictionary, value=value, field=field)
    except InvalidInput as exc:
        errors[field] = exc.fields.get(field, exc.message)


def _check_header(item: RegistrationItem, errors: dict[str, str]) -> None:
    try:
        codes.unit_code.validate_region_code(item.region_code, field="region_code")
    except InvalidInput as exc:
        errors.update(exc.fields)
    if not item.business_number.strip():
        errors["business_number"] = "业务号必填"
    elif len(item.business_number) > 50:
        errors["business_number"] = "业务号最长50个字符"
    if item.operation not in Operation.values:
        errors["operation"] = f"未知的登记操作：{item.operation}"
        return
    if item.operation == Operation.ADD_UNITS:
        if item.registration_type:
            _dictionary("DJLX", item.registration_type, "registration_type", errors)
    elif not item.registration_type:
        errors["registration_type"] = "登记类型必填"
    else:
        _dictionary("DJLX", item.registration_type, "registration_type", errors)
        if "registration_type" not in errors:
            _check_registration_type(item, errors)
    if len(item.reason) > 500:
        errors["reason"] = "登记原因最长500个字符"
    if len(item.certificate_number) > 100:
        errors["certificate_number"] = "证书号最长100个字符"
    if item.registered_at is not None:
        if timezone.is_naive(item.registered_at):
            errors["registered_at"] = "登簿时间须带时区"
        elif item.registered_at > timezone.now() + CLOCK_SKEW:
            errors["registered_at"] = "登簿时间不能晚于当前时间"
    for code, version in item.expected_unit_versions.items():
        if not isinstance(version, int) or version < 0:
            errors[f"expected_unit_versions.{code}"] = "版本号应为非负整数"


def _check_registration_type(item: RegistrationItem, errors: dict[str, str]) -> None:
    kind = item.right.kind if item.right else ""
    own = OWN_REGISTRATION_TYPE.get(kind, "")
    if item.operation == Operation.CREATE and own:
        allowed = frozenset({own})
    else:
        allowed = REGISTRATION_TYPES.get(item.operation, frozenset()) | ({own} if own else set())
    # Cancelling an objection or advance notice may carry its own type; the kind is known only
    # from the target, so CANCEL accepts both own types.
    if item.operation == Operation.CANCEL:
        allowed = allowed | set(OWN_REGISTRATION_TYPE.values())
    if item.registration_type not in allowed:
        listed = "、".join(sorted(allowed))
        errors["registration_type"] = f"该登记操作的登记类型应为 {listed}，实际为 {item.registration_type}"


def _check_new_units(item: RegistrationItem, errors: dict[str, str]) -> None:
    region = item.region_code
    for index, spec in enumerate(item.parcels):
        field = f"parcels[{index}].code"
        try:
            codes.check_parcel_code(spec.code, field=field)
        except codes.UnitCodeError as exc:
            errors.update(exc.fields)
            continue
        if message := codes.region_mismatch(codes.normalize(spec.code), region):
            errors[field] = message
            continue
        parcel = build.parcel_from_spec(spec, region_code=region)
        build.clean(parcel, prefix=f"parcels[{index}].", errors=errors)
        _check_codes_of(spec, f"parcels[{index}].", errors)
    for index, bspec in enumerate(item.buildings):
        field = f"buildings[{index}].code"
        try:
            codes.check_building_code(bspec.code, field=field)
        except codes.UnitCodeError as exc:
            errors.update(exc.fields)
            continue
        if message := codes.region_mismatch(codes.normalize(bspec.code), region):
            errors[field] = message
            continue
        build.clean(
            build.building_from_spec(bspec, region_code=region), prefix=f"buildings[{index}].", errors=errors
        )
        _check_codes_of(bspec, f"buildings[{index}].", errors)
        for lindex, lspec in enumerate(bspec.logical_buildings):
            prefix = f"buildings[{index}].logical_buildings[{lindex}]."
            build.clean(
                build.logical_building_from_spec(lspec, region_code=region), prefix=prefix, errors=errors
            )
            _check_codes_of(lspec, prefix, errors)
    seen: set[str] = set()
    for index, uspec in enumerate(item.units):
        field = f"units[{index}].code"
        try:
            parsed = codes.parse_code(uspec.code, field=field)
        except codes.UnitCodeError as exc:
            errors.update(exc.fields)
            continue
        if message := codes.region_mismatch(parsed.raw, region):
            errors[field] = message
            continue
        if parsed.raw in seen:
            errors[field] = "同一登记事项中不动产单元号重复"
        seen.add(parsed.raw)
        if uspec.kind and uspec.kind not in UnitKind.values:
            errors[f"units[{index}].kind"] = f"未知的单元类别：{uspec.kind}"
        elif uspec.kind and build.unit_kind_for(parsed.raw, uspec.kind) != uspec.kind:
            errors[f"units[{index}].kind"] = "单元类别与不动产单元号的定着物特征码不符"
        build.clean(build.unit_from_spec(uspec, region_code=region), prefix=f"units[{index}].", errors=errors)
        _check_codes_of(uspec, f"units[{index}].", errors)


def _check_unit_codes(item: RegistrationItem, errors: dict[str, str]) -> None:
    for index, code in enumerate(item.unit_codes):
        field = f"unit_codes[{index}]"
        try:
            parsed = codes.parse_code(code, field=field)
        except codes.UnitCodeError as exc:
            errors.update(exc.fields)
            continue
        if message := codes.region_mismatch(parsed.raw, item.region_code):
            errors[field] = message


def _check_shape(item: RegistrationItem, errors: dict[str, str]) -> None:
    """Which parts each operation needs and which it must not carry."""
    op = item.operation
    if op not in Operation.values:
        return
    needs_right = op in {Operation.CREATE, Operation.SEIZE, *SUPERSEDING_OPERATIONS}
    if needs_right and item.right is None:
        errors["right"] = "该登记操作须填写权利信息"
    if not needs_right and item.right is not None:
        errors["right"] = "该登记操作不应填写权利信息"
    if op == Operation.ADD_UNITS and not (item.parcels or item.buildings or item.units):
        errors["units"] = "单元入库须至少包含一个宗地、自然幢或不动产单元"
    if op in {Operation.CANCEL, Operation.RELEASE_SEIZURE} and not item.target_right_ids:
        errors["target_right_ids"] = "须指定要注销或解封的权利"
    if op == Operation.RELEASE_SEIZURE:
        if item.release is None:
            errors["release"] = "解封须填写解封机关和解封文号"
        else:
            if not item.release.authority.strip():
                errors["release.authority"] = "解封机关必填"
            if not item.release.document_number.strip():
                errors["release.document_number"] = "解封文号必填"
    elif item.release is not None:
        errors["release"] = "只有解封登记填写解封信息"
    if op in {Operation.CREATE, Operation.SEIZE} and not item.affected_codes():
        errors["unit_codes"] = "须指定不动产单元"
    if op in {Operation.TRANSFER, Operation.CHANGE, Operation.CORRECT} and not (
        item.unit_codes or item.target_right_ids
    ):
        errors["unit_codes"] = "须指定不动产单元或要变动的权利"
    if item.right is not None:
        kind = item.right.kind
        if op == Operation.SEIZE and kind != RightKind.SEIZURE:
            errors["kind"] = "查封操作的权利种类应为查封登记"
        if op == Operation.CREATE and kind == RightKind.SEIZURE:
            errors["kind"] = "查封登记请使用查封操作"


def _check_right(item: RegistrationItem, spec: RightSpec, errors: dict[str, str]) -> None:
    kind = spec.kind
    if kind not in RightKind.values:
        errors["kind"] = f"未知的权利种类：{kind}"
        return
    if spec.right_type:
        _dictionary("QLLX", spec.right_type, "right_type", errors)
        if "right_type" not in errors and spec.right_type not in RIGHT_TYPES_BY_KIND[kind]:
            errors["right_type"] = f"权利类型 {spec.right_type} 与权利种类“{RightKind(kind).label}”不符"
    elif kind in TITLE_KINDS and item.operation in {Operation.CREATE, Operation.TRANSFER}:
        errors["right_type"] = "权利类型必填"
    if len(spec.remarks) > 10000:
        errors["remarks"] = "附记过长"
    _dictionary("GYFS", spec.co_ownership, "co_ownership", errors)
    keep_parties = item.operation in {Operation.CHANGE, Operation.CORRECT} and not spec.parties
    if not keep_parties:
        _check_parties(item, spec, errors)
    _check_detail(item, spec, errors)


def _check_parties(item: RegistrationItem, spec: RightSpec, errors: dict[str, str]) -> None:
    kind = spec.kind
    allowed = ALLOWED_ROLES[kind]
    holder_role = HOLDER_ROLE[kind]
    for index, party in enumerate(spec.parties):
        prefix = f"parties[{index}]."
        if party.role not in allowed:
            errors[prefix + "role"] = f"“{RightKind(kind).label}”不能有此类当事人"
        if not party.name.strip():
            errors[prefix + "name"] = "名称必填"
        elif len(party.name.strip()) > 200:
            errors[prefix + "name"] = "名称最长200个字符"
        _dictionary("QLRLX", party.party_type, prefix + "party_type", errors)
        if not party.party_type:
            errors[prefix + "party_type"] = "权利人类型必填"
        _dictionary("ZJZL", party.id_type, prefix + "id_type", errors)
        if party.id_number.strip() and not party.id_type:
            errors[prefix + "id_type"] = "填写证件号时须填写证件种类"
        if len(party.id_number.strip()) > 50:
            errors[prefix + "id_number"] = "证件号最长50个字符"
        if party.share is not None:
            _check_decimal(party.share, 4, prefix + "share", errors)
            if not Decimal("0") < party.share <= SHARE_TOTAL:
                errors[prefix + "share"] = "份额应大于0且不超过100"
        if party.holds_certificate and len(party.certificate_number) > 100:
            errors[prefix + "certificate_number"] = "证书号最长100个字符"
    holders = [p for p in spec.parties if p.role == holder_role]
    if kind == RightKind.SEIZURE:
        return  # the seizing authority is on the detail; parties are optional
    if not holders:
        errors.setdefault("parties", f"须至少有一名{PartyRole(holder_role).label}")
        return
    _check_shares(spec, holders, errors)


def _check_shares(spec: RightSpec, holders: list[Any], errors: dict[str, str]) -> None:
    mode = spec.co_ownership or (SOLE_OWNERSHIP if len(holders) == 1 else "")
    if not mode:
        errors.setdefault("co_ownership", "有多个权利人时须填写共有方式")
    elif mode == SOLE_OWNERSHIP and len(holders) != 1:
        errors.setdefault("parties", f"单独所有只能有一名权利人，实际为{len(holders)}名")
    elif mode == JOINT_OWNERSHIP and len(holders) < 2:
        errors.setdefault("parties", "共同共有须至少有两名权利人")
    elif mode == SHARES_OWNERSHIP:
        if any(h.share is None for h in holders):
            errors.setdefault("parties", "按份共有时每名权利人都须填写份额")
            return
        total = sum((h.share for h in holders), Decimal("0"))
        if total != SHARE_TOTAL:
            errors.setdefault(
                "parties", f"按份共有的权利人份额合计应为100%，实际合计为{total.normalize():f}%"
            )


def _check_decimal(value: Any, places: int, field: str, errors: dict[str, str]) -> None:
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        errors[field] = "应为数字（Decimal）"
    elif isinstance(value, Decimal) and not value.is_finite():
        errors[field] = "应为有限数字"
    elif isinstance(value, Decimal) and value.as_tuple().exponent < -places:  # type: ignore[operator]
        errors[field] = f"最多{places}位小数"


def _check_detail(item: RegistrationItem, spec: RightSpec, errors: dict[str, str]) -> None:
    kind, detail = spec.kind, spec.detail
    if detail is None:
        if kind in DETAIL_REQUIRED and item.operation in {Operation.CREATE, Operation.SEIZE}:
            errors["detail"] = "须填写该权利种类的登记内容"
        return
    expected = DETAIL_SPECS[kind]
    if not isinstance(detail, expected) or not dataclasses.is_dataclass(detail):
        errors["detail"] = f"登记内容类型应为 {expected.__name__}"
        return
    spec_name = type(detail).__name__
    model = DETAIL_MODELS[kind]
    for f in dataclasses.fields(detail):
        value = getattr(detail, f.name)
        dictionary = DICTIONARY_OF_FIELD.get(f.name)
        if dictionary and (spec_name, f.name) not in FREE_TEXT_FIELDS and isinstance(value, str):
            _dictionary(dictionary, value, f"detail.{f.name}", errors)
        is_date_field = isinstance(model._meta.get_field(f.name), DateField)
        if (
            is_date_field
            and value is not None
            and (isinstance(value, datetime) or not isinstance(value, date))
        ):
            errors[f"detail.{f.name}"] = "应为日期"
    for start, end in DATE_PAIRS:
        a, b = getattr(detail, start, None), getattr(detail, end, None)
        if isinstance(a, date) and isinstance(b, date) and a > b:
            errors[f"detail.{end}"] = "结束日期不能早于起始日期"
    # The register assigns the mortgage rank itself.
    build.clean(build.detail_from_spec(kind, detail), prefix="detail.", errors=errors, exclude=("rank",))
    house = any(code[19:20] == "F" for code in item.affected_codes())
    check_amounts(detail, on_house_units=house, errors=errors)
    if isinstance(detail, MortgageSpec):
        if detail.method == ORDINARY_MORTGAGE and detail.secured_amount is None:
            errors.setdefault("detail.secured_amount", "一般抵押须填写被担保主债权数额")
        if detail.method == MAXIMUM_MORTGAGE and detail.maximum_amount is None:
            errors.setdefault("detail.maximum_amount", "最高额抵押须填写最高债权额")


def check_amounts(detail: Any, *, on_house_units: bool, errors: dict[str, str]) -> None:
    """Amounts in 万元: not negative, at most 4 decimals, and not so large that they were
    evidently typed in 元 (see HOUSEHOLD_AMOUNT_MAX_WAN)."""
    whole = getattr(detail, "amount_type", "") == WHOLE_AMOUNT_TYPE
    limit = HOUSEHOLD_AMOUNT_MAX_WAN if on_house_units and not whole else ANY_AMOUNT_MAX_WAN
    for name in AMOUNT_FIELDS:
        value = getattr(detail, name, None)
        field = f"detail.{name}"
        if value is None or field in errors:
            continue
        _check_decimal(value, 4, field, errors)
        if field in errors:
            continue
        if value < 0:
            errors[field] = "金额不能为负数"
        elif value > limit:
            errors[field] = (
                f"金额 {value} 万元明显过大，疑似按“元”填写；登记簿金额单位为万元"
                f"（{value} 元 = {(Decimal(value) / 10000).normalize():f} 万元）"
            )


def _check_codes_of(spec: Any, prefix: str, errors: dict[str, str]) -> None:
    """Dictionary codes on unit, building and parcel specs."""
    for f in dataclasses.fields(spec):
        dictionary = DICTIONARY_OF_FIELD.get(f.name)
        value = getattr(spec, f.name)
        if dictionary and isinstance(value, str):
            _dictionary(dictionary, value, prefix + f.name, errors)
