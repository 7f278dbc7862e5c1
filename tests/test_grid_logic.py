"""forms.grid without a browser: TSV paste, cell checks worded like the sheet check, totals and marks, old vs new."""

from __future__ import annotations

import itertools

import pytest

from forms import grid as g
from forms.grid_draft import apply_draft, draft_of
from sheets_schema import SCHEMA, validate_workbook
from sheets_schema.rows import check_rows
from tests.test_validation import base_grids

STUDENTS = [("st1", "Петров Иван"), ("st2", "Сидорова Анна"), ("st3", "Новиков Олег")]


@pytest.fixture(scope="module")
def frames():
    return validate_workbook(SCHEMA, base_grids()).frames


@pytest.fixture(scope="module")
def spec(frames) -> g.WorkSpec:
    s = g.work_spec(frames, "w1")
    assert s is not None
    return s


def existing() -> dict[str, dict[str, str]]:
    """Raw cells of the two results of base_grids: st1 wrote 1 2 2, st2 was absent."""
    return {"st1": {"id": "r1", "work_id": "w1", "student_id": "st1", "present": "да", "scores": "1 2 2",
                    "total": "5", "mark": "5"},
            "st2": {"id": "r2", "work_id": "w1", "student_id": "st2", "present": "нет", "scores": "", "total": "",
                    "mark": ""}}


def ids():
    counter = itertools.count(1)
    return lambda: f"r-new{next(counter)}"


def test_work_spec_reads_tasks_in_number_order_and_thresholds(spec: g.WorkSpec) -> None:
    assert [t.number for t in spec.tasks] == [1, 2, 3]
    assert [t.max_score for t in spec.tasks] == [1, 2, 2]
    assert spec.thresholds == (2, 3, 5) and spec.max_score == 5 and spec.parallel == 9
    assert g.work_spec({"works": validate_workbook(SCHEMA, base_grids())["works"], "tasks": None}, "nope") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("1\t2\t0\n2\t2\t1\n", [["1", "2", "0"], ["2", "2", "1"]]),
    ("1\t2\r\n0\t1\r\n", [["1", "2"], ["0", "1"]]),
    ("5", [["5"]]),
    ("1\n2\n3", [["1"], ["2"], ["3"]]),
    ("1\t\t2\n\n\n", [["1", "", "2"]]),
    ('"две\nстроки"\t1\n', [["две\nстроки", "1"]]),
    (" 1 \t 2 ", [["1", "2"]]),
    ("", []),
])
def test_parse_tsv_reads_blocks_copied_from_spreadsheets(text: str, expected: list[list[str]]) -> None:
    assert g.parse_tsv(text) == expected


@pytest.mark.parametrize(("position", "text", "expected"), [
    (0, "", None),
    (0, "-", None),
    (1, "2", None),
    (1, "1,5", None),
    (0, "x", "Ожидается число"),
    (0, "-1", "Балл не может быть отрицательным"),
    (1, "3", "Балл за задание 2 (3) больше максимального (2)"),
    (2, "2.5", "Балл за задание 3 (2,5) больше максимального (2)"),
])
def test_cell_problem(spec: g.WorkSpec, position: int, text: str, expected: str | None) -> None:
    assert g.cell_problem(spec, position, text) == expected


def test_above_maximum_reads_exactly_like_the_sheet_check(spec: g.WorkSpec, frames) -> None:
    row = {"id": "r9", "work_id": "w1", "student_id": "st2", "present": "да", "scores": "1 3 1"}
    [problem] = check_rows(SCHEMA, "results", [row], frames, replacing=["r2"])
    assert g.cell_problem(spec, 1, "3") == problem.message


@pytest.mark.parametrize(("absent", "scores", "cells"), [
    (False, ["1", "2", "2"], {"present": "да", "scores": "1 2 2", "total": "5", "mark": "5"}),
    (False, ["1", "1", "0"], {"present": "да", "scores": "1 1 0", "total": "2", "mark": "3"}),
    (False, ["0", "0", "0"], {"present": "да", "scores": "0 0 0", "total": "0", "mark": "2"}),
    (False, ["1", "2,0", "1.5"], {"present": "да", "scores": "1 2 1.5", "total": "4.5", "mark": "4"}),
    (False, ["1", "-", "2"], {"present": "да", "scores": "1 - 2", "total": "3", "mark": "4"}),
    (True, ["", "", ""], {"present": "нет", "scores": "", "total": "", "mark": ""}),
    (False, ["", "", ""], None),
])
def test_result_cells_derive_total_and_mark_from_thresholds(spec: g.WorkSpec, absent: bool, scores: list[str],
                                                             cells: dict[str, str] | None) -> None:
    assert g.result_cells(spec, g.GridRow("st1", "Петров Иван", absent, scores)) == cells


