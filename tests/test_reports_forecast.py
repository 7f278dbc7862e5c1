"""Theil–Sen trends, bands from the residual MAD, exam forecasts and the leave-last-out backtest."""

from __future__ import annotations

import functools
import math

import pandas as pd
import pytest

from reports.analytics.facts import results_facts
from reports.analytics.forecast import MAD_SCALE, backtest, exam_forecast, forecast_next, predict, theil_sen
from tests.factories import School

START = pd.Timestamp("2025-09-01")


def points(*ys: float, gap: int = 30, group: str = "g") -> pd.DataFrame:
    return pd.DataFrame({"grp": [group] * len(ys), "date": [START + pd.Timedelta(days=gap * i) for i in range(len(ys))],
                         "pct": list(ys)})


def fit_one(frame: pd.DataFrame) -> pd.Series:
    return theil_sen(frame, ["grp"]).iloc[0]


def test_exact_line() -> None:
    # 40, 43, 46 every 30 days: 0.1 per day = 3 per month, intercept 40, no residuals
    fit = fit_one(points(40, 43, 46))
    assert fit["slope"] == pytest.approx(0.1) and fit["intercept"] == pytest.approx(40.0)
    assert fit["sigma"] == 0.0 and fit["n_points"] == 3


def test_one_outlier_does_not_move_the_line() -> None:
    # 40, 43, (0), 49, 52: six of the ten pairwise slopes are 0.1, the four with the outlier are
    # -1.433, -0.667, 0.867, 1.633 -> the median stays 0.1; intercept median(40, 40, -6, 40, 40) = 40
    fit = fit_one(points(40, 43, 0, 49, 52))
    assert fit["slope"] == pytest.approx(0.1) and fit["intercept"] == pytest.approx(40.0)


def test_band_from_residual_mad() -> None:
    # days 0, 30, 60, 90; pct 40, 50, 45, 55
    # slopes: 1/3, 1/12, 1/6, -1/6, 1/12, 1/3 -> median (1/12 + 1/6)/2 = 0.125 per day (3.75 a month)
    # intercept: median(40, 46.25, 37.5, 43.75) = 41.875; residuals ±1.875, ±4.375 -> MAD 3.125
    fit = theil_sen(points(40, 50, 45, 55), ["grp"])
    assert fit["slope"].iloc[0] == pytest.approx(0.125)
    assert fit["intercept"].iloc[0] == pytest.approx(41.875)
    sigma = MAD_SCALE * 3.125
    assert fit["sigma"].iloc[0] == pytest.approx(sigma)
    out = predict(fit).iloc[0]  # next = last + median gap (30 days) = day 120: 41.875 + 15 = 56.875
    assert out["at"] == START + pd.Timedelta(days=120)
    assert out["slope_per_month"] == pytest.approx(3.75)
    assert out["forecast_pct"] == pytest.approx(56.875)
    assert (out["low_pct"], out["high_pct"]) == pytest.approx((56.875 - 1.96 * sigma, 56.875 + 1.96 * sigma))


@pytest.mark.parametrize(("ys", "forecast", "band_known"), [
    ((70.0,), 70.0, False),  # one point: flat, band unknown
    ((60.0, 70.0), 80.0, False),  # two points: the line through them, band unknown (not a zero width)
    ((60.0, 70.0, 80.0), 90.0, True),
    ((80.0, 95.0, 110.0), 100.0, True),  # clipped to 100 %
    ((40.0, 20.0, 0.0), 0.0, True),  # clipped to 0 %
])
def test_small_series_and_clipping(ys: tuple[float, ...], forecast: float, band_known: bool) -> None:
    out = predict(theil_sen(points(*ys), ["grp"])).iloc[0]
    assert out["forecast_pct"] == pytest.approx(forecast)
    assert (not math.isnan(out["low_pct"])) is band_known


def test_groups_are_fitted_independently_and_at_a_given_date() -> None:
    frame = pd.concat([points(40, 43, 46, group="a"), points(70, 60, group="b")], ignore_index=True)
    out = predict(theil_sen(frame, ["grp"]), START + pd.Timedelta(days=90)).set_index("grp")
    # a: 40 + 0.1 * 90 = 49; b: 70 - 10/30 * 90 = 40
    assert out.loc["a", "forecast_pct"] == pytest.approx(49.0)
    assert out.loc["b", "forecast_pct"] == pytest.approx(40.0)


