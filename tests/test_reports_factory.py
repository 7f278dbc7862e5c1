"""The test factory (tests/factories.py) builds typed frames directly; these tests prove they match what
validation produces from the same rows as cell strings."""

from __future__ import annotations

import pandas as pd

from sheets_schema import SCHEMA, validate_workbook
from tests.factories import small_school


def test_factory_frames_match_validation() -> None:
    school = small_school()
    made = school.frames()
    wb = validate_workbook(SCHEMA, school.grids())
    assert [i for i in wb.issues if i.severity == "ошибка"] == []
    for key in ("results", "works", "tasks", "students", "classes", "period_marks"):
        got, want = made[key], wb.frames[key]
        assert list(got.columns) == list(want.columns), key
        for col in got.columns:
            if str(want[col].dtype).startswith("datetime64"):
                assert str(got[col].dtype).startswith("datetime64"), (key, col)
                assert got[col].tolist() == want[col].tolist(), (key, col)
                continue
            if len(want) and isinstance(want[col].dtype, pd.CategoricalDtype):
                assert list(got[col].cat.categories) == list(want[col].cat.categories), (key, col)
            pd.testing.assert_series_equal(got[col], want[col], check_dtype=len(want) > 0,
                                           check_categorical=False, obj=f"{key}.{col}")


def test_factory_derives_total_and_mark_like_validation() -> None:
    res = small_school().frames()["results"]
    # 2 + 5 = 7 -> «4» (thresholds 4/6/8); 1 + (unscored) -> no total and no mark (validation warns instead)
    assert res["total"].iloc[0] == 7.0 and pd.isna(res["total"].iloc[1])
    assert res["mark"].iloc[0] == 4 and pd.isna(res["mark"].iloc[1])
