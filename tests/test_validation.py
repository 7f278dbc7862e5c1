"""Validation of odd, hand-edited content: every problem is an issue with its A1 cell, never an exception."""

from __future__ import annotations

import pandas as pd
import pytest

from sheets_schema import ERROR, SCHEMA, WARNING, col_letter, validate_workbook
from sheets_schema.rules import score_to_mark

T = {s.key: s.title for s in SCHEMA}
H = {s.key: s.headers for s in SCHEMA}


def base_grids() -> dict[str, list[list[str]]]:
    """A tiny consistent workbook: one department, subject, teacher, class, two students, one work of 3 tasks."""
    g: dict[str, list[list[str]]] = {s.title: [s.headers] for s in SCHEMA}
    g[T["departments"]].append(["d1", "ШМО математики", "t1"])
    g[T["subjects"]].append(["s1", "Математика", "d1"])
    g[T["teachers"]].append(["t1", "Иванова", "Мария", "Петровна", "01.02.1980", "учитель", "d1", "высшая",
                             "15.03.2022", "высшее педагогическое", "20"])
    g[T["classes"]].append(["c1", "9", "А", "универсальный", "t1"])
    g[T["students"]] += [["st1", "Петров", "Иван", "", "c1"], ["st2", "Сидорова", "Анна", "", "c1"]]
    g[T["works"]].append(["w1", "Входная по математике", "s1", "9", "входная", "1 четверть", "10.09.2025", "5",
                          "2", "3", "5", "анализ"])
    g[T["tasks"]] += [["k1", "w1", "1", "1", "Дроби", "базовый"], ["k2", "w1", "2", "2", "Уравнения", "базовый"],
                      ["k3", "w1", "3", "2", "Функции", "повышенный"]]
    g[T["results"]] += [["r1", "w1", "st1", "да", "1 2 2", "5", "5"], ["r2", "w1", "st2", "нет"]]
    return g


def issues_of(grids):
    return [(i.sheet_key, i.cell, i.severity, i.message) for i in validate_workbook(SCHEMA, grids).issues]


def test_clean_workbook_has_no_issues_and_typed_frames() -> None:
    wb = validate_workbook(SCHEMA, base_grids())
    assert wb.issues == []
    res = wb["results"]
    assert res["mark"].iloc[0] == 5 and res["mark"].isna().iloc[1]
    assert res["scores"].iloc[0] == (1.0, 2.0, 2.0)
    assert pd.api.types.is_datetime64_any_dtype(wb["works"]["date"])
    assert wb["classes"]["parallel"].iloc[0] == 9


def test_missing_sheet_is_an_issue_not_an_exception() -> None:
    g = base_grids()
    del g[T["practices"]]
    assert issues_of(g) == [("practices", "", ERROR, "Лист «ППО» не найден в таблице")]


@pytest.mark.parametrize(("sheet", "row", "col", "value", "severity", "message"), [
    ("results", 0, "mark", "6", ERROR, "Отметка должна быть от 1 до 5"),
    ("results", 0, "total", "4", ERROR, "«Сумма баллов» (4) не равна сумме баллов по заданиям (5)"),
    ("students", 1, "class_id", "c9", ERROR, "Ссылка на несуществующую строку листа «Классы»: «c9»"),
    ("teachers", 0, "experience", "020", WARNING, "Ведущий ноль: прочитано как 20"),
    ("works", 0, "date", "31.02.2026", ERROR, "Такой даты нет — в феврале 2026 года 28 дней"),
    ("works", 0, "date", "2.13.2026", ERROR, "Такой даты нет — месяц 13, а месяцев в году 12"),
    ("works", 0, "date", "2 февраля", ERROR, "Ожидается дата в виде ДД.ММ.ГГГГ"),
    ("results", 0, "scores", "1 х 2", ERROR,
     "Баллы по заданиям вводятся числами через пробел, например «1 0 2 2 1»"),
    ("results", 0, "scores", "1 3 1", ERROR, "Балл за задание 2 (3) больше максимального (2)"),
    ("results", 0, "scores", "1 2", ERROR, "Заданий в работе 3, а баллов введено 2"),
    ("classes", 0, "profile", "спортивный", ERROR, "Допустимые значения: " + ", ".join(
        SCHEMA["classes"].field("profile").choices)),
    ("students", 0, "first_name", "", ERROR, "Обязательное поле не заполнено"),
])
def test_one_bad_cell_gives_one_issue_with_its_a1_address(sheet, row, col, value, severity, message) -> None:
    g = base_grids()
    r = g[T[sheet]][1 + row]
    c = SCHEMA[sheet].keys.index(col)
    r += [""] * (c + 1 - len(r))
    r[c] = value
    got = validate_workbook(SCHEMA, g).issues
    assert [(i.sheet_key, i.cell, i.severity, i.message) for i in got] == [
        (sheet, f"{col_letter(c)}{row + 2}", severity, message)]
    assert got[0].value == value and got[0].column == SCHEMA[sheet].header_of(col)


