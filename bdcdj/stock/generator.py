"""A generated legacy dataset for tests and demonstrations: a land register (GBK CSV), a house
楼盘表 (XLSX), a house register (UTF-8 CSV with BOM) and a mortgage register in a database
(SQLite file, or any SQLAlchemy URL such as MariaDB), with a mapping file for all four.

The registers overlap and disagree the way real ones do, and every defect is planted on purpose:
`LegacyDataset.expected_links` lists exactly the link findings a correct linker reports. People
are fictional (`demo.people`)."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from openpyxl import Workbook

from bdcdj.accounts.pii import mask_id_number
from bdcdj.demo.people import fake_credit_code, fake_id_number, fake_name

REGION = "340121"
MORTGAGE_TABLE = "stock_legacy_dy"
LAND_COLUMNS = (
    "宗地号",
    "坐落",
    "宗地面积",
    "土地用途",
    "权利性质",
    "土地等级",
    "四至东",
    "四至南",
    "四至西",
    "四至北",
    "档案号",
    "土地证号",
    "业务号",
    "登记日期",
    "使用起始",
    "使用终止",
    "取得价格元",
    "权属状态",
    "权利人",
    "证件类型",
    "证件号",
    "性别",
    "权利人类型",
    "上手证号",
)
UNIT_COLUMNS = (
    "房屋编号",
    "房屋编码",
    "坐落",
    "室号",
    "实测建面",
    "套内面积",
    "分摊面积",
    "用途",
    "房屋类型",
)
HOUSE_COLUMNS = (
    "房屋编号",
    "坐落",
    "建筑面积",
    "套内面积",
    "分摊面积",
    "规划用途",
    "所在层",
    "总层数",
    "房产证号",
    "业务号",
    "上手证号",
    "登记日期",
    "土地起",
    "土地止",
    "成交价",
    "权属状态",
    "产权人",
    "证件号",
    "性别",
)


@dataclass
class Person:
    name: str
    id_number: str
    sex: str
    kind: str = "个人"
    id_kind: str = "身份证"


@dataclass
class LegacyDataset:
    directory: Path
    mapping_path: Path
    sql_url: str
    expected_links: set[tuple[str, str]] = field(default_factory=set)
    facts: dict[str, str] = field(default_factory=dict)


def parcel_code(n: int, region: str = REGION) -> str:
    return f"{region}009009GB{n:05d}"


def house_code(parcel: int, household: int, region: str = REGION) -> str:
    return f"{parcel_code(parcel, region)}F0001{household:04d}"


def _person(rng: random.Random, region: str) -> Person:
    id_number = fake_id_number(rng, region_code=region)
    return Person(fake_name(rng), id_number, "1" if int(id_number[16]) % 2 else "2")


def _location(parcel: int, household: int) -> str:
    return f"长丰县双墩镇存量路{parcel}号1幢{100 + household}室"


def _land_rows(people: dict[str, Person], dev: Person) -> list[dict[str, str]]:
    def row(
        p: int, cert: str, ywh: str, day: str, status: str, owner: Person, prev: str = ""
    ) -> dict[str, str]:
        return {
            "宗地号": parcel_code(p),
            "坐落": f"长丰县双墩镇存量路{p}号",
            "宗地面积": f"{3000 + p * 100}.00",
            "土地用途": "住宅",
            "权利性质": "出让",
            "土地等级": "3",
            "四至东": "道路",
            "四至南": "空地",
            "四至西": "河道",
            "四至北": "道路",
            "档案号": f"TD-{p:04d}",
            "土地证号": cert,
            "业务号": ywh,
            "登记日期": day,
            "使用起始": "2005/01/01",
            "使用终止": "2075/12/31",
            "取得价格元": "3600000",
            "权属状态": status,
            "权利人": owner.name,
            "证件类型": owner.id_kind,
            "证件号": owner.id_number,
            "性别": owner.sex if owner.kind == "个人" else "",
            "权利人类型": owner.kind,
            "上手证号": prev,
        }

    return [
        row(1, "长国用(2005)第0001号", "TD2005-0001", "2005/03/01", "历史", people["A"]),
        row(1, "长国用(2012)第0101号", "TD2012-0101", "2012/06/01", "现势", dev, prev="长国用(2005)第0001号"),
        row(2, "长国用(2008)第0002号", "TD2008-0002", "2008/04/01", "现势", dev),
        row(3, "长国用(2009)第0003号", "TD2009-0003", "2009/05/01", "现势", people["C"]),
    ]


def _unit_rows() -> list[dict[str, str]]:
    rows = []
    for p in (1, 2, 3):
        for h in (1, 2, 3, 4):
            rows.append(
                {
                    "房屋编号": house_code(p, h),
                    "房屋编码": f"{REGION}0090090{p:04d}{h:06d}000"[:26],
                    "坐落": _location(p, h),
                    "室号": str(100 + h),
                    "实测建面": f"{88 + h}.50",
                    "套内面积": f"{75 + h}.20",
                    "分摊面积": "13.30",
                    "用途": "02" if h == 4 and p == 2 else "01",
                    "房屋类型": "1",
                }
            )
    rows[5]["用途"] = "09"  # P2 u2: an old code the code table does not know
    rows.append(dict(rows[11]))  # P3 u4 listed twice in the 楼盘表
    return rows


def generate_legacy(directory: Path, *, sql_url: str = "", seed: int = 20240601) -> LegacyDataset:
    """Write the dataset into `directory` (created) and return what was planted. Without
    `sql_url` the mortgage register is a SQLite file in the directory; with it, the table
    `stock_legacy_dy` is (re)created in that database."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    people = {key: _person(rng, REGION) for key in "ABCDEFGHIJKLMN"}
    dev = Person("长丰县存量置业有限公司", fake_credit_code(77, region_code=REGION), "", "企业", "营业执照")
    twin = Person(people["C"].name[0] + "某" + people["C"].name[-1], people["C"].id_number, people["C"].sex)
    land = _land_rows(people, dev)
    with (directory / "land.csv").open("w", encoding="gbk", newline="") as handle:
        writer = csv.DictWriter(handle, LAND_COLUMNS)
        writer.writeheader()
        writer.writerows(land)

    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "楼盘表"
    sheet.append(UNIT_COLUMNS)
    for unit in _unit_rows():
        sheet.append([unit[c] for c in UNIT_COLUMNS])
    book.save(directory / "units.xlsx")

    def house(
        p: int,
        h: int,
        cert: str,
        day: str,
        status: str,
        owner: Person,
        *,
        prev: str = "",
        code: str | None = None,
        price: str = "85",
        where: str | None = None,
    ) -> dict[str, str]:
        return {
            "房屋编号": house_code(p, h) if code is None else code,
            "坐落": where or _location(p, h),
            "建筑面积": f"{88 + h}.50",
            "套内面积": f"{75 + h}.20",
            "分摊面积": "13.30",
            "规划用途": "01",
            "所在层": "1",
            "总层数": "6",
            "房产证号": cert,
            "业务号": "FC" + cert[-6:-1],
            "上手证号": prev,
            "登记日期": day,
            "土地起": "2005-01-01",
            "土地止": "2075-12-31",
            "成交价": price,
            "权属状态": status,
            "产权人": owner.name,
            "证件号": owner.id_number,
            "性别": owner.sex,
        }

    cert = "房权证长字第{:05d}号".format
    houses = [
        house(1, 1, cert(1001), "2010-05-01", "历史", people["A"]),
        house(1, 1, cert(1002), "2016-07-01", "现势", people["D"], prev=cert(1001)),
        house(1, 2, cert(1003), "2009-01-10", "历史", people["E"]),
        house(1, 2, cert(1004), "2013-02-10", "历史", people["F"], prev=cert(1003)),
        house(1, 2, cert(1005), "2019-03-10", "现势", people["G"], prev=cert(1004)),
        house(1, 3, cert(1006), "2011-01-01", "现势", twin),  # same ID as C, another name
        house(1, 4, cert(1007), "2012-01-01", "现势", people["H"], prev=cert(1006)),  # 上手 on another unit
        house(2, 1, cert(1008), "2012-01-01", "现势", people["I"], price="850000"),  # 元 typed as 万元
        house(2, 2, cert(1009), "2012-02-01", "现势", people["J"]),
        house(2, 3, cert(1010), "2012-03-01", "现势", people["K"], code=""),  # no unit code: by location
        house(2, 4, cert(1011), "2012-04-01", "现势", people["L"]),
        house(2, 4, cert(1011), "2012-04-01", "现势", people["L"]),  # typed twice
        house(3, 1, cert(1012), "2013-01-01", "现势", people["M"]),
        house(3, 1, cert(1013), "2014-01-01", "现势", people["N"]),  # second current title, no chain
        house(3, 2, cert(1014), "2015-01-01", "现势", people["B"], prev=cert(9999)),  # 上手 unknown
        house(3, 9, cert(1015), "2015-02-01", "现势", people["B"], code="", where="长丰县双墩镇无名路9号"),
        house(3, 4, cert(1016), "2016-01-01", "现势", people["C"]),
    ]
    with (directory / "houses.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, HOUSE_COLUMNS)
        writer.writeheader()
        writer.writerows(houses)

    url = sql_url or f"sqlite:///{directory / 'mortgages.db'}"
    bank = Person(
        "中国存量银行股份有限公司长丰支行", fake_credit_code(78, region_code=REGION), "", "企业", "营业执照"
    )
    proof = "皖(2017)长丰县不动产证明第{:07d}号".format
    mortgages = [
        (
            1,
            house_code(1, 1),
            proof(1),
            "DY2017-0001",
            people["D"].name,
            "1",
            "5000000",
            "2017-01-01",
            "2037-01-01",
            "2017-01-05",
            "1",
        ),
        (
            2,
            house_code(9, 1),
            proof(2),
            "DY2017-0002",
            people["B"].name,
            "1",
            "300000",
            "2017-02-01",
            "2027-02-01",
            "2017-02-05",
            "1",
        ),
        (
            3,
            house_code(1, 2),
            proof(3),
            "DY2014-0003",
            people["F"].name,
            "1",
            "400000",
            "2014-01-01",
            "2024-01-01",
            "2014-01-05",
            "2",
        ),
    ]
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    table = sa.Table(
        MORTGAGE_TABLE,
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        *(
            sa.Column(name, sa.String(100))
            for name in (
                "dyh",
                "zmh",
                "ywh",
                "dyr",
                "dyfs",
                "je",
                "qssj",
                "jssj",
                "djsj",
                "qszt",
                "dyqr",
                "dyqr_zjh",
            )
        ),
    )
    meta.drop_all(engine)
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            table.insert(),
            [
                dict(
                    zip(
                        ("id", "dyh", "zmh", "ywh", "dyr", "dyfs", "je", "qssj", "jssj", "djsj", "qszt"),
                        m,
                        strict=True,
                    )
                )
                | {"dyqr": bank.name, "dyqr_zjh": bank.id_number}
                for m in mortgages
            ],
        )
    engine.dispose()

    mapping_path = directory / "mapping.yaml"
    mapping_path.write_text(MAPPING_TEMPLATE.replace("{SQL_URL}", url), encoding="utf-8")
    expected = {
        ("dup_unit", house_code(3, 4)),
        ("unit_no_right", house_code(3, 3)),
        ("heuristic", cert(1010)),
        ("right_no_unit", cert(1015)),
        ("right_no_unit", proof(2)),
        ("dup_right", cert(1011)),
        ("multi_current", house_code(3, 1)),
        ("broken_chain", cert(1014)),
        ("chain_unit", cert(1007)),
        ("party_conflict", mask_id_number(people["C"].id_number)),
    }
    facts = {
        "chain_unit": house_code(1, 2),
        "chain_first": cert(1003),
        "chain_last": cert(1005),
        "price_in_yuan": cert(1008),
        "unknown_use_unit": house_code(2, 2),
        "mortgage": proof(1),
        "owner_a_id": people["A"].id_number,
    }
    return LegacyDataset(directory, mapping_path, url, expected, facts)


