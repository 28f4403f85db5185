"""Reading legacy sources row by row with flat memory: CSV (UTF-8 or GBK/GB18030), XLSX (openpyxl
read-only) and database tables (SQLAlchemy: PostgreSQL, MySQL/MariaDB through PyMySQL, SQLite).

Every reader first makes one pass to fingerprint the content (SM3) and count rows, so a re-run of
the same import is recognised before anything is staged and progress has a total. Values come
out as trimmed strings; dates as ISO text. Problems are `SourceError`s naming the source and the
row (line of a file, row of a sheet, primary key of a table)."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes

from bdcdj.stock.mapping import Source

CHUNK_BYTES = 1 << 20
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "gb18030": "GBK/GB18030"}
SQL_BATCH = 2000
csv.field_size_limit(1 << 20)


class SourceError(Exception):
    """A source cannot be read (as a whole or at one row). `kind` is an IssueKind value."""

    def __init__(self, *, kind: str, source: str, message: str, row_ref: str = "", column: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.source = source
        self.message = message
        self.row_ref = row_ref
        self.column = column


def text_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bytes):
        return ""
    return str(value).strip()


@dataclass
class Reader:
    """An opened source: its header, a row count (estimate for CSV), a content digest and the rows."""

    source: Source
    header: list[str]
    total: int
    digest: str
    detail: str  # what was opened, for the report (file and encoding; URL without password)
    _rows: Any

    def rows(self) -> Iterator[tuple[str, list[str]]]:
        """(row reference, values in header order)."""
        return self._rows()


def _error(source: Source, message: str, kind: str = "structure", **extra: str) -> SourceError:
    return SourceError(kind=kind, source=source.name, message=message, **extra)


def _check_columns(source: Source, header: list[str]) -> None:
    missing = sorted(source.columns() - set(header))
    if missing:
        raise _error(
            source,
            f"来源“{source.name}”没有映射所需的列：{'、'.join(missing)}（现有列：{'、'.join(header[:40])}）",
            kind="mapping",
        )


def _file(source: Source, base_dir: Path) -> Path:
    path = Path(source.path)
    if not path.is_absolute():
        path = base_dir / path
    if not path.is_file():
        raise _error(source, f"来源“{source.name}”的文件不存在：{path.name}", kind="mapping")
    return path


def _scan(path: Path, encoding: str) -> tuple[str, str, int]:
    """(encoding to read with, SM3 of the bytes, number of line breaks); 'auto' means a UTF-8
    BOM, else strict UTF-8 if every byte decodes, else GB18030 (a superset of GBK)."""
    digest = hashes.Hash(hashes.SM3())
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    utf8, lines, first = True, 0, True
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            if first:
                bom, first = chunk.startswith(codecs.BOM_UTF8), False
            digest.update(chunk)
            lines += chunk.count(b"\n")
            if utf8 and encoding == "auto":
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    if encoding == "auto":
        chosen = ("utf-8-sig" if bom else "utf-8") if utf8 else "gb18030"
    elif encoding == "utf-8":
        chosen = "utf-8-sig"
    else:
        chosen = "gb18030"
    return chosen, digest.finalize().hex(), lines


def _open_csv(source: Source, base_dir: Path) -> Reader:
    path = _file(source, base_dir)
    encoding, digest, lines = _scan(path, source.encoding)
    try:
        with path.open(encoding=encoding, newline="") as handle:
            header = [h.strip() for h in next(csv.reader(handle), [])]
    except UnicodeDecodeError:
        shown = ENCODING_NAMES[encoding]
        raise _error(
            source, f"来源“{source.name}”的表头不是 {shown} 编码", kind="encoding", row_ref="1"
        ) from None
    if not header or not any(header):
        raise _error(source, f"来源“{source.name}”是空文件或没有表头", row_ref="1")
    _check_columns(source, header)
    width = len(header)

    def rows() -> Iterator[tuple[str, list[str]]]:
        with path.open(encoding=encoding, errors="strict", newline="") as handle:
            reader = csv.reader(handle)
            try:
                next(reader)
                for values in reader:
                    if not values or (len(values) == 1 and not values[0].strip()):
                        continue
                    if len(values) != width:
                        raise _error(
                            source,
                            f"第{reader.line_num}行有{len(values)}列，表头有{width}列",
                            row_ref=str(reader.line_num),
                        )
                    yield str(reader.line_num), [v.strip() for v in values]
            except UnicodeDecodeError:
                line = reader.line_num + 1
                shown = ENCODING_NAMES[encoding]
                raise _error(
                    source, f"第{line}行附近的内容不是 {shown} 编码", kind="encoding", row_ref=str(line)
                ) from None
            except csv.Error as exc:
                raise _error(
                    source, f"第{reader.line_num}行格式错误：{exc}", row_ref=str(reader.line_num)
                ) from None

    return Reader(
        source, header, max(0, lines - 1), digest, f"{path.name}（{ENCODING_NAMES[encoding]}）", rows
    )


def _open_xlsx(source: Source, base_dir: Path) -> Reader:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    path = _file(source, base_dir)
    digest = hashes.Hash(hashes.SM3())
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise _error(source, f"来源“{source.name}”不是有效的 XLSX 文件：{path.name}") from None
    if source.sheet and source.sheet not in book.sheetnames:
        book.close()
        raise _error(source, f"工作簿中没有工作表“{source.sheet}”", kind="mapping")
    sheet = book[source.sheet] if source.sheet else book.worksheets[0]
    first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    header = [text_value(h) for h in first]
    book.close()
    if not any(header):
        raise _error(source, f"来源“{source.name}”的工作表没有表头", row_ref="1")
    _check_columns(source, header)
    width = len(header)
    total = max(0, (sheet.max_row or 1) - 1)

    def rows() -> Iterator[tuple[str, list[str]]]:
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            ws = book[source.sheet] if source.sheet else book.worksheets[0]
            for number, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
                texts = [text_value(v) for v in values[:width]]
                if not any(texts):
                    continue
                if len(values) > width and any(text_value(v) for v in values[width:]):
                    raise _error(source, f"第{number}行在表头以外的列有数据", row_ref=str(number))
                texts.extend([""] * (width - len(texts)))
                yield str(number), texts
        finally:
            book.close()

    return Reader(
        source, header, total, digest.finalize().hex(), f"{path.name}（工作表 {sheet.title}）", rows
    )


def _open_sql(source: Source, url_override: str = "") -> Reader:
    import sqlalchemy as sa
    from sqlalchemy import exc as sa_exc

    url = url_override or source.url or os.environ.get(source.url_env, "")
    try:
        shown = sa.engine.make_url(url).render_as_string(hide_password=True)
        engine = sa.create_engine(url)
    except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError, ValueError):
        raise _error(source, f"来源“{source.name}”的数据库地址无效", kind="mapping") from None
    try:
        table = sa.Table(source.table, sa.MetaData(), autoload_with=engine)
    except sa_exc.NoSuchTableError:
        engine.dispose()
        raise _error(source, f"数据库 {shown} 中没有表“{source.table}”", kind="mapping") from None
    except sa_exc.SQLAlchemyError as exc:
        engine.dispose()
        raise _error(source, f"无法连接数据库 {shown}：{type(exc).__name__}") from None
    header = [column.name for column in table.columns]
    _check_columns(source, header)
    key = source.key or (
        table.primary_key.columns.values()[0].name if len(table.primary_key.columns) == 1 else ""
    )
    order = [table.c[key]] if key else list(table.primary_key.columns) or list(table.columns)
    key_index = header.index(key) if key else -1
    query = sa.select(table).order_by(*order)

    def stream() -> Iterator[tuple[str, list[str]]]:
        with engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=SQL_BATCH).execute(query)
            for number, values in enumerate(result, start=1):
                texts = [text_value(v) for v in values]
                yield (texts[key_index] if key_index >= 0 else str(number)), texts

    digest, total = hashes.Hash(hashes.SM3()), 0
    try:
        for _ref, texts in stream():
            digest.update("\x1f".join(texts).encode("utf-8") + b"\x1e")
            total += 1
    except sa_exc.SQLAlchemyError as exc:
        engine.dispose()
        raise _error(source, f"读取数据库表“{source.table}”失败：{type(exc).__name__}") from None

    def rows() -> Iterator[tuple[str, list[str]]]:
        try:
            yield from stream()
        finally:
            engine.dispose()

    return Reader(source, header, total, digest.finalize().hex(), f"{shown} 表 {source.table}", rows)


def open_source(source: Source, *, base_dir: Path, url_override: str = "") -> Reader:
    if source.kind == "csv":
        return _open_csv(source, base_dir)
    if source.kind == "xlsx":
        return _open_xlsx(source, base_dir)
    return _open_sql(source, url_override)
