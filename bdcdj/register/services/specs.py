"""Typed input of `record`: what a registration item says about units, parties and the
kind-specific details of a right. Frozen dataclasses, so an item cannot change while it is
being validated and written. Field names match the register's model fields.

Money is in 万元 (Decimal), areas in m² unless the field name says 亩 (`_mu`) or 公顷 (`_ha`).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, kw_only=True)
class PartySpec:
    """One party (权利人/义务人…). Name and ID number are encrypted before they are stored."""

    role: str  # PartyRole value
    name: str
    party_type: str = "1"  # 权利人类型 (QLRLX): 1 个人, 2 企业, 3 事业单位, 4 国家机关, 99 其它
    id_type: str = ""  # 证件种类 (ZJZL)
    id_number: str = ""
    share: Decimal | None = None  # percent, for 按份共有
    holds_certificate: bool = False
    certificate_number: str = ""  # 分别持证: this holder's own certificate number
    phone: str = ""


@dataclass(frozen=True, kw_only=True)
class ParcelSpec:
    """A new 宗地/宗海 (19-character code)."""

    code: str
    location: str
    area: Decimal
    area_unit: str = "1"  # 面积单位 (MJDW): 1 m², 2 亩, 3 公顷
    land_use: str = ""
    right_nature: str = ""


@dataclass(frozen=True, kw_only=True)
class LogicalBuildingSpec:
    number: str
    door_number: str = ""
    floors_total: int | None = None
    planned_use: str = ""
    structure: str = ""
    built_area: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class BuildingSpec:
    """A new 自然幢 (24-character code = parcel code + F + 4-digit 幢号)."""

    code: str
    location: str
    name: str = ""
    project_name: str = ""
    floors_above: int = 0
    floors_below: int = 0
    total_households: int | None = None
    structure: str = ""
    planned_use: str = ""
    built_area: Decimal | None = None
    completed_on: date | None = None
    logical_buildings: tuple[LogicalBuildingSpec, ...] = ()


@dataclass(frozen=True, kw_only=True)
class UnitSpec:
    """A new 不动产单元. Its kind, building and 户号 follow from the code; a house unit's
    逻辑幢 and 层 are created on first use."""

    code: str
    location: str
    kind: str = ""  # UnitKind; blank = derived from the code
    room_label: str = ""
    logical_building: str = "1"
    floor: int | None = None
    floor_label: str = ""
    planned_use: str = ""
    house_type: str = ""
    house_nature: str = ""
    structure: str = ""
    built_area: Decimal | None = None
    exclusive_area: Decimal | None = None
    shared_area: Decimal | None = None


# ---- details per right kind (names match the detail models) ----


@dataclass(frozen=True, kw_only=True)
class HouseOwnershipSpec:
    """Areas, use, nature and structure left empty are taken from the unit."""

    price: Decimal | None = None
    land_use_start: date | None = None
    land_use_end: date | None = None
    built_area: Decimal | None = None
    exclusive_area: Decimal | None = None
    shared_area: Decimal | None = None
    exclusive_land_area: Decimal | None = None
    shared_land_area: Decimal | None = None
    planned_use: str = ""
    house_nature: str = ""
    structure: str = ""
    floor_no: int | None = None
    total_floors: int | None = None
    completed_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class HouseProjectSpec:
    project_name: str
    building_count: int | None = None
    built_area: Decimal | None = None
    price: Decimal | None = None
    land_use_start: date | None = None
    land_use_end: date | None = None


@dataclass(frozen=True, kw_only=True)
class LandUseSpec:
    start: date | None = None
    end: date | None = None
    price: Decimal | None = None
    area: Decimal | None = None
    land_use: str = ""
    right_nature: str = ""


@dataclass(frozen=True, kw_only=True)
class LandOwnershipSpec:
    area_unit: str = "1"
    agricultural_area: Decimal | None = None
    arable_area: Decimal | None = None
    forest_area: Decimal | None = None
    grassland_area: Decimal | None = None
    construction_area: Decimal | None = None
    unused_area: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class AgriculturalSpec:
    contractor_code: str = ""
    contractor_name: str = ""
    area_mu: Decimal | None = None
    start: date | None = None
    end: date | None = None
    land_ownership_nature: str = ""
    contract_number: str = ""


@dataclass(frozen=True, kw_only=True)
class ForestSpec:
    contractor_name: str = ""
    area_mu: Decimal | None = None
    start: date | None = None
    end: date | None = None
    main_species: str = ""
    tree_count: int | None = None
    forest_type: str = ""
    origin: str = ""
    planting_year: int | None = None
    forest_block: str = ""
    sub_block: str = ""


@dataclass(frozen=True, kw_only=True)
class SeaUseSpec:
    area_ha: Decimal | None = None
    start: date | None = None
    end: date | None = None
    fee_total: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class StructureSpec:
    structure_type: str = ""
    planned_use: str = ""
    area: Decimal | None = None
    land_area: Decimal | None = None
    land_use_start: date | None = None
    land_use_end: date | None = None
    completed_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class CommonPartsSpec:
    structure_number: str
    structure_name: str = ""
    quantity: int = 1
    area: Decimal | None = None
    shared_land_area: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class OtherRightSpec:
    start: date | None = None
    end: date | None = None
    content: str = ""


@dataclass(frozen=True, kw_only=True)
class EasementSpec:
    dominant_unit_code: str
    content: str
    dominant_location: str = ""
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True, kw_only=True)
class ResidenceSpec:
    start: date | None = None
    end: date | None = None  # None: for the resident's life
    conditions: str = ""


@dataclass(frozen=True, kw_only=True)
class MortgageSpec:
    """抵押方式 1 一般抵押 needs `secured_amount`; 2 最高额抵押 needs `maximum_amount`.
    The rank (顺位) is assigned by the register."""

    method: str  # 抵押方式 (DYFS)
    debt_start: date
    debt_end: date
    secured_amount: Decimal | None = None
    maximum_amount: Decimal | None = None
    maximum_basis: str = ""
    guarantee_scope: str = ""
    transfer_restricted: bool = False
    property_type: str = ""  # 抵押不动产类型 (DYBDCLX)
    amount_type: str = ""  # 抵押金额类型 (DYJELX): 0 单个单元, 1 多个单元整体
    area: Decimal | None = None
    construction_location: str = ""
    construction_scope: str = ""


@dataclass(frozen=True, kw_only=True)
class AdvanceNoticeSpec:
    notice_kind: str  # 预告登记种类 (YGDJZL): 1/2 买卖, 3/4 抵押权
    price: Decimal | None = None
    location: str = ""
    planned_use: str = ""
    house_nature: str = ""
    structure: str = ""
    floor_no: int | None = None
    total_floors: int | None = None
    built_area: Decimal | None = None
    guarantee_scope: str = ""
    transfer_restricted: bool = False


@dataclass(frozen=True, kw_only=True)
class ObjectionSpec:
    matter: str
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True, kw_only=True)
class SeizureSpec:
    """A second seizure on a unit becomes 轮候 automatically (the register sets the queue)."""

    authority: str
    document_number: str
    seizure_kind: str = "1"  # 查封类型 (CFLX): 1 查封, 2 轮候查封, 3 预查封, 4 轮候预查封
    start: date | None = None
    end: date | None = None
    scope: str = ""


@dataclass(frozen=True, kw_only=True)
class SeizureReleaseSpec:
    """解封: the authority and document that lift the seizure."""

    authority: str
    document_number: str


DetailSpec = (
    HouseOwnershipSpec
    | HouseProjectSpec
    | LandUseSpec
    | LandOwnershipSpec
    | AgriculturalSpec
    | ForestSpec
    | SeaUseSpec
    | StructureSpec
    | CommonPartsSpec
    | OtherRightSpec
    | EasementSpec
    | ResidenceSpec
    | MortgageSpec
    | AdvanceNoticeSpec
    | ObjectionSpec
    | SeizureSpec
)
