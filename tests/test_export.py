"""The справка of a monitoring work: docx and xlsx opened back and checked against numbers computed by plain
counting from the results sheet; pdf through LibreOffice (skipped when it is absent); the `edumon report` CLI."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from typer.testing import CliRunner

from reports.export.docx import WEAK_SHADE, work_docx
from reports.export.pdf import pdf_from_docx, spravka_pdf, work_pdf
from reports.export.xlsx import work_xlsx
from reports.labels import INDICATOR_LABELS, column_title, fmt_num
from reports.spravka.narrative import WorkNotFound, WorkReport, work_report
from reports.spravka.school import class_spravka
from sheets_schema import Workbook
from sync import convert

runner = CliRunner()


def _plain_numbers(workbook: Workbook, work_id: str, class_id: str | None = None) -> dict[str, float]:
    """Counting straight from «Результаты» (and «Обучающиеся» with «Движение обучающихся» for a class: a student
    moved after the work's date was in the class the move took them from), not through the analytics engine."""
    res = workbook["results"]
    res = res[res["work_id"] == work_id]
    if class_id is not None:
        students = workbook["students"]
        class_of = dict(zip(students["id"], students["class_id"], strict=True))
        day = workbook["works"].set_index("id").loc[work_id, "date"]
        for m in workbook["movements"].sort_values("date", ascending=False).itertuples():
            if m.date > day:
                class_of[m.student_id] = m.from_class_id
        res = res[res["student_id"].map(class_of) == class_id]
    wrote = res[(res["present"] == "да") & res["mark"].notna()]
    marks = wrote["mark"].astype(int)
    n = len(marks)
    return {"enrolled": len(res), "N": n, "absent": int((res["present"] == "нет").sum()),
            "success": (marks >= 3).sum() / n * 100, "quality": (marks >= 4).sum() / n * 100,
            "n2": int((marks == 2).sum())}


@pytest.fixture(scope="module")
def work_id(workbook: Workbook, facts: pd.DataFrame) -> str:
    """A work with marks, tasks, at least two classes and a «2» — the справка then has every section."""
    tasks = set(workbook["tasks"]["work_id"])
    wrote = facts[(facts["present"] == "да") & facts["mark"].notna()]
    for wid, rows in wrote.groupby("work_id", observed=True):
        if wid in tasks and rows["class_id"].nunique() >= 2 and (rows["mark"] == 2).any():
            return str(wid)
    raise AssertionError("the demo school has no suitable work")


@pytest.fixture(scope="module")
def report(facts: pd.DataFrame, workbook: Workbook, work_id: str) -> WorkReport:
    return work_report(facts, workbook.frames, work_id)


def _docx_text(data: bytes) -> tuple[str, list[list[list[str]]]]:
    doc = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return text, tables


def test_docx_carries_the_numbers_counted_from_the_results(report: WorkReport, workbook: Workbook,
                                                           work_id: str) -> None:
    expected = _plain_numbers(workbook, work_id)
    text, tables = _docx_text(work_docx(report))
    assert report.title in text
    assert f"{column_title('enrolled')}: {expected['enrolled']}" in text
    assert f"писали: {expected['N']}" in text
    assert f"отсутствовали: {expected['absent']}" in text
    assert f"Успеваемость ({report.scope_label}) — {fmt_num(expected['success'])} %" in text
    assert f"качество знаний — {fmt_num(expected['quality'])} %" in text
    comparison = next(t for t in tables if t[0][0] == "Группа")
    header = comparison[0]
    this = comparison[1]
    assert this[header.index(INDICATOR_LABELS["quality_pct"])] == fmt_num(expected["quality"])
    assert this[header.index(INDICATOR_LABELS["success_pct"])] == fmt_num(expected["success"])
    # per-task and per-element tables with the weakest elements marked
    element_table = next(t for t in tables if t[0][0] == column_title("element"))
    weak_col = element_table[0].index(INDICATOR_LABELS["weak"])
    assert {r[0] for r in element_table[1:] if r[weak_col] == "слабый"} == set(report.weak_elements())
    assert any(t[0][0] == column_title("number") for t in tables)
    # conclusions with per-class sentences against the parallel
    for rec in report.classes.to_dict("records"):
        assert f"Качество знаний {rec['class']} — {fmt_num(rec['quality_pct'])} %" in text
    assert "Рекомендации" in text
    assert len(Document(io.BytesIO(work_docx(report))).inline_shapes) == 1  # the distribution chart


def test_docx_shades_exactly_the_weak_element_rows(report: WorkReport) -> None:
    doc = Document(io.BytesIO(work_docx(report)))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == column_title("element"))
    weak_col = [c.text for c in table.rows[0].cells].index(INDICATOR_LABELS["weak"])
    for row in table.rows[1:]:
        fills = {shd.get(qn("w:fill")) for shd in row._tr.iter(qn("w:shd"))}
        assert (WEAK_SHADE in fills) == (row.cells[weak_col].text == "слабый")
    assert report.weak_elements(), "the demo work has weak elements, so the check above saw some"


