"""`edumon report class|parallel|teacher|school|staff|olympiads` on the seeded demo school through typer's runner:
the file is written and opens with the expected numbers; wrong input is a Russian message, exit 2 and no file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from app.cli import cli
from app.demo.school import DemoSchool
from reports import results_facts
from reports.labels import column_title
from sheets_schema import SCHEMA, validate_workbook

runner = CliRunner()


@pytest.fixture(scope="module")
def frames(demo_school: DemoSchool) -> dict[str, pd.DataFrame]:
    return validate_workbook(SCHEMA, demo_school.grids).frames


def invoke(*args: str):
    return runner.invoke(cli, ["report", *args])


def first_values(ws) -> dict:
    out: dict = {}
    for r in range(1, ws.max_row + 1):
        out.setdefault(ws.cell(r, 1).value, ws.cell(r, 2).value)
    return out


def test_class_docx_for_a_quarter(data_dir: Path, tmp_path: Path, frames) -> None:
    classes = frames["classes"]
    row = classes.iloc[10]
    name = f"{row['parallel']}{row['letter']}"  # typed the way people write it, «9А»
    out = tmp_path / "out" / "class.docx"
    result = invoke("class", name, "--period", "1 четверть", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Готово" in result.output
    doc = Document(out)
    text = "\n".join(p.text for p in doc.paragraphs)
    label = f"{row['parallel']}«{row['letter']}»"
    assert f"в {label} классе за 1 четверть" in text
    students = frames["students"]
    assert f"{column_title('class_size')}: {int((students['class_id'] == row['id']).sum())}" in text
    assert len(doc.inline_shapes) >= 1


def test_parallel_and_school_xlsx_carry_native_charts(data_dir: Path, tmp_path: Path, frames) -> None:
    out = tmp_path / "p.xlsx"
    assert invoke("parallel", "9", "-f", "xlsx", "-o", str(out)).exit_code == 0
    ws = load_workbook(out)["Справка"]
    assert {c.tagname for c in ws._charts} == {"barChart", "lineChart"}
    facts = results_facts(frames)
    ninth = facts[(facts["parallel"] == 9).fillna(False).to_numpy(dtype=bool)]
    wrote = ninth[(ninth["present"] == "да") & ninth["mark"].notna()]
    assert first_values(ws)[column_title("written_marked")] == len(wrote)

    out = tmp_path / "s.xlsx"
    result = invoke("school", "--period", "2 полугодие", "--format", "xlsx", "--out", str(out))
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    heading = "Аналитическая справка по итогам мониторинга качества образования за 2 полугодие"
    assert wb["Справка"]["A1"].value == heading
    assert len(wb["Справка"]._charts) >= 2


def test_teacher_docx(data_dir: Path, tmp_path: Path, frames) -> None:
    t = frames["teachers"].iloc[0]
    out = tmp_path / "t.docx"
    result = invoke("teacher", str(t["id"]), "--on", "01.09.2025", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in Document(out).paragraphs)
    assert f"Квалификационная категория — «{t['category']}»" in text
    assert "Дата составления: 01.09.2025" in text


def test_staff_and_olympiads_xlsx(data_dir: Path, tmp_path: Path, frames, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "staff.xlsx"
    result = invoke("staff", "--on", "01.09.2025", "--out", str(out))
    assert result.exit_code == 0, result.output
    ws = load_workbook(out)["Справка"]
    assert [c.tagname for c in ws._charts] == ["barChart"]
    assert first_values(ws)["Педагогов"] == len(frames["teachers"])  # a number, not text
    monkeypatch.chdir(tmp_path)  # the default file name lands in the current folder
    result = invoke("olympiads")
    assert result.exit_code == 0, result.output
    wb = load_workbook(tmp_path / "olimpiady.xlsx")
    winners = wb["Победители и призёры"]
    statuses = frames["olympiads"]["status"].astype(object)
    assert winners.max_row - 1 == int(statuses.isin(["призёр", "победитель"]).sum())
    assert len(wb["Справка"]._charts) == 1


@pytest.mark.parametrize(("args", "message"), [
    (("class", "99Я"), "Класс «99Я» не найден"),
    (("class", "9А", "--period", "5 четверть"), "--period: допустимы 1 четверть"),
    (("parallel", "12"), "Параллели «12» нет"),
    (("parallel", "девять"), "Параллели «девять» нет"),
    (("teacher", "t-999"), "Педагог «t-999» не найден"),
    (("school", "--format", "odt"), "--format: допустимы docx, xlsx, pdf"),
    (("staff", "--on", "31.02.2025"), "--on: дата в формате ДД.ММ.ГГГГ"),
    (("teacher", "t-001", "--on", "2025-09-01"), "--on: дата в формате ДД.ММ.ГГГГ"),
])
def test_wrong_input_is_a_russian_message_and_no_file(data_dir: Path, tmp_path: Path, args, message) -> None:
    out = tmp_path / "never.xlsx"
    result = invoke(*args, "--out", str(out))
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()

