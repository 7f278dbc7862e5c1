"""Intake checks a bundle's typed Parquet with the school's own declarations: the same problems the school's text
validation finds, found without rendering a cell; values typed text cannot hold (a date in the year 3000, an
infinite total, a negative score) are refused too; and a bad bundle changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from reports.district import CUBE
from sheets_schema import ERROR, validate_workbook
from sheets_schema.bundle import BUNDLE_SCHEMA, render_grid
from sheets_schema.validation import validate_typed
from sync.warehouse.arrow import to_arrow, typed_frame
from sync.warehouse.bundle import bundle_frames, write_bundle
from sync.warehouse.intake import ingest_bundle, validate_tables
from sync.warehouse.layout import Warehouse
from sync.warehouse.receipts import REFUSED, Receipts
from tests.lab_factory import school_workbook


@pytest.fixture(scope="module")
def tables() -> dict[str, pa.Table]:
    """A clean school's bundle tables, as Arrow (what intake reads from the Parquet files)."""
    frames, _ = bundle_frames(school_workbook(50, 7), b"k" * 32)
    return {s.key: to_arrow(s, frames[s.key]) for s in BUNDLE_SCHEMA}


def _set(tables: dict[str, pa.Table], key: str, column: str, row: int, value: object) -> dict[str, pa.Table]:
    t = tables[key]
    i = t.schema.get_field_index(column)
    values = t.column(column).to_pylist()
    values[row] = value
    return {**tables, key: t.set_column(i, column, pa.array(values, t.schema.field(column).type))}


def _problems(tables: dict[str, pa.Table]) -> list[tuple[str, int, str, str]]:
    wb = validate_typed(BUNDLE_SCHEMA, {s.key: typed_frame(s, tables[s.key]) for s in BUNDLE_SCHEMA})
    return [(i.sheet_key, i.row, i.cell, i.message) for i in wb.issues if i.severity == ERROR]


def _by_text(tables: dict[str, pa.Table]) -> list[tuple[str, int, str, str]]:
    """The school's text path over the same tables: every cell rendered, then parsed again."""
    grids = {s.title: render_grid(s, tables[s.key].to_pandas()) for s in BUNDLE_SCHEMA}
    for s in BUNDLE_SCHEMA:  # Parquet lists arrive as arrays; the text path renders tuples
        if "scores" in s.keys:
            frame = tables[s.key].to_pandas()
            frame["scores"] = [None if v is None else tuple(v) for v in frame["scores"]]
            grids[s.title] = render_grid(s, frame)
    wb = validate_workbook(BUNDLE_SCHEMA, grids)
    return [(i.sheet_key, i.row, i.cell, i.message) for i in wb.issues if i.severity == ERROR]


def test_a_clean_bundle_passes_and_keeps_every_row(tables: dict[str, pa.Table]) -> None:
    valid, problems = validate_tables(tables)
    assert problems == []
    for s in BUNDLE_SCHEMA:
        assert valid[s.key].num_rows == tables[s.key].num_rows, s.key
        assert valid[s.key].schema == tables[s.key].schema, s.key


def test_the_typed_path_finds_what_the_text_path_finds(tables: dict[str, pa.Table]) -> None:
    res = tables["results"].to_pandas()
    written = int(res.index[(res["present"] == "да") & res["mark"].notna()][0])
    spoiled = _set(tables, "results", "mark", written, 1 if res.loc[written, "mark"] != 1 else 5)  # contradicts total
    spoiled = _set(spoiled, "results", "present", written + 1, "может быть")  # not one of «да», «нет»
    spoiled = _set(spoiled, "students", "id", 3, "с пробелом")  # an id outside the alphabet of ids
    spoiled = _set(spoiled, "teachers", "birth_year", 0, 1800)  # below the declared minimum
    spoiled = _set(spoiled, "works", "id", 1, tables["works"].column("id")[0].as_py())  # a repeated id
    typed, text = _problems(spoiled), _by_text(spoiled)
    assert typed == text
    messages = {m for *_, m in typed}
    assert any("не соответствует сумме" in m for m in messages)
    assert any(m.startswith("Допустимые значения: да, нет") for m in messages)
    assert any(m.startswith("Идентификатор может содержать") for m in messages)
    assert any(m.startswith("Значение меньше 1900") for m in messages)
    assert any(m.startswith("Повтор значения") for m in messages)
    assert ("results", written + 2, f"G{written + 2}") in {(k, r, c) for k, r, c, _ in typed}  # «Отметка»: column G


def test_values_text_cannot_hold_are_refused(tables: dict[str, pa.Table]) -> None:
    res = tables["results"].to_pandas()
    scored = int(res.index[res["scores"].notna()][0])
    scores = list(res.loc[scored, "scores"])
    scores[0] = -1.0
    spoiled = _set(tables, "results", "scores", scored, scores)
    spoiled = _set(spoiled, "results", "total", scored + 1, float("inf"))
    spoiled = _set(spoiled, "courses", "start_date", 0, dt.date(3000, 1, 1))
    messages = {(k, r, m) for k, r, _, m in _problems(spoiled)}
    assert ("results", scored + 2, "Баллы по заданиям — числа не меньше нуля") in messages
    assert ("results", scored + 3, "Ожидается число") in messages
    assert ("courses", 2, "Дата вне допустимого диапазона") in messages


def test_typed_text_is_read_as_the_school_reads_a_cell(tables: dict[str, pa.Table]) -> None:
    """Spaces around text are trimmed, a NaN number is an empty cell, an empty score list is an empty cell."""
    padded = _set(tables, "subjects", "name", 0, "  " + tables["subjects"].column("name")[0].as_py() + " ")
    res = tables["results"].to_pandas()
    absent = int(res.index[res["present"] == "нет"][0])
    padded = _set(padded, "results", "total", absent, float("nan"))
    padded = _set(padded, "results", "scores", absent, [])
    valid, problems = validate_tables(padded)
    assert problems == []
    assert valid["subjects"].column("name")[0].as_py() == tables["subjects"].column("name")[0].as_py()
    assert valid["results"].column("total")[absent].as_py() is None
    assert valid["results"].column("scores")[absent].as_py() is None


def test_a_bundle_with_a_bad_typed_value_changes_nothing(tables: dict[str, pa.Table], tmp_path: Path) -> None:
    wh, rc = Warehouse(tmp_path / "warehouse"), Receipts(tmp_path / "receipts.sqlite3")
    write_bundle(tmp_path / "good.zip", tables, "sch-t1", "2025/2026")
    assert ingest_bundle(wh, rc, tmp_path / "good.zip", "загрузка", CUBE).ok
    before = {p: p.read_bytes() for p in wh.root.rglob("*.parquet")}
    marks = tables["results"].column("mark")
    bad = {**tables, "results": tables["results"].set_column(
        tables["results"].schema.get_field_index("mark"), "mark", pc.if_else(pc.is_valid(marks), 7, marks))}
    write_bundle(tmp_path / "bad.zip", bad, "sch-t1", "2025/2026")
    outcome = ingest_bundle(wh, rc, tmp_path / "bad.zip", "загрузка", CUBE)
    assert not outcome.ok
    assert outcome.problems[0].startswith("Лист «Результаты», G")
    assert "Отметка должна быть от 1 до 5" in outcome.problems[0]
    assert outcome.problems[-1].startswith("…и ещё ")  # a long list is capped, with the rest counted
    assert {p: p.read_bytes() for p in wh.root.rglob("*.parquet")} == before
    assert rc.all()[-1].status == REFUSED
