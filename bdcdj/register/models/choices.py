"""Choice lists of the register. Codes that the national standard defines keep its values
(不动产单元状态 ZT, 权属状态 QSZT); the rest are our own names for the standard's tables."""

from django.db import models


class UnitStatus(models.TextChoices):
    """不动产单元状态 (standard field ZT, dictionary A11)."""

    INVALID = "0", "无效"
    VALID = "1", "有效"


class ParcelKind(models.TextChoices):
    LAND = "land", "宗地"
    SEA = "sea", "宗海"


class UnitKind(models.TextChoices):
    LAND = "land", "土地"
    HOUSE = "house", "房屋"
    STRUCTURE = "structure", "构（建）筑物"
    SEA = "sea", "海域"
    FOREST = "forest", "森林、林木"
    OTHER = "other", "其他定着物"


class RightStatus(models.TextChoices):
    """权属状态 (standard field QSZT, dictionary A22).

    A right replaced by a successor (转移、变更、更正) becomes HISTORIC; a right that ends
    without successor (注销、解封、异议注销) becomes TERMINATED.
    """

    TEMPORARY = "0", "临时"
    CURRENT = "1", "现势"
    HISTORIC = "2", "历史"
    TERMINATED = "3", "终止"


ENDED_STATUSES = frozenset({RightStatus.HISTORIC.value, RightStatus.TERMINATED.value})


class RightKind(models.TextChoices):
    """The kinds of TD/T 1066: each maps to one standard table (see `standard_fields`)."""

    LAND_OWNERSHIP = "land_ownership", "土地所有权"
    CONSTRUCTION_LAND_USE = "construction_land_use", "建设用地使用权"
    HOMESTEAD_USE = "homestead_use", "宅基地使用权"
    HOUSE_OWNERSHIP = "house_ownership", "房地产权（独幢、层、套、间房屋）"
    HOUSE_OWNERSHIP_PROJECT = "house_ownership_project", "房地产权（项目内多幢房屋）"
    COMMON_PARTS = "common_parts", "建筑物区分所有权业主共有部分"
    AGRICULTURAL_LAND = "agricultural_land", "土地承包经营权、农用地的其他使用权"
    FOREST = "forest", "林权"
    SEA_USE = "sea_use", "海域（含无居民海岛）使用权"
    STRUCTURE_OWNERSHIP = "structure_ownership", "构（建）筑物所有权"
    EASEMENT = "easement", "地役权"
    RESIDENCE = "residence", "居住权"
    OTHER = "other", "其他相关权利"
    MORTGAGE = "mortgage", "抵押权"
    ADVANCE_NOTICE = "advance_notice", "预告登记"
    OBJECTION = "objection", "异议登记"
    SEIZURE = "seizure", "查封登记"


# The unit's title: at most one current right of these kinds per unit (database constraint).
TITLE_KINDS = frozenset(
    {
        RightKind.LAND_OWNERSHIP,
        RightKind.CONSTRUCTION_LAND_USE,
        RightKind.HOMESTEAD_USE,
        RightKind.HOUSE_OWNERSHIP,
        RightKind.HOUSE_OWNERSHIP_PROJECT,
        RightKind.COMMON_PARTS,
        RightKind.AGRICULTURAL_LAND,
        RightKind.FOREST,
        RightKind.SEA_USE,
        RightKind.STRUCTURE_OWNERSHIP,
        RightKind.OTHER,
    }
)
# Rights on someone else's title that may coexist (用益物权 on the unit).
SERVITUDE_KINDS = frozenset({RightKind.EASEMENT, RightKind.RESIDENCE})
RESTRICTION_KINDS = frozenset(
    {RightKind.MORTGAGE, RightKind.ADVANCE_NOTICE, RightKind.OBJECTION, RightKind.SEIZURE}
)


class PartyRole(models.TextChoices):
    HOLDER = "holder", "权利人"
    OBLIGOR = "obligor", "义务人"
    MORTGAGEE = "mortgagee", "抵押权人"
    MORTGAGOR = "mortgagor", "抵押人"
    DEBTOR = "debtor", "债务人"
    NOTICE_HOLDER = "notice_holder", "预告登记权利人"
    NOTICE_OBLIGOR = "notice_obligor", "预告登记义务人"
    OBJECTION_APPLICANT = "objection_applicant", "异议登记申请人"
    SEIZING_AUTHORITY = "seizing_authority", "查封机关"
    PERSON_SUBJECT_TO_SEIZURE = "seized_person", "被执行人"
    RESIDENT = "resident", "居住权人"
    DOMINANT_HOLDER = "dominant_holder", "需役地权利人"
    SERVIENT_HOLDER = "servient_holder", "供役地权利人"


