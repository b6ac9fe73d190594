"""Spreadsheet imports: a template, a dry run that names every bad cell, an
all-or-nothing commit.

An importer declares an ``ImportSpec`` (its columns and how each cell is parsed)
and an ``apply`` function that writes the parsed rows. ``run_import`` does the
rest:

1. ``open_workbook`` refuses anything that is not a real, reasonably sized .xlsx:
   size cap, zip sanity (entry count, uncompressed size, compression ratio), no DTD
   or entity declarations in any XML part (XML bombs), and openpyxl itself parses
   through defusedxml. The workbook is opened read-only.
2. ``ImportSpec.parse`` finds the heading row (merged title rows above it are fine),
   maps columns by their Chinese headings in any order, normalises messy input
   (full-width digits and spaces, trailing spaces, 工号 stored as numbers, dates typed
   as text or Excel serials) and collects every problem as a ``CellError`` naming
   the row, the column letter and the heading, in Chinese.
3. Only a clean dry run may commit; ``apply`` runs in one transaction with an audit
   event, and a ``RowError`` raised from it rolls everything back.
"""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from defusedxml.common import DefusedXmlException
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from talent import audit
from talent.spreadsheets import HEADING_FILL, HEADING_FONT

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ZIP_ENTRIES = 2_000
HEADER_SEARCH_ROWS = 10
DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


class ImportRejected(Exception):
    """The file as a whole cannot be read (not xlsx, too large, unsafe, no header)."""


class CellValueError(ValueError):
    """Raised by a column parser; the message is shown to the user."""


class RowError(Exception):
    """Raised by ``apply`` to reject one row during the commit (rolls back all)."""

    def __init__(self, row: int, message: str, column: str = "", header: str = ""):
        super().__init__(message)
        self.row, self.column, self.header, self.message = row, column, header, message


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    header: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("第 %(row)d 行 %(col)s 列（%(header)s）：%(message)s") % {
                "row": self.row,
                "col": self.column,
                "header": self.header,
                "message": self.message,
            }
        return _("第 %(row)d 行：%(message)s") % {"row": self.row, "message": self.message}


# Cell normalisers and parsers ------------------------------------------------


def clean_text(value: Any) -> str:
    """Full-width → half-width (NFKC), trim, and numbers typed as numbers → digits."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).replace("\u3000", " ").strip()


def text(max_length: int | None = None) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        result = clean_text(value)
        if max_length and len(result) > max_length:
            raise CellValueError(_("不能超过 %(n)d 个字符") % {"n": max_length})
        return result

    return parse


def code(max_length: int = 32) -> Callable[[Any], str]:
    """Identifiers such as 工号 / 证书编号: stored as numbers in many files, no spaces."""

    def parse(value: Any) -> str:
        result = clean_text(value).replace(" ", "").upper()
        if len(result) > max_length:
            raise CellValueError(_("不能超过 %(n)d 个字符") % {"n": max_length})
        if not re.fullmatch(r"[0-9A-Z_\-/.]+", result):
            raise CellValueError(_("只能包含字母、数字和 - _ / ."))
        return result

    return parse


def integer(min_value: int | None = None, max_value: int | None = None):
    def parse(value: Any) -> int:
        raw = clean_text(value)
        if isinstance(value, float) and not value.is_integer():
            raise CellValueError(_("应为整数"))
        if not re.fullmatch(r"[+-]?\d+", raw):
            raise CellValueError(_("应为整数"))
        number = int(raw)
        if min_value is not None and number < min_value:
            raise CellValueError(_("不能小于 %(n)d") % {"n": min_value})
        if max_value is not None and number > max_value:
            raise CellValueError(_("不能大于 %(n)d") % {"n": max_value})
        return number

    return parse


def decimal(
    min_value: Decimal | int | None = None, max_value: Decimal | int | None = None, places: int = 2
):
    def parse(value: Any) -> Decimal:
        raw = clean_text(value)
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise CellValueError(_("应为数字")) from None
        if not number.is_finite():
            raise CellValueError(_("应为数字"))
        if min_value is not None and number < Decimal(min_value):
            raise CellValueError(_("不能小于 %(n)s") % {"n": min_value})
        if max_value is not None and number > Decimal(max_value):
            raise CellValueError(_("不能大于 %(n)s") % {"n": max_value})
        return round(number, places)

    return parse


DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def date(value: Any) -> datetime.date:
    """Real dates, Excel serial numbers, and text like 2024-03-05, 2024/3/5,
    2024.3.5, 2024年3月5日 or 20240305. Day-first or month-first text such as
    05/03/2024 is ambiguous and refused."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2_958_466:  # Excel's serial range
            return from_excel(value).date()
        raise CellValueError(_("无法识别的日期"))
    raw = clean_text(value).replace(" ", "")
    for pattern in DATE_PATTERNS:
        match = pattern.fullmatch(raw)
        if match:
            try:
                return datetime.date(*(int(g) for g in match.groups()))
            except ValueError:
                raise CellValueError(_("日期不存在")) from None
    raise CellValueError(_("无法识别的日期，请写成 2024-03-05 的形式"))


