"""Reading an uploaded workbook safely: refuse anything that is not a real,
reasonably sized .xlsx, then read the sheet a person sees.

``open_workbook`` checks the size, the zip (entry count, uncompressed size,
compression ratio) and every XML part for DTD or entity declarations (XML bombs)
before openpyxl opens it read-only (openpyxl itself parses through defusedxml).

``read_rows`` reads the *visible, active* sheet (hidden sheets are skipped) row by
row with the numbers the spreadsheet shows, and marks a formula cell whose file
holds no computed value with ``UNCALCULATED`` instead of reading it as empty.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ZIP_ENTRIES = 2_000
DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


class ImportRejected(Exception):
    """The file as a whole cannot be read (not xlsx, too large, unsafe, no header)."""


class Uncalculated:
    """A formula cell saved without its computed value (files written by scripts,
    or by Excel with manual calculation): the value is unknown, not empty."""

    def __repr__(self) -> str:
        return "UNCALCULATED"


UNCALCULATED = Uncalculated()


def read_upload(upload) -> bytes:
    size = getattr(upload, "size", None)
    too_large = _("文件过大（上限 %(mb)d MB）。") % {"mb": MAX_UPLOAD_BYTES // 1024 // 1024}
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ImportRejected(too_large)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1) if hasattr(upload, "read") else bytes(upload)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportRejected(too_large)
    return data


def check_archive(data: bytes) -> None:
    """Refuse what is no .xlsx, or an unsafe one, before any XML is parsed."""
    not_xlsx = _(
        "这不是有效的 .xlsx 文件，请用 Excel 或 WPS 另存为“Excel 工作簿 (.xlsx)”后再上传。"
    )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportRejected(not_xlsx)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise ImportRejected(not_xlsx)
            if len(infos) > MAX_ZIP_ENTRIES:
                raise ImportRejected(_("文件结构异常（条目过多），已拒绝。"))
            total = sum(i.file_size for i in infos)
            if total > MAX_UNCOMPRESSED_BYTES or any(
                i.compress_size and i.file_size / i.compress_size > MAX_COMPRESSION_RATIO
                for i in infos
            ):
                raise ImportRejected(_("文件解压后体积异常（疑似压缩炸弹），已拒绝。"))
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    with archive.open(info) as part:
                        head = part.read(4096)
                    if any(marker in head for marker in DTD_MARKERS):
                        raise ImportRejected(_("文件包含不安全的 XML 内容，已拒绝。"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError):
        raise ImportRejected(not_xlsx) from None


def open_workbook(upload):
    """Open an uploaded .xlsx read-only after checking it is safe to read."""
    data = read_upload(upload)
    check_archive(data)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except DefusedXmlException:
        raise ImportRejected(_("文件包含不安全的 XML 内容，已拒绝。")) from None
    except Exception:
        raise ImportRejected(
            _("这不是有效的 .xlsx 文件，请用 Excel 或 WPS 另存为“Excel 工作簿 (.xlsx)”后再上传。")
        ) from None


DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')


def count_rows(upload) -> int:
    """How many rows the largest sheet holds, without parsing it: the dimension
    Excel and WPS write at the top of a sheet, else the row tags counted in the
    raw XML. An estimate for the progress bar and the choice to go to the
    background (openpyxl's own look-up parses a whole sheet that lacks one)."""
    data = read_upload(upload)
    check_archive(data)
    largest = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            with archive.open(name) as part:
                head = part.read(4096)
                found = DIMENSION.search(head)
                if found:
                    largest = max(largest, int(found.group(1) or 1))
                    continue
                rows, tail = head.count(b"<row "), head[-5:]
                while chunk := part.read(1 << 20):
                    rows += (tail + chunk).count(b"<row ")
                    tail = chunk[-5:]
            largest = max(largest, rows)
    return largest


def visible_sheet(workbook):
    """The sheet a person sees on opening the file: the active one if it is
    visible, else the first visible one. Hidden sheets are never read."""
    visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    if not visible:
        raise ImportRejected(_("文件中没有可见的工作表。"))
    active = workbook.active
    return active if active in visible else visible[0]


class _Parser(WorkSheetParser):
    def parse_cell(self, element):
        cell = super().parse_cell(element)
        if cell["value"] is None and element.find(FORMULA_TAG) is not None:
            cell["value"] = UNCALCULATED
        return cell


def read_rows(workbook, sheet) -> Iterator[tuple[int, tuple]]:
    """``(row number, values)`` for each row present in ``sheet``, values indexed
    from column A. Uses openpyxl's streaming parser (the one ``iter_rows`` uses),
    with the one change above for formulas without a cached value."""
    with sheet._get_source() as source:
        parser = _Parser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            if not cells:
                yield number, ()
                continue
            values = [None] * max(c["column"] for c in cells)
            for c in cells:
                values[c["column"] - 1] = c["value"]
            yield number, tuple(values)
