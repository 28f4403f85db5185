"""Stock import into PostgreSQL staging: source rows/s through `stock_import` beside a raw
`COPY` of the same CSV file into a plain table, in the same run, at 100,000 and 1,000,000 rows
(full scale), with the process's peak RSS after each size.

The source is a GBK house register: one row per household with its unit, title and owner, so
every source row becomes three staged rows (KTT_FW_H, QLT_FW_FDCQ_YZ, ZTT_GY_QLR) with the owner's
name and ID number SM4-encrypted and blind-indexed. The raw COPY streams the file's bytes into a
table of text columns (`FORMAT csv, ENCODING 'GB18030'`): no mapping, no code translation, no
encryption — the floor any import path stands on.
"""

from __future__ import annotations

import csv
import random
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from django.db import connection

SIZES = (100_000, 1_000_000)
COLUMNS = (
    "房屋编号",
    "坐落",
    "建筑面积",
    "套内面积",
    "分摊面积",
    "用途",
    "所在层",
    "总层数",
    "房产证号",
    "业务号",
    "登记日期",
    "土地起",
    "土地止",
    "成交价",
    "权属状态",
    "产权人",
    "证件号",
    "性别",
)
MAPPING = """\
name: 基准测试房产登记簿
region_code: "340121"
version: "2015"
code_tables:
  房屋用途: {dictionary: FWYT, values: {"01": "11", "02": "31"}}
  权属状态: {dictionary: QSZT, values: {现势: "1", 历史: "2"}}
sources:
  - name: 房产登记簿
    kind: csv
    path: houses.csv
    encoding: gbk
    targets:
      - table: KTT_FW_H
        fields:
          BDCDYH: 房屋编号
          YSDM: {value: "6001030140"}
          ZL: 坐落
          MJDW: {value: "1"}
          SHBW: 所在层
          SCJZMJ: 建筑面积
          SCTNJZMJ: 套内面积
          SCFTJZMJ: 分摊面积
          FWYT1: {column: 用途, codes: 房屋用途}
          ZT: {value: "1"}
          QXDM: {value: "340121"}
      - table: QLT_FW_FDCQ_YZ
        fields:
          YSDM: {value: "6002010200"}
          BDCDYH: 房屋编号
          YWH: 业务号
          QLLX: {value: "4"}
          DJLX: {value: "100"}
          DJYY: {value: 存量首次登记}
          FDZL: 坐落
          TDSYQR: 产权人
          TDSYQSSJ: 土地起
          TDSYJSSJ: 土地止
          FDCJYJG: {column: 成交价, unit: 元}
          GHYT: {column: 用途, codes: 房屋用途}
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
"""


def _write_source(path: Path, rows: int) -> None:
    from bdcdj.demo.people import fake_id_number, fake_name

    rng = random.Random(rows)
    with path.open("w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(rows):
            parcel, building, household = n // 4000, (n // 100) % 40 + 1, n % 100 + 1
            zone = f"{parcel // 1000 + 1:03d}{parcel % 1000 + 1:03d}"
            code = f"340121{zone}GB{parcel % 90000 + 1:05d}F{building:04d}{household:04d}"
            floor = household // 4 + 1
            writer.writerow(
                (
                    code,
                    f"长丰县水湖镇基准路{parcel}号{building}幢{household}室",
                    f"{80 + n % 60}.50",
                    f"{68 + n % 60}.20",
                    "12.30",
                    "01" if n % 10 else "02",
                    floor,
                    30,
                    f"房权证长字第{n:08d}号",
                    f"FC{n:010d}",
                    f"{2000 + n % 24}/{n % 12 + 1}/{n % 28 + 1}",
                    "2001-01-01",
                    "2071-12-31",
                    str(600000 + n % 900000),
                    "现势",
                    fake_name(rng),
                    fake_id_number(rng, region_code="340121"),
                    str(n % 2 + 1),
                )
            )


def _raw_copy(path: Path) -> float:
    columns = ", ".join(f"c{i} text" for i in range(len(COLUMNS)))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_stock_raw")
        cursor.execute(f"CREATE TABLE bench_stock_raw ({columns})")
        started = time.perf_counter()
        with (
            cursor.cursor.copy(
                "COPY bench_stock_raw FROM STDIN (FORMAT csv, HEADER true, ENCODING 'GB18030')"
            ) as copy,
            path.open("rb") as handle,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_stock_raw")
    return seconds


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run(*, scale: float) -> dict[str, Any]:
    from bdcdj.stock.models import StagedRow, StockBatch
    from bdcdj.stock.services.importing import stock_import
    from bdcdj.stock.services.progress import delete_batch_rows

    if connection.vendor != "postgresql":
        raise RuntimeError("this benchmark needs PostgreSQL")
    figures: dict[str, Any] = {
        "source": "GBK CSV, 1 row = unit + title + owner (3 staged rows, SM4 + blind index)"
    }
    figures["rss_mb_at_start"] = _peak_rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        (directory / "mapping.yaml").write_text(MAPPING, encoding="utf-8")
        for size in SIZES:
            rows = max(1000, int(size * scale))
            source = directory / "houses.csv"
            _write_source(source, rows)
            raw_seconds = _raw_copy(source)
            for stale in StockBatch.objects.all():
                delete_batch_rows(stale)
                stale.delete()
            started = time.perf_counter()
            result = stock_import(mapping_text=MAPPING, base_dir=directory, by=None)
            seconds = time.perf_counter() - started
            batch = result.batch
            staged = StagedRow.objects.filter(batch=batch).count()
            raw_rate = rows / raw_seconds
            rate = rows / seconds
            figures[f"rows_{rows}"] = {
                "source_rows": rows,
                "staged_rows": staged,
                "file_mb": round(source.stat().st_size / 2**20, 1),
                "raw_copy_seconds": round(raw_seconds, 2),
                "raw_copy_rows_per_s": round(raw_rate),
                "stock_import_seconds": round(seconds, 2),
                "stock_import_rows_per_s": round(rate),
                "stock_import_staged_rows_per_s": round(staged / seconds),
                "ratio_to_raw_copy": round(rate / raw_rate, 3),
                "peak_rss_mb_after": _peak_rss_mb(),
                "status": batch.status,
            }
            print(f"   {rows} rows: {figures[f'rows_{rows}']}", flush=True)
            delete_batch_rows(batch)
            batch.delete()
    return figures
