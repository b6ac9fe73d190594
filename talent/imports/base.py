"""Spreadsheet imports: a template, a dry run that names every problem in one
pass, an all-or-nothing commit.

An importer declares an ``ImportSpec`` (its columns and how each cell is parsed,
per-row rules and whole-file rules) and an ``apply`` function that writes the
parsed rows; an ``Importer`` bundles them so a background job can rebuild both.
``run_import`` does the rest:

1. ``open_workbook`` (talent.imports.workbook) refuses anything that is not a real,
   reasonably sized .xlsx; the visible, active sheet is read, hidden ones skipped.
2. ``ImportSpec.parse`` finds the heading row (merged title rows above it are fine),
   maps columns by their Chinese headings in any order and refuses unknown ones by
   name, normalises messy input (full-width characters, zero-width spaces and BOMs,
   工号 stored as numbers, dates typed as text or Excel serials), refuses invisible
   control characters by name, and then runs every row rule and every whole-file
   rule (duplicates within the file, the database) on *all* rows, so one dry run
   lists every problem: each a ``CellError`` with the row, the column letter as
   placed in that file, the heading, and what to change, in Chinese.
3. Only a clean dry run may commit: the commit takes the dry run's rows (kept with
   ``dump_result``), runs the whole-file rules again (the database may have moved),
   then ``apply`` runs in one transaction with an audit event. Whatever ``apply``
   could refuse, a check has already reported.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from defusedxml.common import DefusedXmlException
from django.apps import apps as django_apps
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from talent import audit
from talent.imports.cells import (
    INVISIBLE,
    CellValueError,
    boolean,
    choice,
    clean_text,
    code,
    date,
    decimal,
    email,
    hidden_characters,
    integer,
    past_date,
    past_year,
    phone,
    text,
    unit,
)
from talent.imports.workbook import (
    MAX_UPLOAD_BYTES,
    UNCALCULATED,
    ImportRejected,
    open_workbook,
    read_rows,
    visible_sheet,
)
from talent.spreadsheets import HEADING_FILL, HEADING_FONT

__all__ = [
    "INVISIBLE",
    "MAX_UPLOAD_BYTES",
    "CellValueError",
    "ImportRejected",
    "boolean",
    "choice",
    "clean_text",
    "code",
    "date",
    "decimal",
    "email",
    "integer",
    "open_workbook",
    "past_date",
    "past_year",
    "phone",
    "unit",
]

HEADER_SEARCH_ROWS = 10
PROGRESS_EVERY = 500
# Headings people add to every list; they carry no fact, so they are passed over.
IGNORED_HEADERS = {"序号"}


class RowError(Exception):
    """Raised by ``apply`` to reject one row during the commit (rolls back all)."""

    def __init__(self, row: int, message: str, column: str = "", header: str = ""):
        super().__init__(message)
        self.row, self.column, self.header, self.message = row, column, header, message


@dataclass(frozen=True)
class CellError:
    row: int
    column: str  # the letter as placed in the uploaded file ("" for the whole row)
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

    @property
    def sort_key(self) -> tuple[int, int]:
        return self.row, column_index_from_string(self.column) if self.column else 0


@dataclass(frozen=True)
class Problem:
    """What a row rule or a whole-file rule finds: the framework turns the column
    key into the letter it has in the uploaded file and the heading."""

    row: int
    key: str  # a column key, or "" for the whole row
    message: str


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

    def display(self, value: Any) -> str:
        """A parsed value as the preview shows it (choices by their label)."""
        if value is None:
            return ""
        label_of = getattr(self.parse, "label_of", None)
        if label_of is not None:
            return label_of.get(value, str(value))
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if isinstance(value, (datetime.date, datetime.datetime)):
            return value.isoformat()
        return str(value)


def normalise_header(value: Any) -> str:
    raw = clean_text(value)
    raw = re.sub(r"[（(].*?[)）]", "", raw)  # "工号（必填）" → "工号"
    return raw.replace("*", "").replace(" ", "").strip()


@dataclass
class ParsedRow:
    number: int  # the spreadsheet row number a person sees
    values: dict[str, Any]
    bad: frozenset[str] = frozenset()  # keys whose cells were refused
    # objects a whole-file rule looked up for the row (its person), which the
    # apply step of the same run reuses instead of asking the database again
    refs: dict[str, Any] = field(default_factory=dict)

    def has(self, *keys: str) -> bool:
        """Whether every one of ``keys`` holds a good, non-blank value: rules that
        compare rows or ask the database skip a row without them (its cell error
        is already reported)."""
        return all(k not in self.bad and self.values.get(k) is not None for k in keys)


@dataclass
class ImportResult:
    rows: list[ParsedRow]
    errors: list[CellError]
    committed: bool = False
    summary: str = ""
    letters: dict[str, str] = field(default_factory=dict)  # column key → letter in the file
    sheet: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


Progress = Callable[[int], None]


@dataclass
class ImportSpec:
    name: str  # e.g. "roster", used in audit and file names
    title: str  # Chinese, shown on screens and as the sheet title
    columns: Sequence[Column]
    max_rows: int = 20_000
    # per-row cross-field rules: values -> [(column key, message)]; values of refused
    # or blank cells are None
    validate_row: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None
    # whole-file rules (duplicates across rows, the database: a fixed number of
    # queries for all rows) -> [Problem]
    check_rows: Callable[[list[ParsedRow]], list[Problem | CellError]] | None = None

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def describe(self, row: ParsedRow) -> list[str]:
        return [c.display(row.values.get(c.key)) for c in self.columns]

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
    def parse(self, upload, progress: Progress | None = None) -> ImportResult:
        """Read and check every row; ``progress(rows read)`` is called as it goes."""
        workbook = open_workbook(upload)
        try:
            sheet = visible_sheet(workbook)
            rows = read_rows(workbook, sheet)
            header_number, mapping, errors = self._find_header(rows)
            letters = {c.key: get_column_letter(i + 1) for i, c in mapping.items()}
            parsed: list[ParsedRow] = []
            seen: dict[str, dict[Any, int]] = {c.key: {} for c in self.columns if c.unique}
            for number, raw in rows:
                if not raw or all(v is not UNCALCULATED and clean_text(v) == "" for v in raw):
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
                parsed.append(self._parse_row(number, raw, mapping, letters, seen, errors))
                if progress and len(parsed) % PROGRESS_EVERY == 0:
                    progress(len(parsed))
            sheet_title = sheet.title
        except DefusedXmlException:
            raise ImportRejected(_("文件包含不安全的 XML 内容，已拒绝。")) from None
        finally:
            workbook.close()
        if progress:
            progress(len(parsed))
        if not parsed and not errors:
            errors.append(CellError(header_number + 1, "", "", _("表格中没有数据行。")))
        result = ImportResult(rows=parsed, errors=errors, letters=letters, sheet=sheet_title)
        return self.check(result)

    def check(self, result: ImportResult) -> ImportResult:
        """Run the whole-file rules (again, at the commit: the database may have
        moved since the dry run) and sort every problem by row and column."""
        if self.check_rows and result.rows:
            result.errors.extend(
                self.locate(p, result.letters) for p in self.check_rows(result.rows)
            )
        result.errors.sort(key=lambda e: e.sort_key)
        return result

    def locate(self, problem: Problem | CellError, letters: dict[str, str]) -> CellError:
        """A rule's finding with the column letter it has in this file."""
        if isinstance(problem, CellError):
            return problem
        header = str(self.column(problem.key).header) if problem.key else ""
        return CellError(problem.row, letters.get(problem.key, ""), header, problem.message)

    def _find_header(self, rows) -> tuple[int, dict[int, Column], list[CellError]]:
        required = [c for c in self.columns if c.required]
        for _attempt in range(HEADER_SEARCH_ROWS):
            number, raw = next(rows, (None, None))
            if number is None or number > HEADER_SEARCH_ROWS:
                break
            found: dict[int, Column] = {}
            unknown: list[tuple[int, str]] = []
            errors: list[CellError] = []
            for index, value in enumerate(raw):
                name = normalise_header(value)
                if not name or name in IGNORED_HEADERS:
                    continue
                column = next((c for c in self.columns if name in c.names()), None)
                if column is None:
                    unknown.append((index, clean_text(value)))
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
                known = "、".join(str(c.header) for c in self.columns)
                for index, heading in unknown:
                    errors.append(
                        CellError(
                            number,
                            get_column_letter(index + 1),
                            heading,
                            _("模板中没有“%(h)s”这一列，请删除该列或改用模板中的列名（%(known)s）")
                            % {"h": heading, "known": known},
                        )
                    )
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

    def _parse_row(self, number, raw, mapping, letters, seen, errors) -> ParsedRow:
        values: dict[str, Any] = {}
        bad: set[str] = set()

        def refuse(column, message):
            bad.add(column.key)
            values[column.key] = None
            errors.append(CellError(number, letters[column.key], column.header, message))

        for index, column in mapping.items():
            cell = raw[index] if index < len(raw) else None
            if cell is UNCALCULATED:
                refuse(
                    column,
                    _(
                        "这是公式，但文件里没有保存计算结果：请在 Excel 或 WPS 中打开、"
                        "重新计算并保存后再上传，或把公式改成数值"
                    ),
                )
                continue
            hidden = hidden_characters(cell)
            if hidden:
                refuse(
                    column,
                    _("含有看不见的字符 %(chars)s，请删除后重新输入该单元格") % {"chars": hidden},
                )
                continue
            if clean_text(cell) == "":
                if column.required:
                    refuse(column, _("不能为空"))
                values[column.key] = None
                continue
            try:
                values[column.key] = column.parse(cell)
            except CellValueError as exc:
                refuse(column, str(exc))
                continue
            if column.unique:
                key = values[column.key]
                if key in seen[column.key]:
                    refuse(column, _("与第 %(row)d 行重复") % {"row": seen[column.key][key]})
                else:
                    seen[column.key][key] = number
        for column in self.columns:
            values.setdefault(column.key, None)
        if self.validate_row:
            for key, message in self.validate_row(values):
                if key not in bad:
                    bad.add(key)
                    column = self.column(key)
                    errors.append(CellError(number, letters.get(key, ""), column.header, message))
        return ParsedRow(number, values, frozenset(bad))


