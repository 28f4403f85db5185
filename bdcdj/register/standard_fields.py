"""Where our names meet the national standard (TD/T 1066 不动产登记数据库标准 and the 接入
规范): table and field codes, the dictionaries that validate our code fields, and the code
combinations the register accepts. This module and docs/register.md are the only places that
speak the standard's field codes.
"""

from bdcdj.register.models import Operation, RightKind

# Our right kind → the standard's table (要素) carrying it in the database and access messages.
RIGHT_TABLES: dict[str, str] = {
    RightKind.LAND_OWNERSHIP: "QLF_QL_TDSYQ",
    RightKind.CONSTRUCTION_LAND_USE: "QLF_QL_JSYDSYQ",
    RightKind.HOMESTEAD_USE: "QLF_QL_JSYDSYQ",
    RightKind.HOUSE_OWNERSHIP: "QLT_FW_FDCQ_YZ",
    RightKind.HOUSE_OWNERSHIP_PROJECT: "QLT_FW_FDCQ_DZ",
    RightKind.COMMON_PARTS: "QLF_FW_FDCQ_QFSYQ",
    RightKind.AGRICULTURAL_LAND: "QLF_QL_NYDSYQ",
    RightKind.FOREST: "QLT_QL_LQ",
    RightKind.SEA_USE: "QLF_QL_HYSYQ",
    RightKind.STRUCTURE_OWNERSHIP: "QLT_QL_GJZWSYQ",
    RightKind.EASEMENT: "QLF_QL_DYIQ",
    # 居住权: no table of its own in the sources; carried as 其他相关权利 (QLLX 92, revised list)
    RightKind.RESIDENCE: "QLF_QL_QTXGQL",
    RightKind.OTHER: "QLF_QL_QTXGQL",
    RightKind.MORTGAGE: "QLF_QL_DYAQ",
    RightKind.ADVANCE_NOTICE: "QLF_QL_YGDJ",
    RightKind.OBJECTION: "QLF_QL_YYDJ",
    RightKind.SEIZURE: "QLF_QL_CFDJ",
}

UNIT_TABLES = {
    "Parcel": "KTT_ZDJBXX / KTT_ZHJBXX",
    "Building": "KTT_FW_ZRZ",
    "LogicalBuilding": "KTT_FW_LJZ",
    "Floor": "KTT_FW_C",
    "Unit": "KTT_FW_H (house units); BDCDYH of every table",
    "Party": "ZTT_GY_QLR",
}

# Our field name → the standard's field code, for the columns every right table shares.
RIGHT_FIELDS = {
    "unit.code": "BDCDYH",  # 不动产单元号
    "business_number": "YWH",  # 业务号
    "right_type": "QLLX",  # 权利类型
    "registration_type": "DJLX",  # 登记类型
    "reason": "DJYY",  # 登记原因
    "certificate_number": "BDCQZH / BDCDJZMH",  # 不动产权证号 / 不动产登记证明号
    "region_code": "QXDM",  # 区县代码
    "registrar_name": "DBR",  # 登簿人
    "registered_at": "DJSJ",  # 登记时间
    "remarks": "FJ",  # 附记
    "status": "QSZT",  # 权属状态
    "predecessor.business_number": "SSYWH",  # 上手业务号
    "ended_by_business": "ZXDYYWH / ZXYGYWH / ZXYYYWH / JFYWH",  # 注销业务号 per table
    "ended_at": "ZXSJ / JFDJSJ / ZXYYDJSJ",  # 注销时间
    "ended_by_name": "ZXDBR / JFDBR / ZXYYDBR",  # 注销登簿人
    "co_ownership": "GYFS",  # 共有方式 (on ZTT_GY_QLR)
}

PARTY_FIELDS = {
    "name_enc": "QLRMC",  # 权利人名称
    "id_type": "ZJZL",  # 证件种类
    "id_number_enc": "ZJH",  # 证件号
    "party_type": "QLRLX",  # 权利人类型
    "share": "QLBL",  # 权利比例
    "holds_certificate": "SFCZR",  # 是否持证人
    "certificate_number": "BDCQZH",
    "phone_enc": "DH",  # 电话
    "order": "SXH",  # 顺序号
}