def test_decimal_comma_in_a_number_is_read_and_flagged() -> None:
    g = base_grids()
    g[T["courses"]].append(["co1", "t1", "Функциональная грамотность", "", "72,5", "", "01.11.2024"])
    wb = validate_workbook(SCHEMA, g)
    assert [(i.cell, i.severity) for i in wb.issues] == [("E2", WARNING)]
    assert "72,5" in wb.issues[0].message
    assert wb["courses"]["hours"].iloc[0] == 72.5


def test_error_row_is_excluded_warning_row_is_kept() -> None:
    g = base_grids()
    g[T["students"]][1][4] = "c9"  # bad reference: excluded
    g[T["teachers"]][1][10] = "020"  # leading zero: kept
    wb = validate_workbook(SCHEMA, g)
    assert list(wb["students"]["id"]) == ["st2"]
    assert list(wb["teachers"]["id"]) == ["t1"]


def test_duplicate_ids_point_at_the_first_occurrence() -> None:
    g = base_grids()
    g[T["students"]].append(["st1", "Двойников", "Пётр", "", "c1"])
    assert issues_of(g) == [("students", "A4", ERROR, "Повтор значения «st1»: оно уже есть в строке 2")]


def test_blank_rows_are_reported_and_skipped() -> None:
    g = base_grids()
    g[T["students"]].insert(2, [])
    g[T["students"]].insert(3, ["", "  ", ""])
    wb = validate_workbook(SCHEMA, g)
    assert [(i.row, i.severity) for i in wb.issues] == [(3, WARNING), (4, WARNING)]
    assert list(wb["students"]["id"]) == ["st1", "st2"]
    assert list(wb["students"]["_row"]) == [2, 5]


def test_extra_missing_and_renamed_columns() -> None:
    g = base_grids()
    grid = g[T["students"]]
    grid[0] = ["id", "Фамилия", "Имя", "Отч.", "Класс", "Дата рождения", "Пол", "Примечание"]
    edu = H["teachers"].index("Образование")
    g[T["teachers"]] = [r[:edu] + r[edu + 1:] for r in g[T["teachers"]]]  # optional column missing
    found = issues_of(g)
    assert ("students", "D1", WARNING, "Нет столбца «Отчество»: возможно, он переименован в «Отч.». "
            "Верните заголовок «Отчество»") in found
    assert ("students", "H1", WARNING, "Лишний столбец «Примечание» не входит в форму листа и не учитывается") in found
    assert ("teachers", "", WARNING, "Нет столбца «Образование»") in found
    assert len(found) == 3


def test_columns_are_found_by_header_even_when_reordered() -> None:
    g = base_grids()
    grid = g[T["classes"]]
    order = [4, 3, 2, 1, 0]
    g[T["classes"]] = [[r[i] if i < len(r) else "" for i in order] for r in grid]
    wb = validate_workbook(SCHEMA, g)
    assert wb.issues == [] and wb["classes"]["letter"].iloc[0] == "А"


def test_missing_required_column_excludes_every_row() -> None:
    g = base_grids()
    g[T["subjects"]] = [["id", "Предмет"], ["s1", "Математика"]]
    wb = validate_workbook(SCHEMA, g)
    assert ("subjects", "", ERROR, "Нет столбца «ШМО» (обязательный)") in [
        (i.sheet_key, i.cell, i.severity, i.message) for i in wb.issues]
    assert wb["subjects"].empty


def test_total_and_mark_are_derived_when_left_empty() -> None:
    g = base_grids()
    g[T["results"]][1] = ["r1", "w1", "st1", "да", "1 1 0"]  # total 2 -> mark 3 (thresholds 2/3/5)
    wb = validate_workbook(SCHEMA, g)
    assert wb.issues == []
    assert wb["results"]["total"].iloc[0] == 2 and wb["results"]["mark"].iloc[0] == 3


