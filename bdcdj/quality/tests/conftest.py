"""Shared data of the quality tests: complete, clean standard rows of the demo county (one
mortgaged flat with its owner and bank), helpers to run one rule, and users of two districts."""

from collections.abc import Iterator
from copy import deepcopy
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from bdcdj.quality.engine import evaluate
from bdcdj.quality.findings import Finding, QualityContext
from bdcdj.quality.rules import RULES_BY_ID
from bdcdj.register.tests.factories import OTHER_REGION, REGION, make_user
from bdcdj.standards.selectors import dictionary_cache_clear

UNIT = "340121001001GB00001F00010001"
PARCEL = "340121001001GB00001"
ID_CARD = "11010519491231002X"  # the GB 11643 sample: valid check character
CREDIT_CODE = "91350100M000100Y43"  # a valid GB 32100 check character
REGISTERED = datetime(2024, 5, 6, 10, 30)

COMMON = {
    "QXDM": REGION,
    "DJJG": "长丰县不动产登记中心",
    "DBR": "王登簿",
    "DJSJ": REGISTERED,
    "QSZT": "1",
    "YWH": "2024-000001",
}

CLEAN_ROWS: dict[str, list[dict[str, Any]]] = {
    "KTT_FW_H": [
        {
            "BDCDYH": UNIT,
            "FWBM": "34012100100100001000100001",
            "YSDM": "6001030140",
            "ZRZH": UNIT[:24],
            "ZL": "长丰县水湖镇幸福路1号1幢101室",
            "MJDW": "1",
            "HH": 1,
            "SHBW": "101",
            "FWYT1": "11",
            "FWLX": "1",
            "SCJZMJ": Decimal("89.50"),
            "SCTNJZMJ": Decimal("75.20"),
            "SCFTJZMJ": Decimal("14.30"),
            "ZT": "1",
            "QXDM": REGION,
        }
    ],
    "QLT_FW_FDCQ_YZ": [
        {
            **COMMON,
            "YSDM": "6002010200",
            "BDCDYH": UNIT,
            "QLLX": "4",
            "DJLX": "100",
            "DJYY": "首次登记",
            "FDZL": "长丰县水湖镇幸福路1号1幢101室",
            "TDSYQR": "张小三",
            "TDSYQSSJ": date(2010, 1, 1),
            "TDSYJSSJ": date(2080, 12, 31),
            "FDCJYJG": Decimal("120.5"),
            "GHYT": "11",
            "SZC": 1,
            "ZCS": 6,
            "JZMJ": Decimal("89.50"),
            "ZYJZMJ": Decimal("75.20"),
            "FTJZMJ": Decimal("14.30"),
            "BDCQZH": "皖(2024)长丰县不动产权第0000001号",
            "QLQSSJ": date(2010, 1, 1),
            "QLJSSJ": date(2080, 12, 31),
        }
    ],
    "QLF_QL_DYAQ": [
        {
            **COMMON,
            "YSDM": "6002030100",
            "BDCDYH": UNIT,
            "DYBDCLX": "2",
            "DYR": "张小三",
            "DYFS": "1",
            "DJLX": "100",
            "DJYY": "抵押借款",
            "BDBZZQSE": Decimal("80"),
            "ZWLXQSSJ": date(2024, 1, 1),
            "ZWLXJSSJ": date(2044, 1, 1),
            "BDCDJZMH": "皖(2024)长丰县不动产证明第0000001号",
            "DYJELX": "0",
            "DBFW": "主债权及利息、违约金、损害赔偿金和实现抵押权的费用",
            "SFCZJZHXZ": "0",
        }
    ],
    "ZTT_GY_QLR": [
        {
            "QLRMC": "张小三",
            "ZJZL": "1",
            "ZJH": ID_CARD,
            "GJ": "142",
            "XB": "2",
            "QLRLX": "1",
            "GYFS": "0",
            "QXDM": REGION,
        },
        {
            "QLRMC": "中国建设银行股份有限公司长丰支行",
            "ZJZL": "8",
            "ZJH": CREDIT_CODE,
            "GJ": "142",
            "XB": "3",
            "QLRLX": "2",
            "QXDM": REGION,
        },
    ],
}


def clean_rows(**changes: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A fresh copy of CLEAN_ROWS; `changes` updates the first row of each named table
    (a value of None removes the field)."""
    rows = deepcopy(CLEAN_ROWS)
    for table, values in changes.items():
        row = rows[table][0]
        for key, value in values.items():
            if value is None:
                row.pop(key, None)
            else:
                row[key] = value
    return rows


def context(**overrides: Any) -> QualityContext:
    values: dict[str, Any] = {"region_code": REGION, "stage": "ingest", "version": "2021"}
    values.update(overrides)
    return QualityContext(**values)


def run(rule_id: str, rows: dict[str, Any], **overrides: Any) -> list[Finding]:
    """Findings of one catalogue rule."""
    return list(evaluate(rows=rows, context=context(**overrides), rules=[RULES_BY_ID[rule_id]]).findings)


@pytest.fixture(autouse=True)
def _fresh_dictionary_cache() -> Iterator[None]:
    dictionary_cache_clear()
    yield
    dictionary_cache_clear()


@pytest.fixture
def analyst(db):
    return make_user("analyst", pages=("quality.stats",))


@pytest.fixture
def other_analyst(db):
    return make_user("feidong_analyst", regions=(OTHER_REGION,), pages=("quality.stats",))


@pytest.fixture
def registrar(db):
    return make_user("registrar", pages=("register.units",))
