"""Spreadsheet jobs: an upload's dry run and commit, or a large export, with
progress the owner watches, leaves and comes back to.

A file of more than ``BACKGROUND_ROWS`` rows is checked and committed by django-q2
(``run_job`` is the task); a smaller one runs the same function in the request.
The upload is kept under ``PRIVATE_MEDIA_ROOT/spreadsheet-jobs`` between the dry
run and the confirmation.

Exactly once: a broker may deliver a task twice (a worker killed after the commit,
before it acknowledged; cms.queue). As with ``cms.tasks.run_once``, the receipt
commits in the same transaction as the effect: here the receipt is the job's own
row, locked and found not DONE before anything is written, and set to DONE with
the writes. A redelivery finds DONE and stops; a worker killed half-way leaves
neither, and the redelivery does the work.
"""

from __future__ import annotations

import gc
import gzip
import io
import logging
import threading
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_q.tasks import async_task
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from talent.imports.base import (
    CellError,
    ImportResult,
    ImportSpec,
    commit_result,
    dump_result,
    load_result,
)
from talent.imports.workbook import ImportRejected, count_rows, read_upload
from talent.models import JobKind, JobState, SpreadsheetJob
from talent.services.notifications import notify
from talent.spreadsheets import write_workbook

log = logging.getLogger(__name__)

BACKGROUND_ROWS = 2_000
EXPORT_BACKGROUND_ROWS = 5_000  # an export with more rows is written by django-q2
PREVIEW_ROWS = 20
MAX_SHOWN = 1_000  # errors kept for the page; the .xlsx download has all of them
MAX_COMMENTS = 2_000
PROGRESS_EVERY = 500
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")


def job_dir() -> Path:
    path = Path(settings.PRIVATE_MEDIA_ROOT) / "spreadsheet-jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_path(job: SpreadsheetJob) -> Path:
    return job_dir() / job.stored_name


def rows_path(job: SpreadsheetJob) -> Path:
    """The clean dry run's rows, kept for the commit (gzipped JSON lines)."""
    return job_dir() / f"{job.token.hex}-rows.json.gz"


def result_path(job: SpreadsheetJob) -> Path | None:
    return job_dir() / job.result_name if job.result_name else None


def job_url(job: SpreadsheetJob) -> str:
    return reverse(job.page_name, args=[job.token])


def in_background(job: SpreadsheetJob) -> bool:
    return job.background


def _importer(job: SpreadsheetJob):
    return import_string(job.handler)


def _spec(job: SpreadsheetJob) -> ImportSpec:
    return _importer(job).spec(actor=job.owner, **job.params)


# Starting ------------------------------------------------------------------------


def start_import(
    *,
    owner,
    handler: str,
    params: dict | None = None,
    upload,
    return_url: str = "",
    allow_background: bool = True,
) -> SpreadsheetJob:
    """Keep an upload as a job of ``owner`` (ImportRejected if it is no safe .xlsx)
    and run its dry run: here for a small file, in django-q2 for one of more than
    ``BACKGROUND_ROWS`` rows (unless the page has no job page to send its user to)."""
    params = params or {}
    spec = import_string(handler).spec(actor=owner, **params)
    data = read_upload(upload)
    rows = count_rows(io.BytesIO(data))
    job = SpreadsheetJob.objects.create(
        owner=owner,
        kind=JobKind.IMPORT,
        title=str(spec.title),
        handler=handler,
        params=params,
        file_name=(getattr(upload, "name", "") or "upload.xlsx")[-200:],
        rows_total=max(0, (rows or 1) - 1),
        return_url=return_url,
        background=allow_background and (rows or 0) > BACKGROUND_ROWS,
        headers=[str(c.header) for c in spec.columns],
    )
    job.stored_name = f"{job.token.hex}.xlsx"
    job.save(update_fields=["stored_name"])
    upload_path(job).write_bytes(data)
    _run_or_enqueue(job, "check")
    job.refresh_from_db()
    return job


def confirm_import(job: SpreadsheetJob) -> bool:
    """Start the commit of a clean dry run (once: a second click finds it started)."""
    started = SpreadsheetJob.objects.filter(
        pk=job.pk, state=JobState.CHECKED, error_count=0, kind=JobKind.IMPORT
    ).update(state=JobState.COMMITTING, rows_done=0, started_at=timezone.now())
    if not started:
        return False
    job.refresh_from_db()
    _run_or_enqueue(job, "commit")
    return True