DETAIL_FIELDS = {
    "HouseOwnershipDetail": {
        "price": "FDCJYJG",
        "land_use_start": "TDSYQSSJ",
        "land_use_end": "TDSYJSSJ",
        "built_area": "JZMJ",
        "exclusive_area": "ZYJZMJ",
        "shared_area": "FTJZMJ",
        "exclusive_land_area": "DYTDMJ",
        "shared_land_area": "FTTDMJ",
        "planned_use": "GHYT",
        "house_nature": "FWXZ",
        "structure": "FWJG",
        "floor_no": "SZC",
        "total_floors": "ZCS",
        "completed_on": "JGSJ",
    },
    "LandUseDetail": {
        "start": "SYQQSSJ",
        "end": "SYQJSSJ",
        "price": "QDJG",
        "area": "SYQMJ",
        "land_use": "YT",
        "right_nature": "QLXZ",
    },
    "MortgageDetail": {
        "method": "DYFS",
        "secured_amount": "BDBZZQSE",
        "maximum_amount": "ZGZQSE",
        "maximum_basis": "ZGZQQDSS",
        "debt_start": "ZWLXQSSJ",
        "debt_end": "ZWLXJSSJ",
        "guarantee_scope": "DBFW",
        "transfer_restricted": "SFCZJZHXZ",
        "rank": "DYQSW",
        "property_type": "DYBDCLX",
        "amount_type": "DYJELX",
        "area": "DYMJ",
        "construction_location": "ZJJZWZL",
        "construction_scope": "ZJJZWDYFW",
    },
    "AdvanceNoticeDetail": {
        "notice_kind": "YGDJZL",
        "price": "QDJG",
        "location": "BDCZL",
        "planned_use": "GHYT",
        "house_nature": "FWXZ",
        "structure": "FWJG",
        "floor_no": "SZC",
        "total_floors": "ZCS",
        "built_area": "JZMJ",
        "guarantee_scope": "DBFW",
        "transfer_restricted": "SFCZJZHXZ",
    },
    "ObjectionDetail": {"matter": "YYSX"},
    "SeizureDetail": {
        "authority": "CFJG",
        "document_number": "CFWH",
        "seizure_kind": "CFLX",
        "start": "CFQSSJ",
        "end": "CFJSSJ",
        "scope": "CFFW",
        "release_authority": "JFJG",
        "release_document": "JFWH",
        "released_at": "JFDJSJ",
    },
    "ResidenceDetail": {"start": "QLQSSJ", "end": "QLJSSJ"},
    "EasementDetail": {
        "dominant_unit_code": "XYDBDCDYH",
        "dominant_location": "XYDZL",
        "content": "DYQNR",
        "start": "QLQSSJ",
        "end": "QLJSSJ",
    },
}

# The 注销 fields of a right's own table, filled from the ended right (`Right.ended_*`): what a
# 解封 / 异议注销 message carries on the row of the right it ends.
ENDED_FIELDS: dict[str, dict[str, str]] = {
    "QLF_QL_CFDJ": {"ended_by_business": "JFYWH", "ended_by_name": "JFDBR", "ended_at": "JFDJSJ"},
    "QLF_QL_YYDJ": {
        "ended_by_business": "ZXYYYWH",
        "ended_by_name": "ZXYYDBR",
        "ended_at": "ZXYYDJSJ",
        "end_reason": "ZXYYYY",
    },
    "QLF_QL_DYAQ": {"ended_by_business": "ZXDYYWH", "end_reason": "ZXDYYY"},
    "QLF_QL_YGDJ": {"ended_by_business": "ZXYGYWH", "end_reason": "ZXYGYY"},
}

