"""Spreadsheet export of 100,000 rows.

Goals (issue 4): the shared writer (talent.spreadsheets.write_workbook: frozen
heading, formula-safe text, dates formatted) at most 1.3x raw openpyxl
write-only writing the same values; peak Python memory under 200 MB.
"""

import datetime
import resource
import sys
import tempfile
import time
from decimal import Decimal

from _setup import django_with_temp_db, report

django_with_temp_db()

from openpyxl import Workbook  # noqa: E402

from talent.spreadsheets import write_workbook  # noqa: E402

ROWS = 100_000
HEADINGS = ["工号", "姓名", "单位", "证书等级", "取得日期", "学时", "备注", "在职"]


def rows():
    day = datetime.date(2024, 1, 1)
    for i in range(ROWS):
        yield [
            f"JL{i:06d}",
            "张晓梅",
            "九龙街道盘龙社区",
            "助理社会工作师",
            day + datetime.timedelta(days=i % 700),
            Decimal(i % 90),
            '=HYPERLINK("x")' if i % 1000 == 0 else "继续教育",
            True,
        ]


def ours(path):
    write_workbook(path, [("导出", HEADINGS, rows())])


def raw(path):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("导出")
    sheet.append(HEADINGS)
    for row in rows():
        sheet.append(row)
    workbook.save(path)


def timed(fn):
    best = None
    for _ in range(2):
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
            start = time.perf_counter()
            fn(handle.name)
            elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def peak_rss_mb():
    # ru_maxrss is in kilobytes on Linux; it is the whole process's peak (Python,
    # Django and both writers), so it bounds the export's own peak from above.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


t_raw = timed(raw)
t_ours = timed(ours)
print(f"ours {t_ours:.2f}s, raw openpyxl write-only {t_raw:.2f}s for {ROWS:,} rows")
memory = peak_rss_mb()
ok = all(
    [
        report("time ratio shared writer / raw openpyxl", t_ours / t_raw, 1.3, "x"),
        report("peak process memory (max RSS)", memory, 200, " MB"),
    ]
)
sys.exit(0 if ok else 1)