# The role whose members "hold" a right of each kind; shares and co-ownership apply to them.
HOLDER_ROLE: dict[str, str] = {
    **{kind.value: PartyRole.HOLDER.value for kind in TITLE_KINDS},
    RightKind.EASEMENT: PartyRole.DOMINANT_HOLDER,
    RightKind.RESIDENCE: PartyRole.RESIDENT,
    RightKind.MORTGAGE: PartyRole.MORTGAGEE,
    RightKind.ADVANCE_NOTICE: PartyRole.NOTICE_HOLDER,
    RightKind.OBJECTION: PartyRole.OBJECTION_APPLICANT,
    RightKind.SEIZURE: PartyRole.SEIZING_AUTHORITY,
}

# Roles a party may take on a right of each kind.
ALLOWED_ROLES: dict[str, frozenset[str]] = {
    **{kind.value: frozenset({PartyRole.HOLDER, PartyRole.OBLIGOR}) for kind in TITLE_KINDS},
    RightKind.EASEMENT: frozenset({PartyRole.DOMINANT_HOLDER, PartyRole.SERVIENT_HOLDER}),
    RightKind.RESIDENCE: frozenset({PartyRole.RESIDENT, PartyRole.OBLIGOR}),
    RightKind.MORTGAGE: frozenset({PartyRole.MORTGAGEE, PartyRole.MORTGAGOR, PartyRole.DEBTOR}),
    RightKind.ADVANCE_NOTICE: frozenset({PartyRole.NOTICE_HOLDER, PartyRole.NOTICE_OBLIGOR}),
    RightKind.OBJECTION: frozenset({PartyRole.OBJECTION_APPLICANT}),
    RightKind.SEIZURE: frozenset({PartyRole.SEIZING_AUTHORITY, PartyRole.PERSON_SUBJECT_TO_SEIZURE}),
}

# Which unit kinds a right of each kind can sit on.
UNIT_KINDS_FOR_RIGHT: dict[str, frozenset[str]] = {
    RightKind.LAND_OWNERSHIP: frozenset({UnitKind.LAND}),
    RightKind.CONSTRUCTION_LAND_USE: frozenset({UnitKind.LAND}),
    RightKind.HOMESTEAD_USE: frozenset({UnitKind.LAND}),
    RightKind.HOUSE_OWNERSHIP: frozenset({UnitKind.HOUSE}),
    RightKind.HOUSE_OWNERSHIP_PROJECT: frozenset({UnitKind.HOUSE}),
    RightKind.COMMON_PARTS: frozenset({UnitKind.HOUSE, UnitKind.STRUCTURE, UnitKind.LAND}),
    RightKind.AGRICULTURAL_LAND: frozenset({UnitKind.LAND}),
    RightKind.FOREST: frozenset({UnitKind.FOREST, UnitKind.LAND}),
    RightKind.SEA_USE: frozenset({UnitKind.SEA}),
    RightKind.STRUCTURE_OWNERSHIP: frozenset({UnitKind.STRUCTURE, UnitKind.HOUSE}),
    RightKind.RESIDENCE: frozenset({UnitKind.HOUSE}),
}


class Operation(models.TextChoices):
    """What one registration item does to the register (see docs/register.md)."""

    ADD_UNITS = "add_units", "单元入库（权籍调查成果）"
    CREATE = "create", "设立权利"
    TRANSFER = "transfer", "转移"
    CHANGE = "change", "变更"
    CORRECT = "correct", "更正"
    CANCEL = "cancel", "注销"
    SEIZE = "seize", "查封"
    RELEASE_SEIZURE = "release_seizure", "解封"


# Operations that replace a current right by a new version of it (上手 → 下手).
SUPERSEDING_OPERATIONS = frozenset({Operation.TRANSFER, Operation.CHANGE, Operation.CORRECT})
