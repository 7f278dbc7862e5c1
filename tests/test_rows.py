"""Candidate rows get the same messages as hand-edited cells."""

from sheets_schema import SCHEMA, validate_workbook
from sheets_schema.rows import check_rows
from tests.test_validation import base_grids


def frames():
    return validate_workbook(SCHEMA, base_grids()).frames


def test_valid_student_has_no_problems() -> None:
    row = {"id": "st9", "last_name": "Кузнецова", "first_name": "Ольга", "class_id": "c1", "gender": "ж"}
    assert check_rows(SCHEMA, "students", [row], frames()) == []


def test_field_and_reference_problems_are_worded_like_the_sheet_check() -> None:
    row = {"id": "st9", "last_name": "", "first_name": "Ольга", "class_id": "c77", "birth_date": "30.02.2015"}
    got = [(p.field, p.message) for p in check_rows(SCHEMA, "students", [row], frames())]
    assert got == [("last_name", "Обязательное поле не заполнено"),
                   ("class_id", "Ссылка на несуществующую строку листа «Классы»: «c77»"),
                   ("birth_date", "Такой даты нет — в феврале 2015 года 28 дней")]


def test_duplicate_id_is_refused_unless_it_is_the_row_being_edited() -> None:
    row = {"id": "st1", "last_name": "Петров", "first_name": "Иван", "class_id": "c1"}
    assert [p.field for p in check_rows(SCHEMA, "students", [row], frames())] == ["id"]
    assert check_rows(SCHEMA, "students", [row], frames(), replacing=["st1"]) == []


def test_score_above_task_maximum_uses_the_cross_field_rule() -> None:
    row = {"id": "r9", "work_id": "w1", "student_id": "st2", "present": "да", "scores": "1 5 0"}
    got = [(p.field, p.message) for p in check_rows(SCHEMA, "results", [row], frames(), replacing=["r2"])]
    assert got == [("scores", "Балл за задание 2 (5) больше максимального (2)")]