def start_export(
    *,
    owner,
    title: str,
    filename: str,
    producer: str,
    params: dict,
    rows_total: int | None,
    page_name: str = "talent_job",
) -> SpreadsheetJob:
    """A large export in django-q2: ``producer(actor=owner, **params)`` returns the
    ``(title, headings, rows)`` sheets of talent.spreadsheets.write_workbook; the
    owner follows it on the page named ``page_name`` (the partner portal has its own)."""
    job = SpreadsheetJob.objects.create(
        page_name=page_name,
        owner=owner,
        kind=JobKind.EXPORT,
        title=title,
        handler=producer,
        params=params,
        file_name=f"{filename}.xlsx",
        rows_total=rows_total,
        background=True,
    )
    _run_or_enqueue(job, "export")
    return job


def _run_or_enqueue(job: SpreadsheetJob, phase: str) -> None:
    if in_background(job):
        transaction.on_commit(lambda: async_task("talent.imports.jobs.run_job", job.pk, phase))
    else:
        run_job(job.pk, phase)


# Running (the django-q2 task) ------------------------------------------------------


# The states a phase may start from: a delivery that finds anything else (a dry
# run delivered again after the commit began, a commit after it was done) stops.
PHASE_STATES = {
    "check": (JobState.QUEUED, JobState.CHECKING),
    "commit": (JobState.COMMITTING,),
    "export": (JobState.QUEUED, JobState.EXPORTING),
}


# A job holds some 20,000 rows and their records at once. CPython 3.11 collects
# garbage each time 700 more objects are alive than before, and every so often
# walks the whole heap (the application itself is some 200,000 objects) again: in
# a 20,000-row certificate import, a dozen such walks took a fifth of the time.
# While a job runs, a collection waits for ``JOB_GC_THRESHOLD`` new objects instead;
# garbage with cycles is still collected (the peak memory does not change), and the
# usual thresholds return when the last job running in the process ends.
JOB_GC_THRESHOLD = 20_000
_gc_lock = threading.Lock()
_gc_jobs = 0
_gc_usual: tuple[int, ...] = ()


@contextmanager
def fewer_collections():
    """Run the body with the job threshold (nested and concurrent uses share it)."""
    global _gc_jobs, _gc_usual
    with _gc_lock:
        if _gc_jobs == 0:
            _gc_usual = gc.get_threshold()
            if 0 < _gc_usual[0] < JOB_GC_THRESHOLD:  # (0: automatic collection is off)
                gc.set_threshold(JOB_GC_THRESHOLD, *_gc_usual[1:])
        _gc_jobs += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_jobs -= 1
            if _gc_jobs == 0:
                gc.set_threshold(*_gc_usual)


def run_job(job_id: int, phase: str) -> str:
    """The django-q2 task (and, for a small file, the request's own call)."""
    job = SpreadsheetJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.state not in PHASE_STATES[phase]:
        return "skipped"
    with fewer_collections():
        return _run_phase(job, phase)


def _run_phase(job: SpreadsheetJob, phase: str) -> str:
    try:
        if phase == "check":
            _check(job)
        elif phase == "commit":
            _commit(job)
        else:
            _export(job)
    except ImportRejected as exc:
        _fail(job, str(exc))
    except Exception:
        log.exception("spreadsheet job %s failed", job.pk)
        _fail(job, _("处理时发生意外错误，未写入任何数据。请稍后重试或联系管理员。"))
        raise
    return job.state


def _progress(job: SpreadsheetJob, state: str):
    SpreadsheetJob.objects.filter(pk=job.pk).update(
        state=state, rows_done=0, started_at=timezone.now()
    )

    def report(rows: int) -> None:
        SpreadsheetJob.objects.filter(pk=job.pk).update(rows_done=rows)

    return report


def _record(job: SpreadsheetJob, result: ImportResult, spec: ImportSpec) -> None:
    job.errors = [[e.row, e.column, e.header, e.message] for e in result.errors[:MAX_SHOWN]]
    job.error_count = len(result.errors)
    job.preview = [spec.describe(r) for r in result.rows[:PREVIEW_ROWS]]
    job.rows_total = len(result.rows)
    job.rows_done = len(result.rows)


def _check(job: SpreadsheetJob) -> None:
    spec = _spec(job)
    with open(upload_path(job), "rb") as handle:
        result = spec.parse(handle, progress=_progress(job, JobState.CHECKING))
    _record(job, result, spec)
    job.state, job.finished_at = JobState.CHECKED, timezone.now()
    if result.errors:
        job.result_name = _error_workbook(job, result.errors)
    else:
        with gzip.open(rows_path(job), "wt", encoding="utf-8") as handle:
            dump_result(result, handle)
    job.save()
    if in_background(job):
        if result.errors:
            title = _("“%(name)s”预检发现 %(n)d 处问题") % {
                "name": job.file_name,
                "n": job.error_count,
            }
        else:
            title = _("“%(name)s”预检通过，请确认导入") % {"name": job.file_name}
        notify(recipient=job.owner, title=title, url=job_url(job))


