"""Pure helpers of forms: the widget registry, inline messages, changed cells, ids, and the row-level rules."""

from __future__ import annotations

import datetime as dt

import pytest

from forms import widgets
from forms.changes import cell_text, changed_fields, edit_change, same_cell
from forms.entry_form import field_message
from forms.ids import content_row_id, new_row_id
from forms.subrows import maxima_problem, numbering_problems
from sheets_schema import SCHEMA, validate_workbook
from sheets_schema.rows import check_rows
from tests.test_validation import base_grids

STUDENTS = SCHEMA["students"]


def test_every_widget_a_field_type_declares_has_a_builder() -> None:
    declared = {f.type.widget for sheet in SCHEMA for f in sheet.fields}
    assert declared <= set(widgets._BUILDERS), declared - set(widgets._BUILDERS)


@pytest.mark.parametrize(("sheet", "key", "text", "expected"), [
    ("students", "last_name", "", ("Обязательное поле не заполнено", None)),
    ("students", "middle_name", "", (None, None)),
    ("students", "birth_date", "30.02.2014", ("Такой даты нет — в феврале 2014 года 28 дней", None)),
    ("students", "birth_date", "2014-02-03", (None, None)),
    ("students", "gender", "Ж", (None, None)),
    ("students", "gender", "x", ("Допустимые значения: м, ж", None)),
    ("teachers", "experience", "020", (None, "Ведущий ноль: прочитано как 20")),
    ("teachers", "experience", "71", ("Значение больше 70", None)),
    ("courses", "hours", "72,5", (None, "Число с десятичной запятой прочитано как 72,5 — проверьте, что это не "
                                       "опечатка")),
    ("results", "mark", "6", ("Отметка должна быть от 1 до 5", None)),
    ("results", "scores", "1 х 2", ("Баллы по заданиям вводятся числами через пробел, например «1 0 2 2 1»", None)),
    ("portfolio", "link", "school.ru", ("Ссылка должна начинаться с http:// или https://", None)),
])
def test_field_message_is_the_sheet_check_for_one_cell(sheet: str, key: str, text: str, expected) -> None:
    assert field_message(SCHEMA[sheet].field(key), text) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (None, ""),
    (float("nan"), ""),
    (3.0, "3"),
    (7, "7"),
    (2.5, "2.5"),
    (0.1 + 0.2, "0.3"),
    (True, "да"),
    (dt.date(2025, 9, 1), "01.09.2025"),
    (dt.datetime(2025, 9, 1, 0, 0), "01.09.2025"),
    ("  А ", "А"),
])
def test_cell_text_of_spreadsheet_values(value, expected: str) -> None:
    assert cell_text(value) == expected


@pytest.mark.parametrize(("key", "old", "new", "same"), [
    ("last_name", "Петров", "Петров ", True),
    ("last_name", "Петров", "Петрова", False),
    ("gender", "Ж", "ж", True),
    ("birth_date", "01.09.2012", "2012-09-01", True),
    ("birth_date", "", "01.09.2012", False),
])
def test_same_cell_compares_meaning_not_spelling(key: str, old: str, new: str, same: bool) -> None:
    assert same_cell(STUDENTS.field(key), old, new) is same


def test_edit_change_sends_changed_fields_with_old_texts_only() -> None:
    old = {"id": "st1", "last_name": "Петров", "first_name": "Иван", "middle_name": "", "class_id": "c1",
           "birth_date": "01.09.2012", "gender": "м"}
    new = {**old, "first_name": "Илья", "birth_date": "2012-09-01"}
    assert changed_fields(STUDENTS, old, new) == {"first_name": "Илья"}
    change = edit_change(STUDENTS, "st1", old, new)
    assert change is not None
    assert (change.op, change.values, change.expected) == ("update", {"first_name": "Илья"}, {"first_name": "Иван"})
    assert edit_change(STUDENTS, "st1", old, dict(old)) is None


def test_ids() -> None:
    assert new_row_id("students").startswith("st-") and new_row_id("students") != new_row_id("students")
    cells = {"last_name": "Петров", "first_name": "Иван", "class_id": "c1"}
    a = content_row_id("students", cells)
    assert a == content_row_id("students", {**cells, "middle_name": "", "id": ""})  # blanks and id do not count
    assert a != content_row_id("students", {**cells, "first_name": "Илья"})
    assert content_row_id("students", cells, 1) == a + "-2"
    assert SCHEMA["students"].field("id").type.parse_one(a + "-2")[1] is None  # a valid row id


def test_children_checks() -> None:
    rows = [{"number": "1"}, {"number": "2"}, {"number": "1"}]
    [p] = numbering_problems(rows, "number", "Номер задания")
    assert (p.index, p.field, p.message) == (2, "number", "«Номер задания» 1 уже есть в строке 1")
    assert maxima_problem("5", ["1", "2", "2"], "Максимальный балл", "Максимальный балл") is None
    assert maxima_problem("6", ["1", "2", "2,5"], "Максимальный балл", "Максимальный балл") == (
        "Сумма «Максимальный балл» заданий (5,5) не равна «Максимальный балл» работы (6)")


@pytest.fixture(scope="module")
def frames():
    return validate_workbook(SCHEMA, base_grids()).frames


@pytest.mark.parametrize(("sheet", "row", "expected"), [
    ("courses", {"id": "k9", "teacher_id": "t1", "title": "Курсы", "hours": "36", "start_date": "10.10.2025",
                 "end_date": "01.10.2025"}, [("end_date", "«Окончание» раньше, чем «Начало» (10.10.2025)")]),
    ("courses", {"id": "k9", "teacher_id": "t1", "title": "Курсы", "hours": "36", "start_date": "01.10.2025",
                 "end_date": "10.10.2025"}, []),
    ("portfolio", {"id": "p9", "owner": "ученик", "kind": "проект", "title": "Проект"},
     [("student_id", "«Чьё» = ученик: заполните «Обучающийся»")]),
    ("portfolio", {"id": "p9", "owner": "учитель", "kind": "проект", "title": "Проект", "student_id": "st1"},
     [("teacher_id", "«Чьё» = учитель: заполните «Педагог»")]),
    ("portfolio", {"id": "p9", "owner": "учитель", "kind": "проект", "title": "Проект", "teacher_id": "t1"}, []),
])
def test_row_level_cross_field_rules(frames, sheet: str, row: dict[str, str], expected) -> None:
    assert [(p.field, p.message) for p in check_rows(SCHEMA, sheet, [row], frames)] == expected