def test_xlsx_keeps_numbers_as_numbers_and_has_a_bar_chart(report: WorkReport, workbook: Workbook,
                                                           work_id: str) -> None:
    expected = _plain_numbers(workbook, work_id)
    wb = load_workbook(io.BytesIO(work_xlsx(report)))
    assert wb.sheetnames[:2] == ["Справка", "Классы"]
    ws = wb["Справка"]
    cells = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert cells[column_title("enrolled")] == expected["enrolled"]
    assert cells[column_title("N")] == expected["N"]
    assert cells[column_title("absent")] == expected["absent"]
    assert cells["«2»"] == expected["n2"]
    header_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Группа")
    header = [ws.cell(header_row, j).value for j in range(1, 7)]
    values = [ws.cell(header_row + 1, j).value for j in range(1, 7)]
    row = dict(zip(header, values, strict=True))
    assert row[INDICATOR_LABELS["success_pct"]] == pytest.approx(expected["success"])
    assert row[INDICATOR_LABELS["quality_pct"]] == pytest.approx(expected["quality"])
    charts = ws._charts
    assert len(charts) == 1 and charts[0].tagname == "barChart"
    elements = wb["Элементы содержания"]
    titles = [c.value for c in elements[1]]
    assert titles == [column_title(c) for c in ("element", "tasks", "pct_of_max", "weak")]
    marked = {r[0].value for r in elements.iter_rows(min_row=2) if r[3].value == "слабый"}
    assert marked == set(report.weak_elements())


def test_class_report_compares_with_the_parallel(facts: pd.DataFrame, workbook: Workbook, work_id: str) -> None:
    class_id = str(facts.loc[facts["work_id"] == work_id, "class_id"].dropna().iloc[0])
    expected = _plain_numbers(workbook, work_id, class_id)
    parallel = _plain_numbers(workbook, work_id)
    r = work_report(facts, workbook.frames, work_id, class_id=class_id)
    assert r.summary.N == expected["N"] and r.summary.quality_pct == pytest.approx(expected["quality"])
    assert r.classes.empty
    sentence = next(s for s in r.conclusions if s.startswith(f"Качество знаний {r.scope_label}"))
    delta = expected["quality"] - parallel["quality"]
    if abs(delta) >= 0.05:
        assert f"на {fmt_num(abs(delta))} п. п. {'выше' if delta > 0 else 'ниже'} параллели" in sentence
    text, _ = _docx_text(work_docx(r))
    assert f"качество знаний — {fmt_num(expected['quality'])} %" in text


def test_unknown_work_is_a_russian_error(facts: pd.DataFrame, workbook: Workbook) -> None:
    with pytest.raises(WorkNotFound, match="«w-нет» не найдена"):
        work_report(facts, workbook.frames, "w-нет")


def test_pdf_uses_the_given_converter_and_checks_the_result(report: WorkReport) -> None:
    seen: list[bytes] = []

    def fake(docx: bytes) -> bytes:
        seen.append(docx)
        return b"%PDF-1.7 fake"

    assert work_pdf(report, fake) == b"%PDF-1.7 fake"
    assert seen and seen[0][:2] == b"PK"
    with pytest.raises(ValueError, match="не PDF"):
        pdf_from_docx(b"PK", lambda _: b"oops")


def test_missing_libreoffice_is_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(convert, "find_office", lambda: None)
    with pytest.raises(convert.ConversionError, match="LibreOffice не установлен"):
        convert.docx_to_pdf(b"PK")


@pytest.mark.skipif(convert.find_office() is None, reason="LibreOffice (soffice) не установлен")
def test_libreoffice_converts_the_docx_to_pdf(report: WorkReport, facts: pd.DataFrame, workbook: Workbook) -> None:
    assert work_pdf(report, convert.docx_to_pdf).startswith(b"%PDF")
    class_id = str(workbook["classes"]["id"].iloc[5])
    doc = class_spravka(facts, workbook.frames, class_id, "2 четверть", on="2026-01-10")
    assert spravka_pdf(doc, convert.docx_to_pdf).startswith(b"%PDF")


def _cli():
    from app.cli import cli
    from app.cli import reports as cli_reports

    if not any(g.name == "report" for g in cli.registered_groups):
        cli_reports.register(cli)
    return cli


def test_cli_writes_the_report_and_refuses_an_unknown_work(data_dir: Path, tmp_path: Path, work_id: str,
                                                          workbook: Workbook) -> None:
    cli = _cli()
    out = tmp_path / "out" / "spravka.xlsx"
    result = runner.invoke(cli, ["report", "work", work_id, "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    ws = load_workbook(out)["Справка"]
    assert _plain_numbers(workbook, work_id)["N"] in [c.value for c in ws["B"]]
    result = runner.invoke(cli, ["report", "work", "w-999", "--format", "docx", "--out", str(tmp_path / "x.docx")])
    assert result.exit_code == 2
    assert "не найдена" in result.output
    assert not (tmp_path / "x.docx").exists()
    result = runner.invoke(cli, ["report", "work", work_id, "--format", "odt"])
    assert result.exit_code == 2 and "docx, xlsx, pdf" in result.output


def test_cli_pdf_without_libreoffice_says_so(data_dir: Path, tmp_path: Path, work_id: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("soffice") or shutil.which("libreoffice"):
        pytest.skip("LibreOffice установлен")
    result = runner.invoke(_cli(), ["report", "work", work_id, "--format", "pdf", "--out", str(tmp_path / "a.pdf")])
    assert result.exit_code == 2 and "LibreOffice не установлен" in result.output
