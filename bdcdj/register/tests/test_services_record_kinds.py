"""Every right kind of TD/T 1066 can be registered with its typed detail on a fitting unit."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from bdcdj.register.models import Operation, Parcel, PartyRole, RightKind, UnitKind
from bdcdj.register.services import (
    AgriculturalSpec,
    CommonPartsSpec,
    EasementSpec,
    ForestSpec,
    HouseProjectSpec,
    LandOwnershipSpec,
    LandUseSpec,
    OtherRightSpec,
    ParcelSpec,
    RegistrationItem,
    ResidenceSpec,
    RightSpec,
    SeaUseSpec,
    StructureSpec,
    UnitSpec,
    record,
)
from bdcdj.register.tests import factories as f

COLLECTIVE = replace(
    f.SELLER,
    name="长丰县水湖镇幸福村股份经济合作社",
    party_type="99",
    id_type="8",
    id_number="N2340121MF0000001X",
)


def _item(
    unit_code: str, kind: str, right_type: str, detail: object, *, unit_kind: str = "", holder=f.SELLER
) -> RegistrationItem:
    parcel = unit_code[:19]
    return RegistrationItem(
        region_code=f.REGION,
        business_number=f.business_number(),
        operation=Operation.CREATE,
        registration_type="100",
        reason="首次登记",
        parcels=(ParcelSpec(code=parcel, location="长丰县水湖镇", area=Decimal("5000.00")),),
        units=(UnitSpec(code=unit_code, location="长丰县水湖镇", kind=unit_kind),),
        right=RightSpec(kind=kind, right_type=right_type, parties=(holder,), detail=detail),  # type: ignore[arg-type]
    )


CASES = [
    (
        "340121001001JA00001W00000000",
        RightKind.LAND_OWNERSHIP,
        "1",
        LandOwnershipSpec(agricultural_area=Decimal("3000"), construction_area=Decimal("2000")),
        "",
        COLLECTIVE,
    ),
    (
        "340121001001JC00001W00000000",
        RightKind.HOMESTEAD_USE,
        "5",
        LandUseSpec(area=Decimal("200")),
        "",
        f.SELLER,
    ),
    (
        "340121001001JD00001W00000000",
        RightKind.AGRICULTURAL_LAND,
        "9",
        AgriculturalSpec(
            contractor_name="幸福村",
            area_mu=Decimal("6.5"),
            start=date(2018, 1, 1),
            end=date(2047, 12, 31),
            land_ownership_nature="2",
        ),
        "",
        f.SELLER,
    ),
    (
        "340121001001JE00001L00000001",
        RightKind.FOREST,
        "10",
        ForestSpec(
            area_mu=Decimal("30"),
            main_species="杉木",
            tree_count=1200,
            forest_type="2",
            origin="2",
            planting_year=2015,
            forest_block="12",
            sub_block="3",
        ),
        "",
        f.SELLER,
    ),
    (
        "340121000000GH00001W00000000",
        RightKind.SEA_USE,
        "15",
        SeaUseSpec(
            area_ha=Decimal("12.5"), start=date(2020, 1, 1), end=date(2040, 1, 1), fee_total=Decimal("300")
        ),
        "",
        f.SELLER,
    ),
    (
        "340121001001GB00001Q00000001",
        RightKind.STRUCTURE_OWNERSHIP,
        "4",
        StructureSpec(structure_type="103", planned_use="供水", area=Decimal("80")),
        UnitKind.STRUCTURE,
        f.SELLER,
    ),
    (
        "340121001001GB00001W00000000",
        RightKind.COMMON_PARTS,
        "94",
        CommonPartsSpec(structure_number="GY001", structure_name="小区绿地", area=Decimal("900")),
        "",
        f.SELLER,
    ),
    (
        "340121001001GB00001W00000000",
        RightKind.OTHER,
        "20",
        OtherRightSpec(start=date(2020, 1, 1), end=date(2030, 1, 1), content="取水权"),
        "",
        f.SELLER,
    ),
]


@pytest.mark.parametrize(("code", "kind", "right_type", "detail", "unit_kind", "holder"), CASES)
def test_each_title_kind_is_registered_with_its_detail(
    registrar, code, kind, right_type, detail, unit_kind, holder
):
    result = record(
        item=_item(code, kind, right_type, detail, unit_kind=unit_kind, holder=holder), by=registrar
    )
    right = result.rights_created[0]
    assert right.kind == kind and right.detail is not None
    for name, value in vars(detail).items():
        if value not in (None, ""):
            assert getattr(right.detail, name) == value


def test_sea_parcel_and_unit_are_recognised_from_the_code(registrar):
    code = "340121000000GH00001W00000000"
    record(item=_item(code, RightKind.SEA_USE, "15", SeaUseSpec(area_ha=Decimal("1"))), by=registrar)
    assert Parcel.objects.get().kind == "sea"
    assert Parcel.objects.get().units.get().kind == UnitKind.SEA


def test_house_project_right(registrar):
    item = f.first_registration(households=1)
    spec = RightSpec(
        kind=RightKind.HOUSE_OWNERSHIP_PROJECT,
        right_type="4",
        parties=(f.SELLER,),
        detail=HouseProjectSpec(project_name="幸福家园", building_count=1),
    )
    right = record(item=replace(item, right=spec), by=registrar).rights_created[0]
    assert right.detail.project_name == "幸福家园"


def test_easement_on_servient_land(registrar):
    servient = "340121001001GB00001W00000000"
    record(item=_item(servient, RightKind.CONSTRUCTION_LAND_USE, "3", LandUseSpec()), by=registrar)
    neighbour = replace(f.BUYER, role=PartyRole.DOMINANT_HOLDER)
    item = RegistrationItem(
        region_code=f.REGION,
        business_number=f.business_number(),
        operation=Operation.CREATE,
        registration_type="100",
        reason="地役权合同",
        unit_codes=(servient,),
        right=RightSpec(
            kind=RightKind.EASEMENT,
            right_type="19",
            parties=(neighbour,),
            detail=EasementSpec(dominant_unit_code="340121001001GB00002W00000000", content="通行"),
        ),
    )
    right = record(item=item, by=registrar).rights_created[0]
    assert right.detail.content == "通行" and right.parties.get().role == PartyRole.DOMINANT_HOLDER


def test_residence_right_on_a_house(registrar):
    unit, _ = f.registered_house(registrar)
    item = RegistrationItem(
        region_code=f.REGION,
        business_number=f.business_number(),
        operation=Operation.CREATE,
        registration_type="100",
        reason="居住权合同",
        unit_codes=(unit.code,),
        right=RightSpec(
            kind=RightKind.RESIDENCE,
            right_type="92",
            parties=(replace(f.BUYER, role=PartyRole.RESIDENT),),
            detail=ResidenceSpec(start=date(2024, 1, 1), conditions="无偿居住"),
        ),
    )
    right = record(item=item, by=registrar).rights_created[0]
    assert right.detail.end is None and right.parties.get().role == PartyRole.RESIDENT
