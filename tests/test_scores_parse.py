"""Score cells into tuples and the padded matrix the results rule reads: the one-work (rectangular) path and the
ragged path give the same values."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sheets_schema.fields import parse_scores_column
from sheets_schema.rules import scores_matrix, task_maxima


def test_rectangular_cells_with_unscored_and_decimal_comma() -> None:
    cells = pd.Series(["1 0 2", "- 1,5 2", "2 2 -"], dtype="str")
    assert parse_scores_column(cells).tolist() == [(1.0, 0.0, 2.0), (None, 1.5, 2.0), (2.0, 2.0, None)]


def test_ragged_and_empty_cells() -> None:
    cells = pd.Series(["1 0", None, "2 - 1"], dtype="str")
    assert parse_scores_column(cells).tolist() == [(1.0, 0.0), None, (2.0, None, 1.0)]


def test_matrix_of_equal_and_unequal_rows() -> None:
    values, counts = scores_matrix(pd.Series([(1.0, None), (2.0, 3.0)], dtype=object))
    assert counts.tolist() == [2, 2]
    assert np.array_equal(values, np.array([[1.0, np.nan], [2.0, 3.0]]), equal_nan=True)
    values, counts = scores_matrix(pd.Series([(1.0,), None, (2.0, 3.0)], dtype=object))
    assert counts.tolist() == [1, -1, 2]
    assert np.array_equal(values, np.array([[1.0, np.nan], [np.nan, np.nan], [2.0, 3.0]]), equal_nan=True)


def test_task_maxima_by_work_and_a_work_without_tasks() -> None:
    tasks = pd.DataFrame({"work_id": ["w2", "w1", "w1"], "number": [1, 2, 1], "max_score": [5.0, 3.0, 1.0]})
    maxima, count = task_maxima(tasks, pd.Series(["w1", "w3", "w2"], dtype="str"), 0)
    assert count.tolist() == [2, -1, 1]
    assert np.array_equal(maxima, np.array([[1.0, 3.0], [np.nan, np.nan], [5.0, np.nan]]), equal_nan=True)
