"""Roster import of 10,000 rows: dry run + commit through the shared import
framework, against raw openpyxl read-only + bulk_create of the same rows.

Goal (issue 4): at most 3x the raw baseline.
"""

import datetime
import io
import sys
import time

from _setup import django_with_temp_db, report

django_with_temp_db()

from django.contrib.auth import get_user_model  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from talent.imports import base as imports  # noqa: E402
from talent.imports.people import apply_roster, roster_spec  # noqa: E402
from talent.models import OrgUnit, Person  # noqa: E402

ROWS = 10_000
root = OrgUnit.add_root(name="九龙坡区", code="jlp", kind="district")
street = root.add_child(name="九龙街道", code="jl", kind="subdistrict")
communities = []
for i in range(20):
    street.refresh_from_db()
    communities.append(street.add_child(name=f"社区{i:02d}", code=f"jl-c{i}", kind="community"))
admin = get_user_model().objects.create_superuser("bench", "bench@example.org", "x")


def workbook(prefix: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["九龙街道社区工作者花名册"])
    sheet.merge_cells("A1:H1")
    sheet.append(["工号", "姓名", "人员类别", "所在单位", "性别", "手机号", "参加工作日期", "在职"])
    for i in range(ROWS):
        sheet.append(
            [
                f"{prefix}{i:06d}",
                "张晓梅 ",
                "社区工作者",
                f"社区{i % 20:02d}",
                "女",
                13800000000 + i,
                f"20{10 + i % 15}年{1 + i % 12}月{1 + i % 28}日",
                "是",
            ]
        )
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def ours(data: bytes):
    spec = roster_spec(actor=admin)
    dry = imports.run_import(
        spec,
        io.BytesIO(data),
        actor=admin,
        commit=False,
        apply=lambda rows: apply_roster(rows, actor=admin),
    )
    assert dry.ok, dry.errors[:3]
    done = imports.run_import(
        spec,
        io.BytesIO(data),
        actor=admin,
        commit=True,
        apply=lambda rows: apply_roster(rows, actor=admin),
        audit_obj=street,
    )
    assert done.committed


def raw(data: bytes):
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    units = {u.name: u for u in OrgUnit.objects.all()}
    people = []
    for row in book.worksheets[0].iter_rows(min_row=3, values_only=True):
        year, rest = row[6].split("年")
        month, day = rest.rstrip("日").split("月")
        people.append(
            Person(
                staff_no=row[0],
                name=row[1].strip(),
                kind="community_worker",
                unit=units[row[3]],
                gender="F",
                phone=str(row[5]),
                joined_on=datetime.date(int(year), int(month), int(day)),
            )
        )
    book.close()
    Person.objects.bulk_create(people, batch_size=1000)


def timed(fn, data):
    start = time.perf_counter()
    fn(data)
    return time.perf_counter() - start


t_raw = timed(raw, workbook("R"))
t_ours = timed(ours, workbook("O"))
assert Person.objects.filter(staff_no__startswith="O").count() == ROWS
print(
    f"import (dry run + commit) {t_ours:.2f}s, raw read-only + bulk_create {t_raw:.2f}s "
    f"for {ROWS:,} rows"
)
ok = report("time ratio import / raw", t_ours / t_raw, 3.0, "x")
sys.exit(0 if ok else 1)
