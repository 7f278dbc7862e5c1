"""The lab's справки for the authority on a generated town of three schools: they open in python-docx and openpyxl
and show the numbers worked out independently from the schools' own sheets; the management cycle reads its
indicators from the warehouse; text stays text; no file carries a student's name; the pdf comes from LibreOffice."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from app.lab.context import LabContext
from app.lab.reports_run import build_document, edited, render, town_data
from reports.analytics.indicators import mark_summary
from reports.district.builders import ReportRefused, parse_params
from reports.district.catalogue import REPORTS, ReportParams
from reports.district.cycle import INDICATORS, readings
from reports.labels import fmt_num
from sheets_schema.lab import CYCLE_INDICATORS
from sync.convert import find_office
from tests.lab_factory import MARK_FIRST, MARK_LAST, MARK_MIDDLE, MARK_YEAR
from tests.test_lab_town import INFLATED, _school_facts, build_town, town_frames

NAMES = {"sch-001": "СОШ № 1", "gim-002": "Гимназия № 2", "oosh-03": "Ключевская ООШ"}


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> tuple[LabContext, dict]:
    frames = town_frames()
    ctx = build_town(tmp_path_factory.mktemp("reports") / "lab", frames)
    yield ctx, frames
    ctx.engine.close()


@pytest.fixture(scope="module")
def data(town: tuple[LabContext, dict]):
    return town_data(town[0], forecasts=True)


def _own_vpr(frames: dict[str, pd.DataFrame]) -> pd.Series:
    """A school's ВПР indicators from its own sheets (pandas, the school's formulas): the independent path."""
    facts = _school_facts(frames)
    return mark_summary(facts[(facts["kind"] == "ВПР").to_numpy(dtype=bool)].assign(k=1), ["k"]).iloc[0]


def _docx_rows(blob: bytes) -> list[list[str]]:
    doc = Document(io.BytesIO(blob))
    return [[c.text for c in row.cells] for t in doc.tables for row in t.rows]


def _xlsx_values(blob: bytes) -> list[list[object]]:
    wb = load_workbook(io.BytesIO(blob))
    return [[c.value for c in row] for ws in wb.worksheets for row in ws.iter_rows()]


def _all_text(blob: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))


def _no_student_names(text: str) -> None:
    for marker in (MARK_LAST, MARK_FIRST, MARK_MIDDLE, f"{MARK_YEAR}-", f".{MARK_YEAR}"):
        assert marker not in text


def test_the_town_vpr_spravka_shows_the_schools_own_numbers(town: tuple[LabContext, dict], data) -> None:
    ctx, frames = town
    doc = build_document(ctx, "town-vpr", ReportParams(), data)
    own = {code: _own_vpr(f) for code, f in frames.items()}
    n_town = sum(int(o["N"]) for o in own.values())
    q_town = sum(int(o["n5"]) + int(o["n4"]) for o in own.values()) / n_town * 100
    assert doc.conclusions[0].startswith(f"В работе участвовали {n_town} ")
    assert f"качество знаний — {fmt_num(q_town)} %" in doc.conclusions[1]
    rows = _docx_rows(render(doc, "docx"))
    for code, o in own.items():
        row = next(r for r in rows if r[0] == NAMES[code] and len(r) > 10)  # the schools' table
        assert row[2] == str(int(o["N"])) and row[8] == fmt_num(o["quality_pct"])
        assert row[-1] == fmt_num(o["quality_pct"] - q_town)  # the difference from the town, п. п.
    sheet = _xlsx_values(render(doc, "xlsx"))
    gim = next(r for r in sheet if r[0] == NAMES["gim-002"] and r[1] == "с углублённым изучением, гимназии, лицеи")
    assert gim[2] == int(own["gim-002"]["N"]) and gim[8] == pytest.approx(own["gim-002"]["quality_pct"])
    # the inflated school's signals are in the справка; the gymnasium has none
    signals = doc.section("Сигналы объективности").blocks[0]
    names = set(signals.frame["short_name"])
    assert NAMES[INFLATED] in names and NAMES["gim-002"] not in names
    assert any(NAMES[INFLATED] in c and "Сигналы необъективности" in c for c in doc.conclusions)


def test_the_edited_conclusions_reach_the_files_as_text(town: tuple[LabContext, dict], data) -> None:
    doc = edited(build_document(town[0], "town-vpr", ReportParams(), data),
                 ["=IMPORTXML(\"http://x\";\"//a\")", "  ", "Вывод методиста"], None)
    assert doc.conclusions == ("=IMPORTXML(\"http://x\";\"//a\")", "Вывод методиста")
    wb = load_workbook(io.BytesIO(render(doc, "xlsx")))
    cells = [c for row in wb["Справка"].iter_rows() for c in row if c.value == doc.conclusions[0]]
    assert cells and all(c.data_type == "s" for c in cells)
    texts = [p.text for p in Document(io.BytesIO(render(doc, "docx"))).paragraphs]
    assert "Вывод методиста" in texts and doc.recommendations[0] in texts
    huge = edited(doc, ["я" * 6000] * 300, [])
    assert len(huge.conclusions) == 200 and {len(t) for t in huge.conclusions} == {5000} and huge.recommendations == ()


def test_a_schools_profile(town: tuple[LabContext, dict], data) -> None:
    ctx, frames = town
    doc = build_document(ctx, "school", ReportParams(school="gim-002"), data)
    o = _own_vpr(frames["gim-002"])
    kinds = doc.section("Показатели по видам работ в сравнении с городом").blocks[0].frame.set_index("kind")
    assert kinds.loc["ВПР", "N"] == o["N"] and kinds.loc["ВПР", "quality_pct"] == pytest.approx(o["quality_pct"])
    assert any(fmt_num(o["quality_pct"]) in c for c in doc.conclusions)
    assert "Прогноз результатов ОГЭ/ЕГЭ" in [s.title for s in doc.sections]
    rows = _docx_rows(render(doc, "docx"))
    assert any(r[0] == "ВПР" and r[1] == str(int(o["N"])) for r in rows)
    with pytest.raises(ReportRefused, match="не зарегистрирована"):
        build_document(ctx, "school", ReportParams(school="nope"), data)


def test_the_cycle_reads_its_indicators_from_the_warehouse(town: tuple[LabContext, dict], data) -> None:
    ctx, frames = town
    assert set(INDICATORS) == set(CYCLE_INDICATORS)  # every choice of the sheet has its computation
    doc = build_document(ctx, "cycle", ReportParams(), data)
    rows = readings(ctx.cache.workbook.frames["management_cycle"], data, 2025)
    own = {code: _own_vpr(f) for code, f in frames.items()}
    q_town = sum(int(o["n5"]) + int(o["n4"]) for o in own.values()) / sum(int(o["N"]) for o in own.values()) * 100
    quality = rows[(rows["indicator"] == CYCLE_INDICATORS[0]).to_numpy()].iloc[0]
    assert quality["value"] == pytest.approx(q_town) and pd.isna(quality["previous"])  # no 2024 in this town
    assert bool(quality["reached"]) == (q_town >= quality["target"])
    signals = rows[(rows["indicator"] == CYCLE_INDICATORS[2]).to_numpy()].iloc[0]
    assert signals["value"] == pytest.approx(100 / 3)  # one school of three has signals
    teachers = sum(len(f["teachers"]) for f in frames.values())
    top = sum(int(f["teachers"]["category"].isin(["высшая", "первая", "педагог-методист", "педагог-наставник"]).sum())
              for f in frames.values())
    assert INDICATORS[CYCLE_INDICATORS[8]](data, 2025) == pytest.approx(top / teachers * 100)  # data.extra: the cycle's
    assert pd.isna(INDICATORS[CYCLE_INDICATORS[8]](data, 2024))  # no teachers of 2024 in the warehouse
    wb = load_workbook(io.BytesIO(render(doc, "xlsx")))
    assert "Управленческий цикл" in wb.sheetnames
    assert len(Document(io.BytesIO(render(doc, "docx"))).tables) >= 1


def test_every_file_is_free_of_student_names(town: tuple[LabContext, dict], data) -> None:
    ctx, _ = town
    produced = 0
    for key, kind in REPORTS.items():
        params = ReportParams(school="oosh-03") if kind.needs_school else ReportParams()
        doc = build_document(ctx, key, params, data)
        for fmt in ("docx", "xlsx"):
            _no_student_names(_all_text(render(doc, fmt)))
            produced += 1
    assert produced == 2 * len(REPORTS) >= 8


@pytest.mark.skipif(find_office() is None, reason="LibreOffice (soffice) не установлен")
def test_the_pdf_comes_from_libreoffice(town: tuple[LabContext, dict], data, tmp_path: Path) -> None:
    import subprocess

    pdf = render(build_document(town[0], "town-vpr", ReportParams(), data), "pdf")
    assert pdf.startswith(b"%PDF")
    (tmp_path / "s.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "s.pdf"), "-"], capture_output=True, text=True).stdout \
        if Path("/usr/bin/pdftotext").exists() else ""
    if text:
        assert "Справка по итогам ВПР" in text and NAMES["gim-002"] in text
        _no_student_names(text)


def test_arguments_are_refused_in_russian() -> None:
    for args, message in ((("2025-2026",), "Учебный год"), (("2025/2027",), "Учебный год"),
                          ((None, None, None, "12"), "Параллель"), ((None, None, None, "пять"), "Параллель")):
        with pytest.raises(ReportRefused, match=message):
            parse_params(*args)
    assert parse_params("2025/2026", "", " математика ", "5").__dict__ == {
        "year": 2025, "kind": "ВПР", "subject": "математика", "parallel": 5, "school": None, "months": None,
        "on": None, "rule": None}