@functools.cache  # built once per module; the tests only read it
def school() -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """Algebra in 9«А», works of max 10 on 15.01, 14.02, 16.03 (30 days apart), ОГЭ on 15.05 (60 days later).

    Аксёнов 6, 7, 8 (60 → 80 %); Белов 3, 3, 3; Волков 5, 5, 8. A geometry result must not count.
    """
    s = School()
    ids: dict[str, str] = {}
    alg, geo = s.subject("Алгебра"), s.subject("Геометрия")
    c = s.klass(9, "А")
    dates = ["15.01.2026", "14.02.2026", "16.03.2026"]
    works = [s.work(alg, kind="промежуточная (рубежная)", date=d) for d in dates]
    geo_work = s.work(geo, date="20.03.2026")
    ids["exam"] = s.work(alg, kind="ОГЭ (ГИА-9)", date="15.05.2026", max_score=20, thresholds=(6, 10, 15))
    for name, totals in (("Аксёнов", (6, 7, 8)), ("Белов", (3, 3, 3)), ("Волков", (5, 5, 8))):
        ids[name] = s.student(c, name)
        for w, t in zip(works, totals, strict=True):
            s.result(w, ids[name], total=t)
        s.result(geo_work, ids[name], total=0)
    frames = s.frames()
    return results_facts(frames), frames["works"], ids


def test_exam_forecast_maps_each_student_through_the_exam_thresholds() -> None:
    facts, works, ids = school()
    result = exam_forecast(facts, works, ids["exam"])
    st = result.students.set_index(result.students["student"].astype(str))
    # Аксёнов: +10 % per 30 days -> 80 + 20 = 100 % of 20 = 20 points -> «5»
    # Белов: flat 30 % = 6 points -> «3» (threshold 6); Волков: slope 0.5 %/day, intercept 50 -> 110 -> 100 % -> «5»
    assert st.loc["Аксёнов Иван", "forecast_pct"] == pytest.approx(100.0)
    assert st.loc["Белов Иван", ["forecast_pct", "forecast_score"]].tolist() == pytest.approx([30.0, 6.0])
    assert st["forecast_mark"].tolist() == [5, 3, 5]
    assert (st["at"] == pd.Timestamp("2026-05-15")).all()
    cls = result.classes.iloc[0]
    # distribution 5, 3, 5 -> quality 2/3, СОУ (100 + 36 + 100)/3 = 78.67
    assert (cls["class"], cls["n5"], cls["n3"], cls["N"]) == ("9«А»", 2, 1, 3)
    assert cls["quality_pct"] == pytest.approx(200 / 3) and cls["sou_pct"] == pytest.approx(236 / 3)
    assert result.work_id == ids["exam"]


def test_forecast_next_for_the_class() -> None:
    facts, works, ids = school()
    out = forecast_next(facts, ("class_id",), subject_id=facts["subject_id"].iloc[0])
    row = out.iloc[0]
    # class means: (60+30+50)/3 = 46.67, (70+30+50)/3 = 50, (80+30+80)/3 = 63.33 at days 0, 30, 60
    # slopes: 3.33/30, 16.67/60, 13.33/30 -> median 16.67/60 per day; the next point is 30 days after the last
    assert row["class"] == "9«А»" and row["n_points"] == 3
    assert row["slope_per_month"] == pytest.approx(50 / 6)
    assert row["at"] == pd.Timestamp("2026-04-15")


def test_backtest_leave_last_out() -> None:
    facts, works, ids = school()
    alg = facts.loc[facts["student"].astype(str) == "Аксёнов Иван", "subject_id"].iloc[0]
    result = backtest(facts, ("student_id",), subject_id=alg)
    # predicting the third result from the first two: Аксёнов 60, 70 -> 80 (error 0); Белов 30 (0);
    # Волков 50, 50 -> 50 against 80 (error -30) -> MAE 30 / 3 = 10
    assert result.n_groups == 3
    assert result.mae == pytest.approx(10.0)
    assert sorted(result.errors["error"].round(6).tolist()) == [-30.0, 0.0, 0.0]


def test_backtest_needs_enough_points() -> None:
    facts, works, ids = school()
    result = backtest(facts, ("student_id",), min_points=5)
    assert result.n_groups == 0 and math.isnan(result.mae)
