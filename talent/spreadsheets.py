"""Spreadsheet writing shared by every export.

Exports use openpyxl's write-only mode (rows stream to a temporary file, memory
stays flat), keep Chinese headings, freeze the heading row and store any value
that a spreadsheet program could run as a formula as plain text.
"""

from __future__ import annotations

import datetime
import decimal
import tempfile
from collections.abc import Sequence

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
HEADING_FONT = Font(bold=True)
HEADING_FILL = PatternFill("solid", fgColor="E8EEF7")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def csv_safe(value):
    """For CSV there is no cell type: prefix an apostrophe, as OWASP advises."""
    if is_formula_like(value):
        return "'" + value
    return value


def plain_value(value):
    """Turn a Python value into something a cell can hold, in local time."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, (int, float, decimal.Decimal, datetime.date, bool)):
        return value
    return str(value)


def cell(sheet, value, *, heading: bool = False) -> WriteOnlyCell:
    value = plain_value(value)
    result = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # openpyxl reads a leading "=" as a formula; force text and set Excel's
        # own quote-prefix flag so editing the cell keeps it text.
        result.data_type = "s"
        if is_formula_like(value):
            result.quotePrefix = True
    if isinstance(value, datetime.datetime):
        result.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, datetime.date):
        result.number_format = "yyyy-mm-dd"
    if heading:
        result.font = HEADING_FONT
        result.fill = HEADING_FILL
    return result


def _cell_or_value(sheet, value):
    """Plain values go straight to openpyxl (fast path); a styled cell only where
    it matters: formula-like text (kept as text) and datetimes (our format).
    Plain dates get openpyxl's own yyyy-mm-dd format."""
    value = plain_value(value)
    if is_formula_like(value) or isinstance(value, datetime.datetime):
        return cell(sheet, value)
    return value


def write_workbook(
    output,
    sheets: Sequence[tuple],
    *,
    widths: dict[int, float] | None = None,
) -> None:
    """Write ``(title, headings, rows)`` sheets to ``output`` (path or binary file).

    A sheet may carry a fourth item, a list of chart makers: each is called with the
    sheet and its number of data rows once they are written and returns ``(chart,
    anchor)``, or None to leave it out — a native Excel chart over the sheet's own cells
    (``talent.charts``)."""
    workbook = Workbook(write_only=True)
    for title, headings, rows, *rest in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.freeze_panes = "A2"
        for index, heading in enumerate(headings, start=1):
            width = (widths or {}).get(index) or max(10, min(40, len(str(heading)) * 2 + 4))
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.append([cell(sheet, h, heading=True) for h in headings])
        count = 0
        for row in rows:
            sheet.append([_cell_or_value(sheet, v) for v in row])
            count += 1
        for make_chart in rest[0] if rest else ():
            made = make_chart(sheet, count) if count else None
            if made is not None:
                sheet.add_chart(*made)
    workbook.save(output)


def xlsx_response(filename: str, sheets, **kwargs) -> FileResponse:
    """Stream a workbook from a temporary file (write-only: memory does not grow)."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_workbook(spool, sheets, **kwargs)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE
    )
