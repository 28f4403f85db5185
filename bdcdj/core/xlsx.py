"""XLSX export shared by every list page.

Every value is written as a text cell: openpyxl would otherwise turn a string starting with
'=' into a formula, and exported data (names, remarks) is user input.
"""

import io
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(
    *, sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]
) -> tuple[bytes, int]:
    """The workbook and the number of data rows written."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title)
    sheet.append(list(headers))
    count = 0
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value="" if value is None else str(value))
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
        count += 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), count


def xlsx_response(*, filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
