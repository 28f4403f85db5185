"""Which standard tables are 客体, 权利 and 主体 for linking and loading. This module and the
mapping files are where the stock import speaks the standard's table codes."""

PARCEL_TABLE = "KTT_ZDJBXX"  # 宗地基本信息
BUILDING_TABLE = "KTT_FW_ZRZ"  # 自然幢
HOUSE_TABLE = "KTT_FW_H"  # 户
UNIT_TABLES = frozenset({PARCEL_TABLE, BUILDING_TABLE, HOUSE_TABLE})
PARTY_TABLE = "ZTT_GY_QLR"  # 权利人
LAND_USE_TABLE = "QLF_QL_JSYDSYQ"  # 建设用地使用权、宅基地使用权
HOUSE_RIGHT_TABLE = "QLT_FW_FDCQ_YZ"  # 房地产权（独幢、层、套、间）
MORTGAGE_TABLE = "QLF_QL_DYAQ"  # 抵押权
TITLE_TABLES = frozenset({LAND_USE_TABLE, HOUSE_RIGHT_TABLE})
RIGHT_TABLES = frozenset(
    {
        LAND_USE_TABLE,
        HOUSE_RIGHT_TABLE,
        MORTGAGE_TABLE,
        "QLF_QL_YGDJ",  # 预告登记
        "QLF_QL_CFDJ",  # 查封登记
        "QLF_QL_YYDJ",  # 异议登记
        "QLF_QL_DYIQ",  # 地役权
        "QLF_QL_QTXGQL",  # 其他相关权利
    }
)
# Rights on land attach to the parcel's land unit; every other right to a house unit first.
LAND_RIGHT_TABLES = frozenset({LAND_USE_TABLE})
LAND_UNIT_SUFFIX = "W00000000"  # 定着物特征码 W + 8 zeros: the parcel itself as a unit

# Fields linking and loading read.
LOCATION = "ZL"  # 坐落
RIGHT_LOCATION = "FDZL"  # 房地坐落
HOUSE_AREA = "SCJZMJ"  # 实测建筑面积
RIGHT_AREA = "JZMJ"  # 建筑面积
STATUS = "QSZT"  # 权属状态: 1 现势, 2 历史, 3 终止
CURRENT = "1"
REGISTERED = "DJSJ"  # 登记时间
ID_NUMBER = "ZJH"  # 证件号
