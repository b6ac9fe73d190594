"""Imports at district scale: large files in django-q2 with progress, a job page to
come back to, a notification, the problems marked in the user's own file, the
commit's effect exactly once, and queries that do not grow with the rows."""

import datetime
import gc
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from talent.imports import base as imports
from talent.imports import certification as hr_imports
from talent.imports import jobs
from talent.imports import ladder as ladder_imports
from talent.imports.org import apply_units, unit_spec
from talent.imports.people import apply_roster, roster_spec
from talent.models import (
    Certificate,
    JobState,
    Notification,
    OrgUnit,
    Person,
    Role,
    SpreadsheetJob,
)
from tests.factories import PersonFactory
from tests.talent.xlsx import upload, workbook_bytes

CERT_HEADER = ["工号", "证书等级", "证书编号", "取得日期"]


@pytest.fixture
def staff(district):
    return [
        PersonFactory(unit=district["panlong"], staff_no=f"JL{i:04d}", name=f"员工{i}")
        for i in range(12)
    ]


@pytest.fixture
def background(monkeypatch, settings, tmp_path):
    """Files of more than 5 rows go to django-q2 (run synchronously in tests)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    monkeypatch.setattr(jobs, "BACKGROUND_ROWS", 5)


def cert_rows(people, bad_row=None):
    rows = [CERT_HEADER]
    for i, person in enumerate(people):
        date = "2024-13-01" if i == bad_row else "2024-03-01"
        rows.append([person.staff_no, "助理社会工作师", f"BG{i:04d}", date])
    return rows


@pytest.mark.django_db
def test_a_large_import_runs_in_the_background_with_a_job_page_and_notifications(
    client, jl_hr, staff, background, django_capture_on_commit_callbacks
):
    client.force_login(jl_hr)
    url = reverse("talent_certificate_import")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": upload(workbook_bytes(cert_rows(staff)))})
    job = SpreadsheetJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("talent_job", args=[job.token])
    assert job.background and job.state == JobState.CHECKED and job.rows_total == 12
    progress = client.get(reverse("talent_job_progress", args=[job.token])).json()
    assert (progress["rows_done"], progress["rows_total"], progress["percent"]) == (12, 12, 100)
    note = Notification.objects.get(recipient=jl_hr)
    assert "预检通过" in note.title and note.url == response.url
    page = client.get(response.url)
    assert "确认导入" in page.content.decode() and not Certificate.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url)
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.summary == "登记证书 12 张"
    assert Certificate.objects.count() == 12
    assert Notification.objects.filter(recipient=jl_hr, title__contains="导入完成").exists()
    listing = client.get(reverse("talent_jobs")).content.decode()
    assert "职业资格证书导入" in listing and "已完成" in listing


@pytest.mark.django_db
def test_the_problems_come_back_marked_in_the_users_own_file(
    client, jl_hr, staff, background, django_capture_on_commit_callbacks
):
    client.force_login(jl_hr)
    data = workbook_bytes(cert_rows(staff, bad_row=3))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("talent_certificate_import"), {"file": upload(data)})
    job = SpreadsheetJob.objects.get()
    assert job.error_count == 1 and "发现 1 处问题" in Notification.objects.get().title
    download = client.get(reverse("talent_job_download", args=[job.token]))
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.sheetnames[0] == "问题清单"
    assert [c.value for c in book["问题清单"][2]] == [5, "D", "取得日期", "日期不存在"]
    original = book.worksheets[1]
    assert original["D5"].fill.fgColor.rgb.endswith("FFC7CE")
    assert original["D5"].comment.text == "日期不存在"
    assert original["A2"].value == staff[0].staff_no  # the user's own content, kept


@pytest.mark.django_db
def test_someone_elses_job_is_not_found(client, jl_hr, staff, user_with_role, district):
    job = jobs.start_import(
        owner=jl_hr,
        handler="talent.imports.certification.CERTIFICATES",
        upload=upload(workbook_bytes(cert_rows(staff[:2]))),
    )
    other = user_with_role(Role.HR, district["jl"], "hr_other")
    client.force_login(other)
    for name in ("talent_job", "talent_job_progress", "talent_job_download"):
        assert client.get(reverse(name, args=[job.token])).status_code == 404
    assert client.post(reverse("talent_job", args=[job.token])).status_code == 404
    assert not Certificate.objects.exists()


class Killed(BaseException):
    """A worker killed mid-task: no exception handler of ours runs."""


@pytest.mark.django_db
def test_a_redelivered_commit_has_its_effect_exactly_once(jl_hr, staff, monkeypatch):
    job = jobs.start_import(
        owner=jl_hr,
        handler="talent.imports.certification.CERTIFICATES",
        upload=upload(workbook_bytes(cert_rows(staff))),
    )
    assert job.state == JobState.CHECKED
    SpreadsheetJob.objects.filter(pk=job.pk).update(state=JobState.COMMITTING)
    real = hr_imports.register_certificates

    def killed_after_writing(**kwargs):
        real(**kwargs)
        raise Killed

    monkeypatch.setattr(hr_imports, "register_certificates", killed_after_writing)
    with pytest.raises(Killed):
        jobs.run_job(job.pk, "commit")
    assert not Certificate.objects.exists()  # the transaction died with the worker
    monkeypatch.setattr(hr_imports, "register_certificates", real)
    jobs.run_job(job.pk, "commit")  # the broker delivers it again
    jobs.run_job(job.pk, "commit")  # and once more after the success
    assert jobs.run_job(job.pk, "check") == "skipped"  # a late dry-run delivery
    assert Certificate.objects.count() == 12
    job.refresh_from_db()
    assert job.state == JobState.DONE


# Queries do not grow with the rows ---------------------------------------------------
# (within one batch: SQLite allows 999 parameters a statement, so an audit-event insert
# takes about 100 rows; the sizes stay below that)


def queries(spec, apply, rows, actor):
    with CaptureQueriesContext(connection) as captured:
        result = imports.run_import(
            spec(actor=actor),
            upload(workbook_bytes(rows)),
            actor=actor,
            commit=True,
            apply=lambda parsed: apply(parsed, actor=actor),
        )
    assert result.committed, [str(e) for e in result.errors[:3]]
    return len(captured)


def make_people(district, prefix, n):
    return Person.objects.bulk_create(
        PersonFactory.build(unit=district["panlong"], staff_no=f"{prefix}{i:04d}") for i in range(n)
    )


@pytest.mark.django_db
def test_certificate_exam_and_assessment_imports_take_the_same_queries_at_two_sizes(
    jl_hr, district
):
    warm, small, large = (make_people(district, p, n) for p, n in (("W", 2), ("S", 5), ("L", 40)))

    def certs(people, tag):
        return [CERT_HEADER] + [
            [p.staff_no, "助理社会工作师", f"{tag}{i}", "2024-03-01"] for i, p in enumerate(people)
        ]

    def exams(people):
        return [["工号", "考试年度", "报考等级", "科目", "成绩"]] + [
            [p.staff_no, 2024, "助理社会工作师", subject, 70]
            for p in people
            for subject in ("社会工作实务", "社会工作综合能力")
        ]

    def assessments(people):
        return [["工号", "考核年度", "考核结果"]] + [[p.staff_no, 2024, "称职"] for p in people]

    cases = [
        (hr_imports.exam_spec, hr_imports.apply_exam_results, exams),
        (ladder_imports.assessment_spec, ladder_imports.apply_assessments, assessments),
    ]
    queries(hr_imports.certificate_spec, hr_imports.apply_certificates, certs(warm, "W"), jl_hr)
    assert queries(
        hr_imports.certificate_spec, hr_imports.apply_certificates, certs(small, "A"), jl_hr
    ) == queries(
        hr_imports.certificate_spec, hr_imports.apply_certificates, certs(large, "B"), jl_hr
    )
    for spec, apply, rows in cases:
        queries(spec, apply, rows(warm), jl_hr)
        assert queries(spec, apply, rows(small), jl_hr) == queries(spec, apply, rows(large), jl_hr)


@pytest.mark.django_db
def test_roster_and_unit_imports_take_the_same_queries_at_two_sizes(
    jl_hr, district, user_with_role
):
    def roster(prefix, n):
        return [["工号", "姓名", "人员类别", "所在单位", "参加工作日期"]] + [
            [f"{prefix}{i:04d}", f"新人{i}", "社区工作者", "盘龙社区", "2020-01-01"]
            for i in range(n)
        ]

    queries(roster_spec, apply_roster, roster("W", 2), jl_hr)  # caches warmed
    assert queries(roster_spec, apply_roster, roster("R", 5), jl_hr) == queries(
        roster_spec, apply_roster, roster("Q", 60), jl_hr
    )
    admin = user_with_role(Role.DISTRICT_ADMIN, district["jl"], "admin_jl")

    def units(prefix, n):
        parent = f"jl-{prefix}"
        return [
            ["单位编码", "单位名称", "单位类型", "上级单位编码"],
            [parent, f"{prefix}街区", "社区", "jl"],
        ] + [[f"{parent}-{i}", f"{prefix}组{i}", "社工室", parent] for i in range(n)]

    queries(unit_spec, apply_units, units("w", 2), admin)
    assert queries(unit_spec, apply_units, units("a", 5), admin) == queries(
        unit_spec, apply_units, units("b", 60), admin
    )
    assert OrgUnit.objects.filter(code__startswith="jl-b-").count() == 60


@pytest.mark.django_db
def test_a_large_report_export_is_written_in_the_background(
    client, jl_hr, district, staff, background, monkeypatch, django_capture_on_commit_callbacks
):
    from talent.models import CertificationTarget
    from talent.viewsets import reports

    monkeypatch.setattr(reports, "EXPORT_BACKGROUND_ROWS", 10)
    target = CertificationTarget.objects.create(
        name="九龙街道持证目标", unit=district["jl"], rate=89, deadline="2027-12-31"
    )
    client.force_login(jl_hr)
    url = reverse("talent_reports:certification")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url, {"target": target.pk, "export": "xlsx"})
    job = SpreadsheetJob.objects.get(kind="export")
    assert response.status_code == 302 and response.url == reverse("talent_job", args=[job.token])
    assert job.state == JobState.DONE and "已生成" in Notification.objects.get().title
    download = client.get(reverse("talent_job_download", args=[job.token]))
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    people_sheet = book.worksheets[2]
    assert people_sheet.max_row == 1 + 12
    assert {row[0].value for row in people_sheet.iter_rows(min_row=2)} == {
        p.staff_no for p in staff
    }
    # Below the threshold the workbook still streams straight back.
    monkeypatch.setattr(reports, "EXPORT_BACKGROUND_ROWS", 100)
    inline = client.get(url, {"target": target.pk, "export": "xlsx"})
    assert inline.status_code == 200 and SpreadsheetJob.objects.count() == 1


# What the dry run keeps for the commit -----------------------------------------------


@pytest.mark.django_db
def test_the_commit_reads_back_exactly_the_rows_the_dry_run_kept(district):
    rows = [
        imports.ParsedRow(
            3,
            {
                "staff_no": "JL0001",
                "name": "张晓梅（新）",
                "year": 2024,
                "score": Decimal("72.5"),
                "on": datetime.date(2024, 3, 1),
                "at": datetime.datetime(2024, 3, 1, 9, 30, tzinfo=datetime.UTC),
                "active": False,
                "unit": district["panlong"],
                "note": None,
            },
        ),
        imports.ParsedRow(4, {"staff_no": "JL0002", "unit": district["jl"], "on": None}),
    ]
    kept = io.StringIO()
    imports.dump_result(
        imports.ImportResult(rows=rows, errors=[], letters={"staff_no": "B"}, sheet="导入"), kept
    )
    kept.seek(0)
    loaded = imports.load_result(kept)
    assert [(r.number, r.values) for r in loaded.rows] == [(r.number, r.values) for r in rows]
    assert type(loaded.rows[0].values["at"]) is datetime.datetime
    assert loaded.letters == {"staff_no": "B"} and loaded.sheet == "导入"


def test_a_job_leaves_the_collector_as_it_found_it():
    usual = gc.get_threshold()
    with pytest.raises(RuntimeError), jobs.fewer_collections():
        with jobs.fewer_collections():
            assert gc.get_threshold()[0] == jobs.JOB_GC_THRESHOLD
        assert gc.get_threshold()[0] == jobs.JOB_GC_THRESHOLD  # the outer job still runs
        raise RuntimeError("a job that fails")
    assert gc.get_threshold() == usual