def test_absent_student_with_scores_is_an_error() -> None:
    g = base_grids()
    g[T["results"]][2] = ["r2", "w1", "st2", "нет", "1 1 1"]
    assert [c[1] for c in issues_of(g)] == ["E3"]


def test_thresholds_must_increase_and_fit_the_maximum() -> None:
    g = base_grids()
    g[T["works"]][1][8:11] = ["3", "3", "6"]
    msgs = [m for *_, m in issues_of(g)]
    assert msgs == ["«Минимальный балл на «3»» < «Минимальный балл на «4»» < «Минимальный балл на «5»» должно "
                    "выполняться, а сейчас 3, 3, 6"]


@pytest.mark.parametrize(("total", "mark"), [
    # a 25-point work: 0–7 -> 2, 8–14 -> 3, 15–20 -> 4, 21–25 -> 5, boundaries included
    (0, 2), (7, 2), (8, 3), (14, 3), (15, 4), (20, 4), (21, 5), (25, 5), (None, None),
])
def test_score_to_mark_at_the_boundaries(total, mark) -> None:
    got = score_to_mark(pd.Series([total], dtype="Float64"), 8, 15, 21).iloc[0]
    assert (got is pd.NA and mark is None) or got == mark


def test_anything_in_any_cell_never_raises() -> None:
    g = base_grids()
    junk = ["=1/0", "😀", "\u00a0", "None", "nan", "-", "1e999", "   ", "0x1F", "١٢", "\t", "'5"]
    for sheet in SCHEMA:
        g[sheet.title] += [[junk[(i + j) % len(junk)] for j in range(len(sheet.headers) + 2)] for i in range(12)]
    g[T["results"]].append(["only-id"])
    wb = validate_workbook(SCHEMA, g)
    assert wb.error_count > 0


def test_cross_field_issue_points_at_the_real_column_when_columns_were_moved() -> None:
    g = base_grids()
    grid = g[T["results"]]
    order = [0, 6, 1, 2, 3, 4, 5]  # «Отметка» moved to column B by hand
    g[T["results"]] = [[r[i] if i < len(r) else "" for i in order] for r in grid]
    g[T["results"]][1][1] = "3"  # total 5 means «5» by the thresholds
    assert [(i.cell, i.column) for i in validate_workbook(SCHEMA, g).issues] == [("B2", "Отметка")]


def test_results_without_tasks_do_not_crash() -> None:
    g = base_grids()
    g[T["tasks"]] = [H["tasks"]]
    wb = validate_workbook(SCHEMA, g)
    assert wb.issues == [] and wb["results"]["total"].iloc[0] == 5


def test_first_grade_gets_no_derived_mark() -> None:
    g = base_grids()
    g[T["classes"]][1][1] = "1"
    g[T["works"]][1][3] = "1"
    g[T["results"]][1] = ["r1", "w1", "st1", "да", "1 2 2"]
    wb = validate_workbook(SCHEMA, g)
    assert wb.issues == [] and wb["results"]["mark"].isna().all() and wb["results"]["total"].iloc[0] == 5


@pytest.mark.parametrize(("text", "message"), [
    ("31.02.2026", "Такой даты нет — в феврале 2026 года 28 дней"),
    ("29.02.2026", "Такой даты нет — в феврале 2026 года 28 дней"),
    ("30.02.2024", "Такой даты нет — в феврале 2024 года 29 дней"),
    ("31.04.2025", "Такой даты нет — в апреле 2025 года 30 дней"),
    ("32.12.2025", "Такой даты нет — в декабре 2025 года 31 день"),
    ("2026-06-31", "Такой даты нет — в июне 2026 года 30 дней"),
    ("15.00.2026", "Такой даты нет — месяц 0, а месяцев в году 12"),
    ("0.05.2026", "Такой даты нет — дни месяца считаются с 1"),
    ("12/31/2025", "Ожидается дата в виде ДД.ММ.ГГГГ"),
    ("29.02.2024", None),
])
def test_a_date_that_is_not_in_the_calendar_is_called_so(text: str, message: str | None) -> None:
    from sheets_schema.fields import Date

    value, error, warning = Date().parse_one(text)
    assert (error, warning) == (message, None)
    assert (value is None or pd.isna(value)) == (message is not None)