def test_result_cells_pass_the_sheet_check(spec: g.WorkSpec, frames) -> None:
    cells = g.result_cells(spec, g.GridRow("st2", "Сидорова Анна", False, ["1", "1", "0"]))
    assert check_rows(SCHEMA, "results", [{"id": "r9", "work_id": "w1", "student_id": "st2", **cells}], frames,
                      replacing=["r2"]) == []


def test_row_problems_flag_partial_rows_and_absent_with_scores(spec: g.WorkSpec) -> None:
    partial = g.GridRow("st1", "Петров Иван", False, ["1", "", "x"])
    assert g.row_problems(spec, partial) == {
        "t2": "Нет балла за задание 2: поставьте «-», если задание не оценивалось", "t3": "Ожидается число"}
    assert g.row_total(spec, partial) is None
    absent = g.GridRow("st1", "Петров Иван", True, ["1", "", ""])
    assert list(g.row_problems(spec, absent)) == ["absent"]
    assert g.grid_messages(spec, [partial])[0] == ("Петров Иван, задание 2: Нет балла за задание 2: поставьте «-», "
                                                   "если задание не оценивалось")


def test_build_rows_from_existing_raw_cells(spec: g.WorkSpec) -> None:
    rows = g.build_rows(spec, STUDENTS, existing())
    assert [(r.absent, r.scores) for r in rows] == [(False, ["1", "2", "2"]), (True, ["", "", ""]),
                                                     (False, ["", "", ""])]
    assert g.split_scores("1 2 2 2", 3) == ["1", "2", "2 2"]  # extra values are kept visible, and flagged
    assert g.split_scores("1;2", 3) == ["1", "2", ""]


def test_paste_fills_from_the_chosen_cell_and_reports_what_did_not_fit(spec: g.WorkSpec) -> None:
    rows = g.build_rows(spec, STUDENTS, {})
    report = g.apply_paste(spec, rows, g.parse_tsv("1\t2\t2\t9\n0\tн\t\n1\t1\t1\n1\t1\t1\n"), start_row=0,
                           start_col="t1")
    assert rows[0].scores == ["1", "2", "2"]
    assert rows[1].absent and rows[1].scores == ["0", "", ""]
    assert rows[2].scores == ["1", "1", "1"]
    assert report.cells == 9
    assert report.messages == ["Не поместилось строк: 1 (в классе меньше обучающихся)",
                               "Не поместилось столбцов: 1 (в работе меньше заданий)"]


def test_paste_with_absent_column_and_from_a_later_row(spec: g.WorkSpec) -> None:
    rows = g.build_rows(spec, STUDENTS, {})
    g.apply_paste(spec, rows, [["да", "", "", ""], ["", "1", "2", "0"]], start_row=1, start_col="absent")
    assert rows[0].is_blank()
    assert rows[1].absent and rows[2].scores == ["1", "2", "0"] and not rows[2].absent


def test_paste_with_names_in_the_first_column_matches_rows_by_name(spec: g.WorkSpec) -> None:
    rows = g.build_rows(spec, STUDENTS, {})
    report = g.apply_paste(spec, rows, [["Новиков  Олег", "1", "1", "1"], ["петров иван", "0", "2", "2"],
                                        ["Кто-то Другой", "1", "1", "1"]])
    assert rows[2].scores == ["1", "1", "1"] and rows[0].scores == ["0", "2", "2"]
    assert rows[1].is_blank()
    assert report.messages == ["Строка 3 вставки: обучающийся не найден в классе"]


