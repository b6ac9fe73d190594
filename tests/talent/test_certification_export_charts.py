"""The certification workbook shows what the report page shows: native Excel charts
of the rate by unit and the monthly trend, each over the sheet's own cells, and the
file opens in LibreOffice without a repair."""

import datetime
import io
import re
import shutil
import zipfile

import pytest
from django.urls import reverse

from tests.factories import PersonFactory
from tests.talent.factories_hr import certificate, target
from tests.talent.test_spreadsheet_rendering import needs_soffice, render_pdf


@pytest.fixture
def export(client, jl_hr, district):
    for unit, certified in ((district["panlong"], 2), (district["longquan"], 1)):
        for i in range(3):
            person = PersonFactory(unit=unit)
            if i < certified:
                certificate(person, 1, obtained_on=datetime.date(2024, 1, 1))
    target(district["jl"])
    client.force_login(jl_hr)
    response = client.get(reverse("talent_reports:certification") + "?export=xlsx")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def chart_parts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return {
            name: book.read(name).decode()
            for name in book.namelist()
            if re.fullmatch(r"xl/charts/chart\d+\.xml", name)
        }


def test_the_workbook_carries_a_unit_chart_and_a_trend_chart(export):
    charts = chart_parts(export)
    assert len(charts) == 2
    unit_chart = next(xml for xml in charts.values() if "barChart" in xml)
    trend_chart = next(xml for xml in charts.values() if "barChart" not in xml)
    # the units under the total (rows 3–4: 龙泉社区, 盘龙社区): rate column G, target H
    assert "'持证率'!$G$3:$G$4" in unit_chart and "'持证率'!$H$3:$H$4" in unit_chart
    assert "lineChart" in unit_chart  # the target drawn across the columns
    assert "'月度趋势'!$D$" in trend_chart and "'月度趋势'!$E$" in trend_chart


@needs_soffice
def test_the_workbook_with_charts_opens_in_libreoffice(export, tmp_path):
    assert len(render_pdf(export, tmp_path, "certification")) > 1000
    if shutil.which("pdftotext"):
        import subprocess

        text = subprocess.run(
            ["pdftotext", str(tmp_path / "certification.pdf"), "-"],
            capture_output=True,
            text=True,
        ).stdout
        assert "各单位持证率" in text and "月度持证率趋势" in text