MAPPING_TEMPLATE = """\
name: 长丰县存量登记数据（生成样例）
region_code: "340121"
version: "2015"
code_tables:
  土地用途: {dictionary: TDYT, values: {住宅: "071", 商服: "05"}}
  权利性质: {dictionary: QLXZ, values: {出让: "102", 划拨: "101"}}
  房屋用途: {dictionary: FWYT, values: {"01": "11", "02": "31"}}
  权属状态: {dictionary: QSZT, values: {现势: "1", 历史: "2", 注销: "3"}}
  证件种类: {dictionary: ZJZL, values: {身份证: "1", 营业执照: "8"}}
  权利人类型: {dictionary: QLRLX, values: {个人: "1", 企业: "2"}}
sources:
  - name: 土地登记簿
    kind: csv
    path: land.csv
    encoding: auto
    targets:
      - table: KTT_ZDJBXX
        fields:
          YSDM: {value: "6001010000"}
          ZDDM: 宗地号
          BDCDYH: {column: 宗地号, suffix: W00000000}
          ZDTZM: {column: 宗地号, slice: [12, 14]}
          ZL: 坐落
          ZDMJ: 宗地面积
          MJDW: {value: "1"}
          YT: {column: 土地用途, codes: 土地用途}
          DJ: 土地等级
          JG: {value: "0"}
          QLLX: {value: "3"}
          QLXZ: {column: 权利性质, codes: 权利性质}
          ZDSZD: 四至东
          ZDSZN: 四至南
          ZDSZX: 四至西
          ZDSZB: 四至北
          DAH: 档案号
          ZT: {value: "1"}
          DBR: {value: 存量导入}
          BSM: {column: 宗地号, slice: [14, 19]}
          DJJGBM: {value: "340121"}
          DJJGMC: {value: 长丰县不动产登记中心}
          JDH: {column: 宗地号, slice: [6, 9]}
          JFH: {column: 宗地号, slice: [9, 12]}
          ZH: {value: "1"}
          QXDM: {value: "340121"}
      - table: QLF_QL_JSYDSYQ
        fields:
          YSDM: {value: "6002020100"}
          ZDDM: 宗地号
          BDCDYH: {column: 宗地号, suffix: W00000000}
          YWH: 业务号
          QLLX: {value: "3"}
          DJLX: {value: "100"}
          DJYY: {value: "存量首次登记"}
          SYQMJ: 宗地面积
          SYQQSSJ: 使用起始
          SYQJSSJ: 使用终止
          QDJG: {column: 取得价格元, unit: 元}
          BDCQZH: 土地证号
          QXDM: {value: "340121"}
          DJJG: {value: 长丰县不动产登记中心}
          DBR: {value: 存量导入}
          DJSJ: 登记日期
          QSZT: {column: 权属状态, codes: 权属状态}
        links: {previous_certificate: 上手证号}
      - table: ZTT_GY_QLR
        fields:
          QLRMC: 权利人
          ZJZL: {column: 证件类型, codes: 证件种类}
          ZJH: 证件号
          BDCQZH: 土地证号
          GJ: {value: "142"}
          XB: 性别
          QLRLX: {column: 权利人类型, codes: 权利人类型}
          QXDM: {value: "340121"}
  - name: 楼盘表
    kind: xlsx
    path: units.xlsx
    sheet: 楼盘表
    targets:
      - table: KTT_FW_H
        fields:
          BDCDYH: 房屋编号
          FWBM: 房屋编码
          YSDM: {value: "6001030140"}
          ZL: 坐落
          MJDW: {value: "1"}
          SHBW: 室号
          SCJZMJ: 实测建面
          SCTNJZMJ: 套内面积
          SCFTJZMJ: 分摊面积
          FWYT1: {column: 用途, codes: 房屋用途}
          FWLX: 房屋类型
          ZT: {value: "1"}
          QXDM: {value: "340121"}
  - name: 房产登记簿
    kind: csv
    path: houses.csv
    targets:
      - table: QLT_FW_FDCQ_YZ
        fields:
          YSDM: {value: "6002010200"}
          BDCDYH: 房屋编号
          YWH: 业务号
          QLLX: {value: "4"}
          DJLX: {value: "100"}
          DJYY: {value: "存量首次登记"}
          FDZL: 坐落
          TDSYQR: 产权人
          TDSYQSSJ: 土地起
          TDSYJSSJ: 土地止
          FDCJYJG: 成交价
          GHYT: {column: 规划用途, codes: 房屋用途}
          SZC: 所在层
          ZCS: 总层数
          JZMJ: 建筑面积
          ZYJZMJ: 套内面积
          FTJZMJ: 分摊面积
          BDCQZH: 房产证号
          QXDM: {value: "340121"}
          DJJG: {value: 长丰县不动产登记中心}
          DBR: {value: 存量导入}
          DJSJ: 登记日期
          QSZT: {column: 权属状态, codes: 权属状态}
          QLQSSJ: 土地起
          QLJSSJ: 土地止
        links: {previous_certificate: 上手证号}
      - table: ZTT_GY_QLR
        fields:
          QLRMC: 产权人
          ZJZL: {value: "1"}
          ZJH: 证件号
          BDCQZH: 房产证号
          GJ: {value: "142"}
          XB: 性别
          QLRLX: {value: "1"}
          QXDM: {value: "340121"}
  - name: 抵押登记库
    kind: sql
    url: "{SQL_URL}"
    table: stock_legacy_dy
    key: id
    targets:
      - table: QLF_QL_DYAQ
        fields:
          YSDM: {value: "6002030100"}
          BDCDYH: dyh
          YWH: ywh
          DYBDCLX: {value: "2"}
          DYR: dyr
          DYFS: dyfs
          DJLX: {value: "100"}
          DJYY: {value: "存量抵押登记"}
          BDBZZQSE: {column: je, unit: 元}
          ZWLXQSSJ: qssj
          ZWLXJSSJ: jssj
          BDCDJZMH: zmh
          QXDM: {value: "340121"}
          DJJG: {value: 长丰县不动产登记中心}
          DBR: {value: 存量导入}
          DJSJ: djsj
          QSZT: qszt
          DYJELX: {value: "0"}
      - table: ZTT_GY_QLR
        fields:
          QLRMC: dyqr
          ZJZL: {value: "8"}
          ZJH: dyqr_zjh
          BDCQZH: zmh
          GJ: {value: "142"}
          QLRLX: {value: "2"}
          QXDM: {value: "340121"}
"""
