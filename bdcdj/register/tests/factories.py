"""Small factories for register tests: users of a district and registration items built the
way the cases app builds them. Every write goes through `record`."""

import itertools
from dataclasses import replace
from datetime import date
from decimal import Decimal

from bdcdj.accounts.models import PagePermission, Role, User, UserRole, UserTenant
from bdcdj.register.models import Operation, PartyRole, Right, RightKind, Unit
from bdcdj.register.services import (
    AdvanceNoticeSpec,
    BuildingSpec,
    HouseOwnershipSpec,
    MortgageSpec,
    ObjectionSpec,
    ParcelSpec,
    PartySpec,
    RecordResult,
    RegistrationItem,
    RightSpec,
    SeizureReleaseSpec,
    SeizureSpec,
    UnitSpec,
    record,
)

REGION = "340121"  # 长丰县
OTHER_REGION = "340122"  # 肥东县
PARCEL = "340121001001GB00001"
OTHER_PARCEL = "340122001001GB00001"

_numbers = itertools.count(1)

SELLER = PartySpec(role=PartyRole.HOLDER, name="张小三", id_type="1", id_number="340121199001011234")
BUYER = PartySpec(role=PartyRole.HOLDER, name="李四", id_type="1", id_number="34012119920202567X")
BANK = PartySpec(
    role=PartyRole.MORTGAGEE,
    name="中国建设银行股份有限公司长丰支行",
    party_type="2",
    id_type="8",
    id_number="91340121MA2N0000X1",
)


def business_number() -> str:
    return f"2024-{next(_numbers):06d}"


def make_user(
    username: str = "",
    *,
    regions: tuple[str, ...] = (REGION,),
    pages: tuple[str, ...] = ("register.units",),
    pii: bool = False,
) -> User:
    user = User.objects.create_user(
        username=username or f"reg{next(_numbers)}", password=None, display_name="王登簿"
    )
    for region in regions:
        UserTenant.objects.create(user=user, region_code=region)
    role = Role.objects.create(code=f"r{user.pk}", name=f"测试角色{user.pk}", can_view_pii=pii)
    for page in pages:
        PagePermission.objects.create(role=role, page=page, level=PagePermission.Level.READ)
    UserRole.objects.create(user=user, role=role)
    return user


def house_code(building: int = 1, household: int = 1, parcel: str = PARCEL) -> str:
    return f"{parcel}F{building:04d}{household:04d}"


def as_holder(party: PartySpec, role: str = PartyRole.HOLDER, **changes: object) -> PartySpec:
    return replace(party, role=role, **changes)


def house_units(count: int, *, building: int = 1, parcel: str = PARCEL) -> tuple[UnitSpec, ...]:
    return tuple(
        UnitSpec(
            code=house_code(building, n, parcel),
            location=f"长丰县水湖镇幸福路1号{building}幢{100 + n}室",
            room_label=f"{100 + n}",
            floor=1 + (n - 1) // 4,
            planned_use="11",
            house_type="1",
            structure="3",
            built_area=Decimal("89.50"),
            exclusive_area=Decimal("75.20"),
            shared_area=Decimal("14.30"),
        )
        for n in range(1, count + 1)
    )


def first_registration(
    *,
    households: int = 2,
    building: int = 1,
    parcel: str = PARCEL,
    with_parcel: bool = True,
    holders: tuple[PartySpec, ...] = (SELLER,),
    co_ownership: str = "",
) -> RegistrationItem:
    """首次登记 of a building with its households to one owner (the developer's case)."""
    region = parcel[:6]
    return RegistrationItem(
        region_code=region,
        business_number=business_number(),
        operation=Operation.CREATE,
        registration_type="100",
        reason="首次登记",
        parcels=(
            ParcelSpec(
                code=parcel, location="长丰县水湖镇幸福路1号", area=Decimal("12000.00"), land_use="071"
            ),
        )
        if with_parcel
        else (),
        buildings=(
            BuildingSpec(
                code=f"{parcel}F{building:04d}",
                location=f"长丰县水湖镇幸福路1号{building}幢",
                name=f"{building}号楼",
                floors_above=6,
                total_households=households,
                structure="3",
                planned_use="11",
                built_area=Decimal("2000.00"),
                completed_on=date(2020, 6, 30),
            ),
        ),
        units=house_units(households, building=building, parcel=parcel),
        right=RightSpec(
            kind=RightKind.HOUSE_OWNERSHIP,
            right_type="4",
            co_ownership=co_ownership,
            parties=holders,
            detail=HouseOwnershipSpec(land_use_start=date(2010, 1, 1), land_use_end=date(2080, 12, 31)),
        ),
    )


def registered_house(registrar: User, **kwargs: object) -> tuple[Unit, Right]:
    result = record(item=first_registration(households=1, **kwargs), by=registrar)  # type: ignore[arg-type]
    right = result.rights_created[0]
    return right.unit, right