def choice(options: dict[str, Any] | Iterable[tuple[Any, Any]]):
    """Accept a choice by its Chinese label or its stored value."""
    pairs = list(options.items()) if isinstance(options, dict) else list(options)
    lookup = {}
    for stored, label in pairs:
        lookup[clean_text(label)] = stored
        lookup[clean_text(stored)] = stored
    labels = [str(label) for _stored, label in pairs]

    def parse(value: Any):
        raw = clean_text(value)
        if raw in lookup:
            return lookup[raw]
        raise CellValueError(_("应为以下之一：%(options)s") % {"options": "、".join(labels)})

    parse.labels = labels  # used for the template's drop-down
    return parse


def boolean(value: Any) -> bool:
    raw = clean_text(value).lower()
    if raw in ("是", "y", "yes", "true", "1", "√", "在职", "有"):
        return True
    if raw in ("否", "n", "no", "false", "0", "×", "离职", "无"):
        return False
    raise CellValueError(_("应填“是”或“否”"))


def unit(units: list) -> Callable[[Any], Any]:
    """An org unit by its code or (unambiguous) name, among ``units`` — pass the
    units in the importing user's scope, so anything else reads as not found."""
    by_code = {u.code.upper(): u for u in units}
    by_name: dict[str, list] = {}
    for u in units:
        by_name.setdefault(clean_text(u.name), []).append(u)

    def parse(value):
        raw = clean_text(value)
        if raw.upper() in by_code:
            return by_code[raw.upper()]
        matches = by_name.get(raw, [])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise CellValueError(_("单位名称“%(name)s”不唯一，请改填单位编码") % {"name": raw})
        raise CellValueError(_("找不到单位“%(name)s”，或不在您的管辖范围内") % {"name": raw})

    return parse


def phone(value) -> str:
    raw = clean_text(value).replace("-", "").replace(" ", "")
    if not raw.isdigit() or not 7 <= len(raw) <= 12:
        raise CellValueError(_("手机号应为 7–12 位数字"))
    return raw


def email(value) -> str:
    from django.core.validators import validate_email

    raw = clean_text(value)
    try:
        validate_email(raw)
    except Exception:
        raise CellValueError(_("电子邮箱格式不正确")) from None
    return raw


# Columns and specs -------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    parse: Callable[[Any], Any] = field(default_factory=text)
    required: bool = True
    unique: bool = False
    aliases: tuple[str, ...] = ()
    example: Any = None
    help: str = ""

    @property
    def labels(self) -> list[str] | None:
        return getattr(self.parse, "labels", None)

    def names(self) -> set[str]:
        return {normalise_header(h) for h in (self.header, *self.aliases)}


def normalise_header(value: Any) -> str:
    raw = clean_text(value)
    raw = re.sub(r"[（(].*?[)）]", "", raw)  # "工号（必填）" → "工号"
    return raw.replace("*", "").replace(" ", "").strip()