def test_plan_appends_new_updates_changed_and_skips_unchanged(spec: g.WorkSpec) -> None:
    rows = g.build_rows(spec, STUDENTS, existing())
    changes, sources = g.plan_results(spec, rows, existing(), ids())
    assert changes == [] and sources == []  # nothing typed: nothing written
    rows[0].scores = ["1", "2", "1"]  # changed
    rows[1].absent = True  # unchanged (already absent)
    rows[2].scores = ["0", "1", "1"]  # new
    changes, sources = g.plan_results(spec, rows, existing(), ids())
    assert [(c.op, c.row_id, c.values, c.expected) for c in changes] == [
        ("update", "r1", {"scores": "1 2 1", "total": "4", "mark": "4"},
         {"scores": "1 2 2", "total": "5", "mark": "5"}),
        ("append", "r-new1", {"id": "r-new1", "work_id": "w1", "student_id": "st3", "present": "да",
                              "scores": "0 1 1", "total": "2", "mark": "3"}, {}),
    ]
    assert [s.student_id for s in sources] == ["st1", "st3"]


def test_same_entry_typed_differently_is_unchanged(spec: g.WorkSpec) -> None:
    rows = g.build_rows(spec, STUDENTS[:1], existing())
    rows[0].scores = ["1,0", "2", "2.0"]
    assert g.plan_results(spec, rows, existing(), ids())[0] == []


def test_to_record_carries_derived_values_and_bad_cells(spec: g.WorkSpec) -> None:
    rec = g.to_record(spec, g.GridRow("st1", "Петров Иван", False, ["1", "5", "2"]))
    assert rec["t2"] == "5" and rec["total"] == "" and rec["_bad"] == {
        "t2": "Балл за задание 2 (5) больше максимального (2)"}
    row = g.GridRow("st1", "Петров Иван", False, ["1", "5", "2"])
    g.set_cell(row, "t2", "2")
    g.set_cell(row, "absent", False)
    assert g.to_record(spec, row)["total"] == "5" and g.to_record(spec, row)["mark"] == 5


def test_a_draft_keeps_only_unsaved_rows_and_restores_them_saying_what_changed() -> None:
    spec = g.WorkSpec("w", "Работа", 5, 5, (2, 3, 5), (g.TaskSpec(1, 2), g.TaskSpec(2, 3)))
    students = [("s1", "Антонов Антон"), ("s2", "Борисова Бэла"), ("s3", "Волков Вова")]
    saved = {"s1": {"id": "r1", "present": "да", "scores": "1 2"}, "s3": {"id": "r3", "present": "да",
                                                                        "scores": "2 3"}}
    rows = g.build_rows(spec, students, saved)
    assert draft_of(spec, rows, saved) is None  # nothing typed
    rows[0].scores = ["2", "2"]  # changed
    rows[1].absent = True  # a new entry
    rows[2].scores = ["2,0", "3"]  # the same entry typed differently: not unsaved
    draft = draft_of(spec, rows, saved)
    assert draft is not None and draft["rows"] == {
        "s1": {"absent": False, "scores": ["2", "2"], "base": ["да", "1 2"]},
        "s2": {"absent": True, "scores": ["", ""], "base": None}}

    # restored over what is saved now: s1's result was changed by someone else meanwhile
    now = {**saved, "s1": {"id": "r1", "present": "да", "scores": "0 0"}}
    fresh = g.build_rows(spec, students, now)
    done = apply_draft(spec, fresh, now, {**draft, "rows": {**draft["rows"], "gone": {"absent": False,
                                                                                      "scores": ["1", "1"]}}})
    assert (fresh[0].scores, fresh[1].absent, fresh[2].scores) == (["2", "2"], True, ["2", "3"])
    assert done.rows == ["Антонов Антон", "Борисова Бэла"] and done.changed_since == ["Антонов Антон"]
    assert done.unfit == ["обучающийся не в классе: 1 1"]
    note = done.notice()
    assert note.startswith("Восстановлен несохранённый черновик: обучающихся 2") and "Антонов Антон" in note

    # the work lost a task since: the typed values are shown, not laid over the wrong cells
    short = g.WorkSpec("w", "Работа", 5, 2, (1, 1, 2), (g.TaskSpec(1, 2),))
    rows1 = g.build_rows(short, students, {})
    done = apply_draft(short, rows1, {}, draft)
    assert done.rows == [] and done.unfit == ["Антонов Антон: 2 2", "Борисова Бэла: не писал"]
    assert apply_draft(spec, rows1, {}, {"rows": {"s1": {"scores": "1 2"}}}).rows == []  # a damaged draft is ignored