def transfer(
    unit: Unit,
    *,
    target: Right | None = None,
    buyers: tuple[PartySpec, ...] = (BUYER,),
    seller: PartySpec | None = SELLER,
    price: Decimal | None = Decimal("120.5000"),
    co_ownership: str = "",
) -> RegistrationItem:
    parties = buyers + ((as_holder(seller, PartyRole.OBLIGOR),) if seller else ())
    return RegistrationItem(
        region_code=unit.region_code,
        business_number=business_number(),
        operation=Operation.TRANSFER,
        registration_type="200",
        reason="买卖",
        unit_codes=(unit.code,),
        target_right_ids=(target.pk,) if target else (),
        right=RightSpec(
            kind=RightKind.HOUSE_OWNERSHIP,
            right_type="4",
            co_ownership=co_ownership,
            parties=parties,
            detail=HouseOwnershipSpec(price=price),
        ),
    )


def mortgage(
    unit: Unit,
    *,
    amount: Decimal = Decimal("80.0000"),
    mortgagee: PartySpec = BANK,
    mortgagor: PartySpec | None = SELLER,
    method: str = "1",
    transfer_restricted: bool = False,
) -> RegistrationItem:
    parties = (mortgagee,) + ((as_holder(mortgagor, PartyRole.MORTGAGOR),) if mortgagor else ())
    return RegistrationItem(
        region_code=unit.region_code,
        business_number=business_number(),
        operation=Operation.CREATE,
        registration_type="100",
        reason="抵押借款",
        unit_codes=(unit.code,),
        right=RightSpec(
            kind=RightKind.MORTGAGE,
            right_type="37",
            parties=parties,
            detail=MortgageSpec(
                method=method,
                secured_amount=amount if method == "1" else None,
                maximum_amount=amount if method == "2" else None,
                debt_start=date(2024, 1, 1),
                debt_end=date(2044, 1, 1),
                property_type="2",
                transfer_restricted=transfer_restricted,
            ),
        ),
    )


def seizure(unit: Unit, *, document: str = "（2024）皖0121执123号", kind: str = "1") -> RegistrationItem:
    return RegistrationItem(
        region_code=unit.region_code,
        business_number=business_number(),
        operation=Operation.SEIZE,
        registration_type="800",
        reason="人民法院查封",
        unit_codes=(unit.code,),
        right=RightSpec(
            kind=RightKind.SEIZURE,
            right_type="98",
            detail=SeizureSpec(
                authority="长丰县人民法院",
                document_number=document,
                seizure_kind=kind,
                start=date(2024, 3, 1),
                end=date(2027, 2, 28),
                scope="该不动产单元",
            ),
        ),
    )


def release(seizure_right: Right) -> RegistrationItem:
    return RegistrationItem(
        region_code=seizure_right.region_code,
        business_number=business_number(),
        operation=Operation.RELEASE_SEIZURE,
        registration_type="800",
        reason="解除查封",
        target_right_ids=(seizure_right.pk,),
        release=SeizureReleaseSpec(authority="长丰县人民法院", document_number="（2024）皖0121执123号之一"),
    )


def cancel(right: Right, *, registration_type: str = "400") -> RegistrationItem:
    return RegistrationItem(
        region_code=right.region_code,
        business_number=business_number(),
        operation=Operation.CANCEL,
        registration_type=registration_type,
        reason="注销",
        target_right_ids=(right.pk,),
    )


def objection(unit: Unit, *, applicant: PartySpec = BUYER) -> RegistrationItem:
    return RegistrationItem(
        region_code=unit.region_code,
        business_number=business_number(),
        operation=Operation.CREATE,
        registration_type="600",
        reason="利害关系人异议",
        unit_codes=(unit.code,),
        right=RightSpec(
            kind=RightKind.OBJECTION,
            parties=(as_holder(applicant, PartyRole.OBJECTION_APPLICANT),),
            detail=ObjectionSpec(
                matter="对房屋所有权归属有异议", start=date(2024, 5, 1), end=date(2024, 5, 16)
            ),
        ),
    )


def purchase_notice(unit: Unit, *, buyer: PartySpec = BUYER, seller: PartySpec = SELLER) -> RegistrationItem:
    return RegistrationItem(
        region_code=unit.region_code,
        business_number=business_number(),
        operation=Operation.CREATE,
        registration_type="700",
        reason="预售商品房买卖",
        unit_codes=(unit.code,),
        right=RightSpec(
            kind=RightKind.ADVANCE_NOTICE,
            right_type="96",
            parties=(
                as_holder(buyer, PartyRole.NOTICE_HOLDER),
                as_holder(seller, PartyRole.NOTICE_OBLIGOR),
            ),
            detail=AdvanceNoticeSpec(notice_kind="1", price=Decimal("150.0000")),
        ),
    )


def apply(item: RegistrationItem, by: User) -> RecordResult:
    return record(item=item, by=by)