@dataclass
class ParsedRow:
    number: int  # the spreadsheet row number a person sees
    values: dict[str, Any]


@dataclass
class ImportResult:
    rows: list[ParsedRow]
    errors: list[CellError]
    committed: bool = False
    summary: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportSpec:
    name: str  # e.g. "roster", used in audit and file names
    title: str  # Chinese, shown on screens and as the sheet title
    columns: Sequence[Column]
    max_rows: int = 20_000
    # per-row cross-field rules: values -> [(column key, message)]
    validate_row: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None
    # whole-file rules that need the database (one query for all rows)
    check_rows: Callable[[list[ParsedRow]], list[CellError]] | None = None

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    # Template --------------------------------------------------------------
    def template(self) -> bytes:
        """A workbook with Chinese headings, an example row, notes and drop-downs."""
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = self.title[:31]
        sheet.freeze_panes = "A2"
        for index, column in enumerate(self.columns, start=1):
            letter = get_column_letter(index)
            heading = str(column.header) + ("" if column.required else _("（选填）"))
            sheet.cell(row=1, column=index, value=heading)
            sheet.cell(row=1, column=index).font = HEADING_FONT
            sheet.cell(row=1, column=index).fill = HEADING_FILL
            sheet.column_dimensions[letter].width = max(12, len(heading) * 2 + 4)
            if column.example is not None:
                example = column.example
                if not isinstance(example, (int, float, Decimal, datetime.date)):
                    example = str(example)  # lazy translations too
                sheet.cell(row=2, column=index, value=example)
                if isinstance(example, str):
                    sheet.cell(row=2, column=index).data_type = "s"
            if column.labels:
                validation = DataValidation(
                    type="list",
                    formula1='"' + ",".join(column.labels) + '"',
                    allow_blank=not column.required,
                    showErrorMessage=True,
                    errorTitle=_("无效的值"),
                    error=_("请从下拉列表中选择"),
                )
                validation.add(f"{letter}2:{letter}{self.max_rows + 1}")
                sheet.add_data_validation(validation)
        notes = workbook.create_sheet(_("填写说明"))
        notes.append([_("列"), _("是否必填"), _("说明")])
        for column in self.columns:
            notes.append(
                [str(column.header), _("必填") if column.required else _("选填"), str(column.help)]
            )
        notes.column_dimensions["A"].width = 18
        notes.column_dimensions["C"].width = 60
        output = io.BytesIO()
        workbook.save(output)
        return output.getvalue()

    # Parsing ---------------------------------------------------------------
    def parse(self, upload) -> ImportResult:
        workbook = open_workbook(upload)
        try:
            sheet = workbook.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
            header_number, mapping, errors = self._find_header(rows)
            parsed: list[ParsedRow] = []
            seen: dict[str, dict[Any, int]] = {c.key: {} for c in self.columns if c.unique}
            number = header_number
            for raw in rows:
                number += 1
                if raw is None or all(clean_text(v) == "" for v in raw):
                    continue
                if len(parsed) >= self.max_rows:
                    errors.append(
                        CellError(
                            number,
                            "",
                            "",
                            _("超过 %(n)d 行的上限，请分批导入。") % {"n": self.max_rows},
                        )
                    )
                    break
                values, row_errors = self._parse_row(number, raw, mapping, seen)
                errors.extend(row_errors)
                parsed.append(ParsedRow(number, values))
        except DefusedXmlException:
            raise ImportRejected(_("文件包含不安全的 XML 内容，已拒绝。")) from None
        finally:
            workbook.close()
        if not parsed and not errors:
            errors.append(CellError(header_number + 1, "", "", _("表格中没有数据行。")))
        if not errors and self.check_rows:
            errors.extend(self.check_rows(parsed))
        return ImportResult(rows=parsed, errors=errors)

    def _find_header(self, rows) -> tuple[int, dict[int, Column], list[CellError]]:
        required = [c for c in self.columns if c.required]
        for number in range(1, HEADER_SEARCH_ROWS + 1):
            raw = next(rows, None)
            if raw is None:
                break
            found: dict[int, Column] = {}
            errors: list[CellError] = []
            for index, value in enumerate(raw):
                name = normalise_header(value)
                if not name:
                    continue
                column = next((c for c in self.columns if name in c.names()), None)
                if column is None:
                    continue
                if column in found.values():
                    errors.append(
                        CellError(
                            number, get_column_letter(index + 1), column.header, _("重复的列标题")
                        )
                    )
                    continue
                found[index] = column
            hits = sum(1 for c in required if c in found.values())
            if required and hits * 2 >= len(required) or (not required and found):
                for column in required:
                    if column not in found.values():
                        errors.append(
                            CellError(
                                number,
                                "",
                                column.header,
                                _("缺少必填列“%(h)s”") % {"h": column.header},
                            )
                        )
                return number, found, errors
        raise ImportRejected(
            _("在前 %(n)d 行中没有找到标题行，请使用下载的模板（需要的列：%(cols)s）。")
            % {"n": HEADER_SEARCH_ROWS, "cols": "、".join(c.header for c in required)}
        )

    def _parse_row(self, number, raw, mapping, seen):
        values: dict[str, Any] = {}
        errors: list[CellError] = []
        letters: dict[str, str] = {}
        for index, column in mapping.items():
            letter = get_column_letter(index + 1)
            letters[column.key] = letter
            cell = raw[index] if index < len(raw) else None
            if clean_text(cell) == "":
                if column.required:
                    errors.append(CellError(number, letter, column.header, _("不能为空")))
                values[column.key] = None
                continue
            try:
                values[column.key] = column.parse(cell)
            except CellValueError as exc:
                errors.append(CellError(number, letter, column.header, str(exc)))
                continue
            if column.unique:
                key = values[column.key]
                if key in seen[column.key]:
                    errors.append(
                        CellError(
                            number,
                            letter,
                            column.header,
                            _("与第 %(row)d 行重复") % {"row": seen[column.key][key]},
                        )
                    )
                else:
                    seen[column.key][key] = number
        for column in self.columns:
            values.setdefault(column.key, None)
        if self.validate_row and not errors:
            for key, message in self.validate_row(values):
                column = self.column(key)
                errors.append(CellError(number, letters.get(key, ""), column.header, message))
        return values, errors