# Field name (on any spec or model of the register) → dictionary that validates its value.
DICTIONARY_OF_FIELD: dict[str, str] = {
    "right_type": "QLLX",
    "registration_type": "DJLX",
    "co_ownership": "GYFS",
    "party_type": "QLRLX",
    "id_type": "ZJZL",
    "planned_use": "FWYT",
    "house_type": "FWLX",
    "house_nature": "FWXZ",
    "structure": "FWJG",
    "area_unit": "MJDW",
    "land_use": "TDYT",
    "right_nature": "QLXZ",
    "land_ownership_nature": "TDSYQXZ",
    "forest_type": "LZ",
    "origin": "QY",
    "structure_type": "GJZWLX",
    "method": "DYFS",
    "property_type": "DYBDCLX",
    "amount_type": "DYJELX",
    "notice_kind": "YGDJZL",
    "seizure_kind": "CFLX",
}
# Free-text fields that share a name with a coded one on another table.
FREE_TEXT_FIELDS = {("StructureSpec", "planned_use")}

# 权利类型 (QLLX) codes that fit each right kind. Title kinds must give one; the others may
# leave it blank (the 2015 list has no code for them; 2021 practice adds 37/92/96/97/98).
RIGHT_TYPES_BY_KIND: dict[str, frozenset[str]] = {
    RightKind.LAND_OWNERSHIP: frozenset({"1", "2"}),
    RightKind.CONSTRUCTION_LAND_USE: frozenset({"3", "7"}),
    RightKind.HOMESTEAD_USE: frozenset({"5"}),
    RightKind.HOUSE_OWNERSHIP: frozenset({"4", "6", "8"}),
    RightKind.HOUSE_OWNERSHIP_PROJECT: frozenset({"4", "6", "8"}),
    RightKind.COMMON_PARTS: frozenset({"4", "6", "8", "94"}),
    RightKind.AGRICULTURAL_LAND: frozenset({"9", "13", "14", "35"}),
    RightKind.FOREST: frozenset({"10", "11", "12"}),
    RightKind.SEA_USE: frozenset({"15", "17"}),
    RightKind.STRUCTURE_OWNERSHIP: frozenset({"4", "6", "8", "16", "18"}),
    RightKind.OTHER: frozenset({"20", "21", "22", "99"}),
    RightKind.EASEMENT: frozenset({"19"}),
    RightKind.RESIDENCE: frozenset({"92"}),
    RightKind.MORTGAGE: frozenset({"37"}),
    RightKind.ADVANCE_NOTICE: frozenset({"96"}),
    RightKind.OBJECTION: frozenset({"97"}),
    RightKind.SEIZURE: frozenset({"98"}),
}

# 登记类型 (DJLX) codes each operation may carry: 100 首次, 200 转移, 300 变更, 400 注销,
# 500 更正, 600 异议, 700 预告, 800 查封, 900 其它.
REGISTRATION_TYPES: dict[str, frozenset[str]] = {
    Operation.CREATE: frozenset({"100", "900"}),
    Operation.TRANSFER: frozenset({"200"}),
    Operation.CHANGE: frozenset({"300"}),
    Operation.CORRECT: frozenset({"500"}),
    Operation.CANCEL: frozenset({"400"}),
    Operation.SEIZE: frozenset({"800"}),
    Operation.RELEASE_SEIZURE: frozenset({"800", "400"}),
}
# Kinds registered under their own 登记类型: creating one must use it, other operations may.
OWN_REGISTRATION_TYPE: dict[str, str] = {
    RightKind.OBJECTION: "600",
    RightKind.ADVANCE_NOTICE: "700",
}

# 预告登记种类 (YGDJZL) that become a title on transfer, and those that become a mortgage.
PURCHASE_NOTICE_KINDS = frozenset({"1", "2"})
MORTGAGE_NOTICE_KINDS = frozenset({"3", "4"})
# 查封类型 (CFLX): the kind a seizure takes when it has to queue (轮候).
QUEUED_SEIZURE_KIND = {"1": "2", "2": "2", "3": "4", "4": "4"}
# 共有方式 (GYFS)
SOLE_OWNERSHIP, JOINT_OWNERSHIP, SHARES_OWNERSHIP = "0", "1", "2"
# 权利人类型 (QLRLX) of a natural person: only their names are masked.
PERSON_PARTY_TYPE = "1"
# 抵押方式 (DYFS)
ORDINARY_MORTGAGE, MAXIMUM_MORTGAGE = "1", "2"
# 抵押金额类型 (DYJELX) for one amount covering several units.
WHOLE_AMOUNT_TYPE = "1"