def _commit(job: SpreadsheetJob) -> None:
    importer = _importer(job)
    spec = _spec(job)
    actor = job.owner

    def lock() -> bool:
        state = SpreadsheetJob.objects.select_for_update().values_list("state", flat=True)
        return state.get(pk=job.pk) != JobState.DONE

    def seal(result: ImportResult) -> None:
        _record(job, result, spec)
        job.state, job.summary, job.finished_at = JobState.DONE, result.summary, timezone.now()
        job.save()
        if in_background(job):
            notify(
                recipient=actor,
                title=_("“%(name)s”导入完成：%(summary)s")
                % {"name": job.file_name, "summary": result.summary},
                url=job_url(job),
            )

    audit_obj = None
    if importer.audit_object is not None:
        audit_obj = importer.audit_object(actor=actor, **job.params)
    report = _progress(job, JobState.COMMITTING)
    # The rows the dry run showed, checked again against the database as it is now;
    # the file is not read a second time.
    with gzip.open(rows_path(job), "rt", encoding="utf-8") as handle:
        result = spec.check(load_result(handle))
    report(len(result.rows))
    if result.ok:
        result = commit_result(
            spec,
            result,
            actor=actor,
            apply=lambda rows: importer.apply(rows, actor=actor, **job.params),
            audit_obj=audit_obj,
            lock=lock,
            seal=seal,
        )
    if result.committed:
        upload_path(job).unlink(missing_ok=True)
        rows_path(job).unlink(missing_ok=True)
        return
    job.refresh_from_db()
    if job.state == JobState.DONE:  # a redelivery: the first delivery did it
        return
    # The database moved since the dry run: nothing written, the problems shown.
    _record(job, result, spec)
    job.state, job.finished_at = JobState.CHECKED, timezone.now()
    job.result_name = _error_workbook(job, result.errors)
    job.save()
    if in_background(job):
        notify(
            recipient=actor,
            title=_("“%(name)s”未能导入：发现 %(n)d 处问题")
            % {"name": job.file_name, "n": job.error_count},
            url=job_url(job),
        )


def _fail(job: SpreadsheetJob, message: str) -> None:
    SpreadsheetJob.objects.filter(pk=job.pk).exclude(state=JobState.DONE).update(
        state=JobState.FAILED, summary=message[:500], finished_at=timezone.now()
    )
    job.refresh_from_db()
    if in_background(job) and job.state == JobState.FAILED:
        notify(recipient=job.owner, title=_("“%(t)s”失败") % {"t": job.title}, url=job_url(job))


def _error_workbook(job: SpreadsheetJob, errors: list[CellError]) -> str:
    """The user's own file with every problem cell filled red and commented, and a
    sheet 问题清单 listing all problems: what they download to correct."""
    workbook = load_workbook(upload_path(job))
    sheet = next(
        (ws for ws in [workbook.active, *workbook.worksheets] if ws.sheet_state == "visible"),
        workbook.active,
    )
    for index, error in enumerate(errors):
        target = sheet[f"{error.column or 'A'}{error.row}"]
        target.fill = ERROR_FILL
        if index < MAX_COMMENTS:
            note = f"{target.comment.text}\n{error.message}" if target.comment else error.message
            target.comment = Comment(note, _("预检"))
    listing = workbook.create_sheet(_("问题清单"), 0)
    listing.append([_("行"), _("列"), _("列标题"), _("问题")])
    for error in errors:
        # Our own text and the file's headings: kept as text, never run as a formula.
        listing.append([error.row, error.column, error.header, error.message])
        for item in listing[listing.max_row][2:]:
            item.data_type = "s"
    listing.column_dimensions["C"].width = 16
    listing.column_dimensions["D"].width = 80
    workbook.active = workbook.worksheets.index(listing)
    name = f"{job.token.hex}-errors.xlsx"
    workbook.save(job_dir() / name)
    return name


def _export(job: SpreadsheetJob) -> None:
    report = _progress(job, JobState.EXPORTING)
    sheets = import_string(job.handler)(actor=job.owner, **job.params)
    written = 0

    def counted(rows):
        nonlocal written
        for row in rows:
            written += 1
            if written % PROGRESS_EVERY == 0:
                report(written)
            yield row

    name = f"{job.token.hex}-export.xlsx"
    write_workbook(
        job_dir() / name,
        [(title, headings, counted(rows), *rest) for title, headings, rows, *rest in sheets],
    )
    job.result_name, job.rows_done = name, written
    job.rows_total = max(job.rows_total or 0, written)
    job.state, job.finished_at = JobState.DONE, timezone.now()
    job.summary = _("共导出 %(n)d 行") % {"n": written}
    job.save()
    notify(
        recipient=job.owner,
        title=_("“%(t)s”已生成，可以下载") % {"t": job.title},
        url=job_url(job),
    )
