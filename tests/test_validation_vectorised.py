"""The vectorised reading paths say what the plain ones say: a sheet long enough to be read through Arrow reports the
same problems, at the same cells, as a short one; single-digit score cells read from bytes equal the general split;
repeats, plain numbers, empty dates and typed values keep their meaning."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from sheets_schema import ERROR, SCHEMA, WARNING, validate_workbook
from sheets_schema.cells import repeated
from sheets_schema.fields import Date, Integer, Number, RowId, Text, parse_scores_column
from sheets_schema.rules import score_to_mark, scores_matrix
from sheets_schema.scores import SCORE_MATRICES, score_cells, tuples_matrix
from sheets_schema.sheet_text import SMALL
from sheets_schema.validation import ROW
from tests.test_validation import T, base_grids

SPOILED = [  # results rows 4..12 (w1: three tasks of maxima 1, 2, 2; max 5; «3» from 2, «4» from 3, «5» from 5)
    ["r3", "w1", "st1", "да", "1  2\t2", "", ""],  # runs of separators: read as «1 2 2»
    ["r4", "w1", "st2", "да", "0 1,5 2", "3,5", ""],  # decimal commas in the scores and the total
    ["r5", "w1", "st1", "да", "10 1 1", "", ""],  # a two-digit score (the general path), over the maximum
    ["r6", "w1", "st2", "да", "1 - 2", "", ""],  # a task left unscored
    ["r7", "w1", "st1", "да", "1 2", "", ""],  # two scores for three tasks
    ["r8", "w1", "st1", "да", "1 х 2", "", ""],  # a letter among the scores
    ["r3", "w1", "st1", "да", "1 1 1", "3", ""],  # a repeated id
    ["r9", "w9", "st1", "да", "1 1 1", "", ""],  # no such work
    ["r10", "w1", "st1", "да", "1 1 1", "07", ""],  # a leading zero, and a total that is not the sum
]

EXPECTED = [  # worked out by hand from the rows above
    (5, "E5", WARNING, "Десятичная запятая в баллах: прочитано как дробные баллы"),
    (5, "F5", WARNING, "Число с десятичной запятой прочитано как 3,5 — проверьте, что это не опечатка"),
    (6, "E6", ERROR, "Балл за задание 1 (10) больше максимального (1)"),
    (7, "E7", WARNING, "Не оценено задание 2 («-»): «Сумма баллов» и отметка не выводятся; введите «Сумма баллов», "
                       "если она известна"),
    (8, "E8", ERROR, "Заданий в работе 3, а баллов введено 2"),
    (9, "E9", ERROR, "Баллы по заданиям вводятся числами через пробел, например «1 0 2 2 1»"),
    (10, "A10", ERROR, "Повтор значения «r3»: оно уже есть в строке 4"),
    (11, "B11", ERROR, f"Ссылка на несуществующую строку листа «{T['works']}»: «w9»"),
    (12, "F12", WARNING, "Ведущий ноль: прочитано как 7"),
    (12, "F12", ERROR, "«Сумма баллов» (7) не равна сумме баллов по заданиям (3)"),
]


def _results_issues(extra_rows: int) -> tuple[list[tuple[int, str, str, str]], pd.DataFrame]:
    g = base_grids()
    g[T["results"]] += [list(r) for r in SPOILED]
    g[T["results"]] += [[f"x{i}", "w1", "st2", "да", "1 2 2", "5", "5"] for i in range(extra_rows)]
    wb = validate_workbook(SCHEMA, g)
    return [(i.row, i.cell, i.severity, i.message) for i in wb.issues if i.sheet_key == "results"], wb["results"]


def test_a_long_sheet_reports_what_a_short_one_does() -> None:
    short, short_frame = _results_issues(0)
    long, long_frame = _results_issues(SMALL + 50)  # read through Arrow
    assert short == EXPECTED
    assert long == EXPECTED
    kept = short_frame
    assert kept["id"].tolist() == ["r1", "r2", "r3", "r4", "r6"]
    assert kept["scores"].tolist() == [(1.0, 2.0, 2.0), None, (1.0, 2.0, 2.0), (0.0, 1.5, 2.0), (1.0, None, 2.0)]
    assert kept["total"].tolist() == [5.0, pd.NA, 5.0, 3.5, pd.NA]  # derived unless a task is unscored
    assert kept["mark"].tolist() == [5, pd.NA, 5, 4, pd.NA]
    assert SCORE_MATRICES not in long_frame.attrs  # read by the results rule, not kept in the cache
    head = long_frame.iloc[:5].reset_index(drop=True)
    for col in ("id", "scores", "total", "mark", ROW):
        assert head[col].tolist() == kept[col].tolist(), col


def test_single_digit_cells_read_from_bytes_equal_the_general_split() -> None:
    cases = {
        "one work's grid": (["1 0 2", "- 1 2", "2 2 -"], [(1.0, 0.0, 2.0), (None, 1.0, 2.0), (2.0, 2.0, None)]),
        "ragged, with an empty cell": (["1 0", None, "2 - 1"], [(1.0, 0.0), None, (2.0, None, 1.0)]),
        "grid-shaped, but a decimal": (["1 2", "1,5"], [(1.0, 2.0), (1.5,)]),
        "a two-digit score": (["10 2", "3"], [(10.0, 2.0), (3.0,)]),
    }
    for name, (cells, expected) in cases.items():
        got = parse_scores_column(pd.Series(cells, dtype="str"))
        assert got.tolist() == expected, name
        tuples, matrix = score_cells(pa.array(cells, pa.large_string()))
        values, counts = tuples_matrix(np.array(expected + [None], dtype=object)[:-1])
        assert np.array_equal(matrix.values, values, equal_nan=True), name
        assert matrix.counts.tolist() == counts.tolist(), name


def test_the_kept_matrix_is_used_only_while_the_frame_holds_the_parsed_tuples() -> None:
    tuples, matrix = score_cells(pa.array(["1 2", "2 0"], pa.large_string()))
    frame = pd.DataFrame({"scores": pd.Series(tuples, dtype=object), ROW: [2, 3]})
    frame.attrs[SCORE_MATRICES] = {"scores": matrix}
    values, counts = scores_matrix(frame["scores"], frame)
    assert values.tolist() == [[1.0, 2.0], [2.0, 0.0]] and counts.tolist() == [2, 2]
    changed = frame.copy()
    changed["scores"] = pd.Series([(2.0, 2.0), (2.0, 0.0)], dtype=object)  # the first cell rewritten since
    values, counts = scores_matrix(changed["scores"], changed)
    assert values.tolist() == [[2.0, 2.0], [2.0, 0.0]]
    one = frame[frame[ROW] == 3].reset_index(drop=True)  # a row left out: the sheet's row numbers still find it
    assert scores_matrix(one["scores"], one)[0].tolist() == [[2.0, 0.0]]


def test_repeats_are_pandas_duplicated_keep_first() -> None:
    cells = ["a", "b", "a", "c", "b", "b", ""]
    assert repeated(pa.array(cells, pa.large_string())).tolist() == [False, False, True, False, True, True, False]
    assert repeated(pa.array([], pa.large_string())).tolist() == []


def test_plain_whole_numbers_and_the_ones_to_warn_about() -> None:
    plain = Integer(max_value=10).parse(pd.Series(["12", "", "3"], dtype="str"))
    assert plain.values.tolist() == [pd.NA, pd.NA, 3] and str(plain.values.dtype) == "Int64"
    assert plain.errors.tolist() == ["Значение больше 10", None, None]
    lead = Number().parse(pd.Series(["12", "", "007", "0"], dtype="str"))
    assert lead.values.tolist() == [12.0, pd.NA, 7.0, 0.0] and str(lead.values.dtype) == "Float64"
    assert lead.errors.tolist() == [None] * 4
    assert lead.warnings.tolist() == [None, None, "Ведущий ноль: прочитано как 7", None]


def test_an_empty_date_column_and_typed_dates_out_of_range() -> None:
    empty = Date().parse(pd.Series(["", ""], dtype="str"))
    assert empty.values.isna().all() and str(empty.values.dtype) == "datetime64[ns]"
    assert empty.errors.tolist() == [None, None]
    typed = Date().check(pd.Series(np.array(["3000-01-01", "2020-05-01", "NaT"], dtype="datetime64[s]")))
    assert typed.errors.tolist() == ["Дата вне допустимого диапазона", None, None]
    assert pd.isna(typed.values[0]) and typed.values[1] == pd.Timestamp(2020, 5, 1) and pd.isna(typed.values[2])
    assert str(typed.values.dtype) == "datetime64[ns]"


def test_typed_integers_keep_their_empty_cells() -> None:
    got = Integer(min_value=1).check(pd.Series([3, None, 0], dtype="Int64"))
    assert got.values.tolist() == [3, pd.NA, pd.NA] and got.errors.tolist() == [None, None, "Значение меньше 1"]


def test_row_ids_up_to_64_allowed_characters() -> None:
    got = RowId().check(pd.Series(["a" * 64, "a" * 65, "st-1.b_2", "st 1", ""], dtype="str"))
    bad = "Идентификатор может содержать только буквы, цифры, «-», «_» и «.»"
    assert got.errors.tolist() == [None, bad, None, bad, None]


def test_marks_by_per_row_thresholds_with_one_missing() -> None:
    got = score_to_mark(pd.Series([10, None, 20], dtype="Float64"), np.array([8.0, 8.0, np.nan]), 15, 21)
    assert got.tolist() == [3, pd.NA, 4] and str(got.dtype) == "Int64"


def test_text_length_counts_characters_not_bytes() -> None:
    got = Text(max_length=3).check(pd.Series(["абв", "абвг", "abcd", "", "ab"], dtype="str"))  # Cyrillic: 2 bytes
    too_long = "Слишком длинный текст (больше 3 символов)"
    assert got.errors.tolist() == [None, too_long, too_long, None, None]
    assert Text(max_length=3).check(pd.Series(["абв", "ab"], dtype="str")).errors.tolist() == [None, None]