# Safety ----------------------------------------------------------------------


def _read_upload(upload) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ImportRejected(
            _("文件过大（上限 %(mb)d MB）。") % {"mb": MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1) if hasattr(upload, "read") else bytes(upload)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportRejected(
            _("文件过大（上限 %(mb)d MB）。") % {"mb": MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    return data


def open_workbook(upload):
    """Open an uploaded .xlsx read-only after checking it is safe to read."""
    data = _read_upload(upload)
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
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except DefusedXmlException:
        raise ImportRejected(_("文件包含不安全的 XML 内容，已拒绝。")) from None
    except Exception:
        raise ImportRejected(not_xlsx) from None


# Running -------------------------------------------------------------------


def run_import(
    spec: ImportSpec,
    upload,
    *,
    actor,
    commit: bool,
    apply: Callable[[list[ParsedRow]], str],
    audit_obj=None,
) -> ImportResult:
    """Parse ``upload``; if clean and ``commit``, call ``apply(rows)`` in one
    transaction (it returns a summary such as "新增 12 人，更新 3 人"), with an audit
    event on ``audit_obj`` (e.g. the unit imported into). ``ImportRejected`` from the
    file check propagates; a ``RowError`` from ``apply`` becomes a reported error and
    nothing is written."""
    result = spec.parse(upload)
    if not result.ok or not commit:
        return result
    try:
        with transaction.atomic():
            result.summary = apply(result.rows)
            if audit_obj is not None:
                audit.record(
                    actor=actor,
                    action="talent.import",
                    obj=audit_obj,
                    after={
                        "import": spec.name,
                        "rows": len(result.rows),
                        "summary": result.summary,
                    },
                )
    except RowError as exc:
        result.errors.append(CellError(exc.row, exc.column, exc.header, exc.message))
        return result
    result.committed = True
    return result
