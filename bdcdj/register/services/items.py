"""The registration item (登记事项) that `record` applies, and what it returns."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bdcdj.register.models import Operation, RegisterEvent, Right, RightKind, Unit
from bdcdj.register.services.specs import (
    AdvanceNoticeSpec,
    AgriculturalSpec,
    BuildingSpec,
    CommonPartsSpec,
    DetailSpec,
    EasementSpec,
    ForestSpec,
    HouseOwnershipSpec,
    HouseProjectSpec,
    LandOwnershipSpec,
    LandUseSpec,
    MortgageSpec,
    ObjectionSpec,
    OtherRightSpec,
    ParcelSpec,
    PartySpec,
    ResidenceSpec,
    SeaUseSpec,
    SeizureReleaseSpec,
    SeizureSpec,
    StructureSpec,
    UnitSpec,
)

# Which detail spec belongs to which right kind.
DETAIL_SPECS: dict[str, type] = {
    RightKind.HOUSE_OWNERSHIP: HouseOwnershipSpec,
    RightKind.HOUSE_OWNERSHIP_PROJECT: HouseProjectSpec,
    RightKind.CONSTRUCTION_LAND_USE: LandUseSpec,
    RightKind.HOMESTEAD_USE: LandUseSpec,
    RightKind.LAND_OWNERSHIP: LandOwnershipSpec,
    RightKind.AGRICULTURAL_LAND: AgriculturalSpec,
    RightKind.FOREST: ForestSpec,
    RightKind.SEA_USE: SeaUseSpec,
    RightKind.STRUCTURE_OWNERSHIP: StructureSpec,
    RightKind.COMMON_PARTS: CommonPartsSpec,
    RightKind.OTHER: OtherRightSpec,
    RightKind.EASEMENT: EasementSpec,
    RightKind.RESIDENCE: ResidenceSpec,
    RightKind.MORTGAGE: MortgageSpec,
    RightKind.ADVANCE_NOTICE: AdvanceNoticeSpec,
    RightKind.OBJECTION: ObjectionSpec,
    RightKind.SEIZURE: SeizureSpec,
}
# Kinds whose detail cannot be left out when the right is first created.
DETAIL_REQUIRED = frozenset(
    {
        RightKind.HOUSE_OWNERSHIP_PROJECT,
        RightKind.COMMON_PARTS,
        RightKind.EASEMENT,
        RightKind.MORTGAGE,
        RightKind.ADVANCE_NOTICE,
        RightKind.OBJECTION,
        RightKind.SEIZURE,
    }
)


@dataclass(frozen=True, kw_only=True)
class RightSpec:
    """The right an item creates (CREATE, SEIZE) or the new version it writes (TRANSFER,
    CHANGE, CORRECT). For CHANGE and CORRECT, empty `parties` / `detail` keep the
    predecessor's; for TRANSFER only the detail may be kept."""

    kind: str  # RightKind value
    right_type: str = ""  # 权利类型 (QLLX); required for title kinds
    co_ownership: str = ""  # 共有方式 (GYFS); blank with one holder means 0 单独所有
    parties: tuple[PartySpec, ...] = ()
    detail: DetailSpec | None = None
    remarks: str = ""  # 附记


@dataclass(frozen=True, kw_only=True)
class RegistrationItem:
    """One registration item. `unit_codes` are the units it affects; when empty they are the
    units of `target_right_ids` or, failing that, the units created from `units`.

    `target_right_ids` name the current rights a TRANSFER/CHANGE/CORRECT supersedes or a
    CANCEL/RELEASE_SEIZURE ends; a TRANSFER/CHANGE/CORRECT without targets supersedes each
    unit's current title. `expected_unit_versions` (unit code → `Unit.version` seen when the
    case was examined) makes `record` refuse if another registration touched the unit since.
    """

    region_code: str
    business_number: str  # 业务号 (YWH)
    operation: Operation
    registration_type: str = ""  # 登记类型 (DJLX); blank only for ADD_UNITS
    reason: str = ""  # 登记原因
    unit_codes: tuple[str, ...] = ()
    target_right_ids: tuple[int, ...] = ()
    right: RightSpec | None = None
    parcels: tuple[ParcelSpec, ...] = ()
    buildings: tuple[BuildingSpec, ...] = ()
    units: tuple[UnitSpec, ...] = ()
    release: SeizureReleaseSpec | None = None
    certificate_number: str = ""  # 不动产权证书号 / 登记证明号, allocated by the case
    registered_at: datetime | None = None  # 登簿时间; now when not given
    expected_unit_versions: Mapping[str, int] = field(default_factory=dict)

    def affected_codes(self) -> tuple[str, ...]:
        if self.unit_codes:
            return tuple(dict.fromkeys(code.strip().upper() for code in self.unit_codes))
        return tuple(dict.fromkeys(spec.code.strip().upper() for spec in self.units))


@dataclass(frozen=True)
class RecordResult:
    """What one `record` call wrote. `warnings` are Chinese notes for the registrar (e.g. an
    异议 on the unit) that did not block the registration."""

    event: RegisterEvent
    rights_created: tuple[Right, ...]
    rights_ended: tuple[Right, ...]
    units_created: tuple[Unit, ...]
    warnings: tuple[str, ...]
