"""Our workbooks open in LibreOffice as a person would see them (no repair prompt)."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from tests.factories import PersonFactory

SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None, reason="make test installs libreoffice-calc-nogui"
)


def render_pdf(data: bytes, tmp_path, name: str) -> bytes:
    source = tmp_path / f"{name}.xlsx"
    source.write_bytes(data)
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    pdf = (tmp_path / f"{name}.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    return pdf


@needs_soffice
@pytest.mark.django_db
def test_people_export_and_roster_template_open_in_libreoffice(client, jl_hr, district, tmp_path):
    PersonFactory(unit=district["panlong"], name="张盘龙")
    client.force_login(jl_hr)
    export = b"".join(client.get(reverse("talent_person:index") + "?export=xlsx").streaming_content)
    template = client.get(reverse("talent_roster_import") + "?template=1").content
    assert len(render_pdf(export, tmp_path, "export")) > 1000
    assert len(render_pdf(template, tmp_path, "template")) > 1000
    # the converted text keeps the Chinese headings
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(tmp_path / "export.pdf"), "-"], capture_output=True, text=True
        ).stdout
        assert "工号" in text and "张盘龙" in text
