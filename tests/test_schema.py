"""Declarations and everything derived from them."""

import pandas as pd
import pytest
from pydantic import ValidationError

from sheets_schema import ID_HEADER, SCHEMA, Field, Registry, SchemaError, Sheet
from sheets_schema.fields import Choice, Integer, Mark, Ref, RowId, Text
from sync.layout import layout_of


def _sheet(key: str, *fields: Field, title: str | None = None) -> Sheet:
    return Sheet(key, title or key, (Field("id", ID_HEADER, RowId(), required=True, unique=True), *fields))


def test_every_domain_sheet_is_declared_with_russian_titles() -> None:
    assert SCHEMA.keys == ["departments", "subjects", "teachers", "classes", "students", "teaching_load", "works",
                           "tasks", "work_stages", "results", "period_marks", "olympiads", "courses", "attestations",
                           "portfolio", "practices", "movements"]
    for sheet in SCHEMA:
        assert any("а" <= ch <= "я" or ch in "ЁёА-Я" for ch in sheet.title.lower()), sheet.title
        assert sheet.headers[0] == "id"


def test_duplicate_field_key_fails_at_declaration() -> None:
    with pytest.raises(SchemaError, match="duplicate field key"):
        _sheet("x", Field("a", "А"), Field("a", "Б"))


def test_duplicate_header_fails_at_declaration() -> None:
    with pytest.raises(SchemaError, match="duplicate field header"):
        _sheet("x", Field("a", "А"), Field("b", "А"))


def test_reference_to_unknown_sheet_fails() -> None:
    with pytest.raises(SchemaError, match="unknown sheet 'nope'"):
        Registry([_sheet("x", Field("r", "Ссылка", Ref("nope")))], version=1)


def test_duplicate_sheet_key_and_title_fail() -> None:
    with pytest.raises(SchemaError, match="duplicate sheet key"):
        Registry([_sheet("x"), _sheet("x", title="другое")], version=1)
    with pytest.raises(SchemaError, match="duplicate sheet title"):
        Registry([_sheet("x", title="Т"), _sheet("y", title="Т")], version=1)


def test_first_field_must_be_the_id() -> None:
    with pytest.raises(SchemaError, match="row id"):
        Sheet("x", "x", (Field("a", "А"),))


def test_headers_dtypes_and_layout_derive_from_one_declaration() -> None:
    works = SCHEMA["works"]
    assert works.headers == [f.header for f in works.fields]
    assert works.dtypes["parallel"] == "Int64" and works.dtypes["date"] == "datetime64[ns]"
    lay = layout_of(works)
    assert lay.headers == works.headers
    assert lay.choices["Вид работы"] == works.field("kind").choices
    assert lay.number_ranges["Параллель"] == (1, 11)
    assert SCHEMA["results"].column_titles()["mark"] == "Отметка"


def test_pydantic_model_derived_from_declaration() -> None:
    model = SCHEMA["classes"].model()
    row = model(id="c1", parallel=9, letter="А", profile="универсальный")
    assert row.parallel == 9 and row.class_teacher_id is None
    with pytest.raises(ValidationError):
        model(id="c1", letter="А", profile="универсальный")  # parallel is required
    with pytest.raises(ValidationError):
        model(id="c1", parallel=9, letter="А", profile="x", unknown=1)  # extra keys refused


@pytest.mark.parametrize(("ftype", "text", "value", "error", "warning"), [
    (Mark(), "5", 5, None, None),
    (Mark(), "6", None, "Отметка должна быть от 1 до 5", None),
    (Mark(), "05", 5, None, "Ведущий ноль: прочитано как 5"),
    (Mark(), "4,5", None, "Ожидается целое число", None),
    (Mark(), "пять", None, "Ожидается число", None),
    (Integer(min_value=1, max_value=11), "11", 11, None, None),
    (Integer(min_value=1, max_value=11), "12", None, "Значение больше 11", None),
    (Choice(("да", "нет")), "Да", "да", None, None),
    (Choice(("да", "нет")), "может", None, "Допустимые значения: да, нет", None),
    (Text(max_length=3), "abcd", None, "Слишком длинный текст (больше 3 символов)", None),
])
def test_field_types_parse_one_cell(ftype, text, value, error, warning) -> None:
    got_value, got_error, got_warning = ftype.parse_one(text)
    assert got_error == error
    assert got_warning == warning
    if error is None:
        assert got_value == value


@pytest.mark.parametrize(("text", "expected"), [
    ("4,5", 4.5), ("4.5", 4.5), ("  7 ", 7.0), ("1\u00a0000", 1000.0), ("-2", -2.0),
])
def test_numbers_read_russian_and_english_forms(text: str, expected: float) -> None:
    from sheets_schema.fields import Number

    value, error, _ = Number().parse_one(text)
    assert error is None and value == pytest.approx(expected)


def test_render_is_the_inverse_of_parse() -> None:
    from sheets_schema.fields import Date, Number, Scores

    assert Number().render(4.5) == "4,5" and Number().render(7.0) == "7"
    assert Date().render(pd.Timestamp("2025-09-01")) == "01.09.2025"
    assert Scores().render((1.0, 0.0, None, 2.0)) == "1 0 - 2"
    assert Scores().parse_one("1 0 - 2")[0] == (1.0, 0.0, None, 2.0)
