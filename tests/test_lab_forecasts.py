"""The lab's forecasts and their check on past years, hand-worked on tiny cases: the exam mark distribution of a
school and the contingent by cohort shift."""

from __future__ import annotations

import pandas as pd
import pytest

from reports.district.contingent import backtest, next_year, shift
from reports.district.exam_forecast import check_before, school_forecasts

OGE = "ОГЭ (ГИА-9)"


def _row(year: int, student: str, work: str, kind: str, date: str, total: float, mark: int | None,
         max_score: float = 20) -> dict:
    return {"year": year, "school": "A", "student_id": student, "class_id": "c9", "work_id": work, "parallel": 9,
            "subject": "математика", "kind": kind, "date": pd.Timestamp(date), "max_score": max_score,
            "threshold_3": 6, "threshold_4": 11, "threshold_5": 16, "total": total, "mark": mark}


def _facts() -> pd.DataFrame:
    rows = []
    # 2024/2025: one входная (80 %, 50 %, 50 %, 20 %) before the exam; the exam gave 5, 4, 3, 3
    for s, t in zip(("s1", "s2", "s3", "s4"), (16, 10, 10, 4), strict=True):
        rows.append(_row(2024, s, "w24", "входная", "2024-09-20", t, None))
    for s, t, m in zip(("s1", "s2", "s3", "s4"), (17, 12, 8, 9), (5, 4, 3, 3), strict=True):
        rows.append(_row(2024, s, "e24", OGE, "2025-04-10", t, m))
    # 2025/2026: two results before the exam (the exam has no results yet: only a pilot in February)
    for s, t in zip(("t1", "t2"), (18, 4), strict=True):
        rows.append(_row(2025, s, "w25", "входная", "2025-09-20", t, None))
        rows.append(_row(2025, s, "e25", OGE, "2026-02-10", t, None))
    return pd.DataFrame(rows)


def test_the_exam_forecast_of_a_past_year_against_its_fact() -> None:
    f = school_forecasts(_facts()).set_index("year")
    past = f.loc[2024]
    # one point per student: no held-out error to pick a method by, so each student keeps their own level;
    # 80 % of 20 = 16 -> «5», 50 % = 10 -> «3» (11 for «4»), 20 % = 4 -> «2»
    assert past["students"] == 4 and past["method"] == "mean"
    assert (past["p5"], past["p4"], past["p3"], past["p2"]) == (25, 0, 50, 25)
    assert past["quality_pct"] == 25 and past["mean_mark"] == pytest.approx(3.25)
    assert (past["a5"], past["a4"], past["a3"], past["a2"]) == (25, 25, 50, 0)
    assert past["actual_quality_pct"] == 50 and past["actual_mean_mark"] == pytest.approx(3.75)
    # 2025: the last exam work is the February pilot; its forecast reads only the входная before it
    now = f.loc[2025]
    assert now["students"] == 2 and (now["p5"], now["p2"]) == (50, 50) and now["actual_N"] == 0


def test_the_check_reads_only_earlier_years() -> None:
    f = school_forecasts(_facts())
    c = check_before(f, 2025)
    # quality 25 against 50; mean mark 3.25 against 3.75; shares |0|, |0 − 25|, |0|, |25 − 0| -> 50 / 4
    assert (c.cases, c.years) == (1, (2024,))
    assert c.quality_mae == pytest.approx(25) and c.mean_mark_mae == pytest.approx(0.5)
    assert c.shares_mae == pytest.approx(12.5)
    assert "25 п. п." in c.sentence() and "0,5" in c.sentence()
    assert check_before(f, 2024).cases == 0  # nothing before the first year
    assert "не проверен" in check_before(f, 2024).sentence()


def _contingent() -> pd.DataFrame:
    rows = [(2023, 1, 20), (2023, 2, 25), (2024, 1, 22), (2024, 2, 19), (2025, 1, 24), (2025, 2, 23)]
    return pd.DataFrame([{"year": y, "school": "A", "parallel": p, "students": n} for y, p, n in rows])


def test_the_contingent_by_cohort_shift_and_its_past_error() -> None:
    c = _contingent()
    # from 2023: no earlier pair, ratio 1 -> p1 20 (came 22), p2 20 (came 19)
    first = shift(c, 2023).set_index("parallel")
    assert first.loc[1, "forecast"] == 20 and first.loc[2, "forecast"] == 20 and first.loc[2, "ratio"] == 1
    # from 2024: ratio 19 / 20 = 0.95 -> p2 22 × 0.95 = 20.9 (came 23)
    second = shift(c, 2024).set_index("parallel")
    assert second.loc[2, "ratio"] == pytest.approx(0.95) and second.loc[2, "forecast"] == pytest.approx(20.9)
    check, errors = backtest(c)
    assert check.cases == 4 and check.years == (2024, 2025)
    assert check.mae == pytest.approx((2 + 1 + 2 + 2.1) / 4)
    assert check.mape == pytest.approx((2 / 22 + 1 / 19 + 2 / 24 + 2.1 / 23) / 4 * 100)
    forecast, said = next_year(c)
    f = forecast.set_index("parallel")
    assert f.loc[1, "forecast"] == 24 and f.loc[2, "forecast"] == pytest.approx(24 * 23 / 22)
    assert said.cases == 4 and "1,8 обучающихся" in said.sentence()


def test_no_past_pair_means_not_checked() -> None:
    one = _contingent()[lambda d: d["year"] == 2025]
    forecast, said = next_year(one)
    # no earlier year: the 1st grade moves up whole (ratio 1), the intake stays
    assert list(forecast["forecast"]) == [24, 24] and list(forecast["ratio"]) == [1, 1]
    assert said.cases == 0 and "не проверен" in said.sentence()