def duplicates(rows: Iterable[ParsedRow], keys: Sequence[str], column: str, message: str):
    """Rows that repeat another row's ``keys``: a Problem on ``column`` of each
    later row, naming the first (``message`` takes ``%(row)d``)."""
    first: dict[tuple, int] = {}
    problems = []
    for row in rows:
        if not row.has(*keys):
            continue
        key = tuple(row.values[k] for k in keys)
        if key in first:
            problems.append(Problem(row.number, column, message % {"row": first[key]}))
        else:
            first[key] = row.number
    return problems


# Running -------------------------------------------------------------------


@dataclass(frozen=True)
class Importer:
    """One import as a background job can rebuild it from a dotted path and
    JSON parameters: ``spec(actor=, **params)``, ``apply(rows, actor=, **params)``
    and the object its audit event is attached to."""

    spec: Callable[..., ImportSpec]
    apply: Callable[..., str]
    audit_object: Callable[..., Any] | None = None


def run_import(
    spec: ImportSpec,
    upload,
    *,
    actor,
    commit: bool,
    apply: Callable[[list[ParsedRow]], str],
    audit_obj=None,
    progress: Progress | None = None,
    lock: Callable[[], bool] | None = None,
    seal: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Parse ``upload``; if clean and ``commit``, call ``apply(rows)`` in one
    transaction (it returns a summary such as "新增 12 人，更新 3 人"), with an audit
    event on ``audit_obj`` (e.g. the unit imported into). ``lock()``, when given,
    runs first inside that transaction and may answer False to skip the write (a
    background job already done); ``seal(result)`` runs last, in it too (the job
    marks itself done with the writes). ``ImportRejected`` from the file check
    propagates; a ``RowError`` from ``apply`` becomes a reported error and nothing
    is written."""
    result = spec.parse(upload, progress=progress)
    if not result.ok or not commit:
        return result
    return commit_result(
        spec, result, actor=actor, apply=apply, audit_obj=audit_obj, lock=lock, seal=seal
    )


def commit_result(spec, result, *, actor, apply, audit_obj=None, lock=None, seal=None):
    """The write half of ``run_import`` for a checked, clean ``result``."""
    try:
        with transaction.atomic():
            if lock is not None and not lock():
                return result
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
            if seal is not None:
                seal(result)
    except RowError as exc:
        result.errors.append(CellError(exc.row, exc.column, exc.header, exc.message))
        return result
    result.committed = True
    return result


# Keeping a dry run's rows for its commit -------------------------------------------
# The commit writes what the dry run showed, without reading the file again: the rows
# are kept as JSON (dates, decimals and model instances tagged; instances reloaded in
# one query per model), and the whole-file rules run again on them.


def _dump_value(value):
    """The tag of a value JSON has no type for (``json`` asks only for those)."""
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, datetime.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Model):
        return {"$model": value._meta.label_lower, "pk": value.pk}
    raise TypeError(f"{type(value).__name__} cannot be kept")


_ENCODER = json.JSONEncoder(ensure_ascii=False, default=_dump_value)


def dump_result(result: ImportResult, handle) -> None:
    """Write the rows as JSON lines (a line of metadata, then one per row), so a
    20,000-row file is never held twice in memory."""
    handle.write(json.dumps({"letters": result.letters, "sheet": result.sheet}) + "\n")
    for r in result.rows:
        handle.write(_ENCODER.encode([r.number, r.values]) + "\n")


class _Stored:
    """A model instance kept by its pk, until all are loaded in one query per model."""

    __slots__ = ("label", "pk")

    def __init__(self, label: str, pk) -> None:
        self.label, self.pk = label, pk


def load_result(handle) -> ImportResult:
    meta = json.loads(handle.readline())
    wanted: dict[str, set] = {}

    def load(value: dict):
        # called by json for every object it reads, innermost first
        if "$date" in value:
            return datetime.date.fromisoformat(value["$date"])
        if "$dec" in value:
            return Decimal(value["$dec"])
        if "$dt" in value:
            return datetime.datetime.fromisoformat(value["$dt"])
        if "$model" in value:
            wanted.setdefault(value["$model"], set()).add(value["pk"])
            return _Stored(value["$model"], value["pk"])
        return value

    decoder = json.JSONDecoder(object_hook=load)
    rows = [ParsedRow(number, values) for number, values in map(decoder.decode, handle)]
    if wanted:
        found = {
            label: django_apps.get_model(label).objects.in_bulk(list(pks))
            for label, pks in wanted.items()
        }
        for row in rows:
            for key, value in row.values.items():
                if isinstance(value, _Stored):
                    row.values[key] = found[value.label].get(value.pk)
    return ImportResult(rows=rows, errors=[], letters=meta["letters"], sheet=meta["sheet"])
