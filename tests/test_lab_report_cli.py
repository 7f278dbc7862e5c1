"""`edumon lab report …`: the справки as files from the command line, and Russian messages for bad arguments."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from app.cli import cli
from tests.test_lab_town_pages import lab_env, town_dir  # noqa: F401  (fixtures: a three-school town)

runner = CliRunner()


def test_the_report_command(lab_env: Path, tmp_path: Path) -> None:  # noqa: F811
    done = runner.invoke(cli, ["lab", "report", "town-vpr", "--out", str(tmp_path / "town.docx"), "--year",
                               "2025/2026", "--subject", "математика"])
    assert done.exit_code == 0, done.output
    doc = Document(io.BytesIO((tmp_path / "town.docx").read_bytes()))
    assert doc.paragraphs[0].text == "Справка по итогам ВПР по предмету «математика» в общеобразовательных " \
                                     "организациях города"
    assert doc.inline_shapes  # the charts are pictures in Word
    done = runner.invoke(cli, ["lab", "report", "school", "--school", "oosh-03", "--out", str(tmp_path / "s.xlsx")])
    assert done.exit_code == 0, done.output
    wb = load_workbook(tmp_path / "s.xlsx")
    assert wb["Справка"]["A1"].value == "Профиль общеобразовательной организации: Ключевская ООШ"
    assert any(ws._charts for ws in wb.worksheets)  # native Excel charts
    assert runner.invoke(cli, ["lab", "report", "cycle", "--out", str(tmp_path / "c.xlsx")]).exit_code == 0
    assert "Управленческий цикл" in load_workbook(tmp_path / "c.xlsx").sheetnames


def test_bad_arguments(lab_env: Path, tmp_path: Path) -> None:  # noqa: F811
    out = str(tmp_path / "x.docx")
    for args, message in ((["nope", "--out", out], "Нет справки «nope»"),
                          (["town-vpr", "--out", str(tmp_path / "x.txt")], "должен оканчиваться на .docx"),
                          (["town-vpr", "--out", out, "--year", "2025/2027"], "записан неверно"),
                          (["town-vpr", "--out", out, "--year", "2019"], "За 2019/2020 учебный год данных нет"),
                          (["town-vpr", "--out", out, "--parallel", "0"], "от 1 до 11"),
                          (["town-vpr", "--out", out, "--kind", "олимпиада"], "результатов муниципальной работы"),
                          (["school", "--out", out], "укажите код школы"),
                          (["school", "--out", out, "--school", "zzz"], "не зарегистрирована")):
        r = runner.invoke(cli, ["lab", "report", *args])
        assert r.exit_code == 2 and message in r.output, (args, r.output)
        assert "Traceback" not in r.output
    assert not Path(out).exists()  # nothing written for a refused справка
