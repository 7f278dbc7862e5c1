"""Forecasts checked on the past: held-out errors by rolling origin, the winner among trend / own mean / last value,
a band from those errors only for groups with at least five points, and the published sentence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reports.analytics.forecast_check import (
    LAST_VALUE,
    OWN_MEAN,
    TREND,
    ForecastQuality,
    held_out_errors,
    honest_forecast,
    quality,
)

START = pd.Timestamp("2025-09-01")


def points(groups: dict[str, list[float]], gap: int = 30) -> pd.DataFrame:
    rows = [(g, START + pd.Timedelta(days=gap * i), y) for g, ys in groups.items() for i, y in enumerate(ys)]
    return pd.DataFrame(rows, columns=["grp", "date", "pct"])


def test_rolling_origin_errors_by_hand() -> None:
    # 40, 43, 46, 49, 60 every 30 days. Point 4 (49) from 40 43 46: trend 49 (error 0), mean 43 (−6), last 46 (−3).
    # Point 5 (60) from 40 43 46 49: trend 52 (−8), mean 44.5 (−15.5), last 49 (−11).
    e = held_out_errors(points({"a": [40, 43, 46, 49, 60]}), ["grp"])
    assert e["actual"].tolist() == [49.0, 60.0]
    assert e[TREND].tolist() == pytest.approx([0.0, -8.0])
    assert e[OWN_MEAN].tolist() == pytest.approx([-6.0, -15.5])
    assert e[LAST_VALUE].tolist() == pytest.approx([-3.0, -11.0])


def test_a_group_of_three_points_gives_no_held_out_error() -> None:
    assert held_out_errors(points({"a": [40, 43, 46]}), ["grp"]).empty


@pytest.mark.parametrize(("groups", "method"), [
    ({"a": [40, 43, 46, 49, 52], "b": [60, 57, 54, 51, 48]}, TREND),  # straight lines: the trend is exact
    ({"a": [50, 70, 50, 70, 50, 70], "b": [60, 40, 60, 40, 60, 40]}, OWN_MEAN),  # zig-zag: the mean is closest
    ({"a": [40, 40, 40, 70, 70, 70], "b": [60, 60, 60, 30, 30, 30]}, LAST_VALUE),  # steps: the last value
])
def test_the_method_that_predicted_the_past_best_is_chosen(groups: dict[str, list[float]], method: str) -> None:
    e = held_out_errors(points(groups), ["grp"])
    assert quality(e, ["grp"]).method == method


def test_mae_half_width_and_coverage_by_hand() -> None:
    # four groups; absolute errors of the chosen method per group: a 1, b 2, c 3, d 4 (one each)
    e = pd.DataFrame({"grp": list("abcd"), TREND: [1.0, -2.0, 3.0, -4.0], OWN_MEAN: [5.0] * 4,
                      LAST_VALUE: [6.0] * 4})
    q = quality(e, ["grp"], level=0.5)
    assert q.method == TREND and q.mae == {TREND: 2.5, OWN_MEAN: 5.0, LAST_VALUE: 6.0}
    assert q.half_width == pytest.approx(2.5)  # median of 1, 2, 3, 4
    # each group against the median of the others: a 1 <= med(2,3,4)=3 yes; b 2 <= med(1,3,4)=3 yes;
    # c 3 <= med(1,2,4)=2 no; d 4 <= med(1,2,3)=2 no -> 50 %
    assert q.coverage == pytest.approx(50.0)
    assert q.sentence() == "Прогноз ошибался в среднем на 2,5 п. п.; в полосу попадало 50 % прошлых результатов."


def test_no_band_from_fewer_than_five_points() -> None:
    facts = points({"long": [40, 43, 46, 49, 52, 55], "long2": [50, 52, 54, 56, 58, 60], "short": [40, 43, 46, 49]})
    facts = facts.rename(columns={"grp": "class_id"}).assign(subject_id="m")
    fc = honest_forecast(facts, ["class_id"]).groups.set_index("class_id")
    assert fc.loc["long", "n_points"] == 6 and not np.isnan(fc.loc["long", "low_pct"])
    assert fc.loc["short", "n_points"] == 4 and np.isnan(fc.loc["short", "low_pct"])
    assert np.isnan(fc.loc["short", "high_pct"]) and not np.isnan(fc.loc["short", "forecast_pct"])


def test_the_trend_forecast_of_straight_lines_is_exact_and_its_band_is_narrow() -> None:
    facts = points({"a": [40, 43, 46, 49, 52], "b": [60, 57, 54, 51, 48]}).rename(columns={"grp": "class_id"})
    fc = honest_forecast(facts.assign(subject_id="m"), ["class_id"])
    g = fc.groups.set_index("class_id")
    # next = one median gap (30 days) after the last point: 55 and 45; every held-out error was 0
    assert g.loc["a", "forecast_pct"] == pytest.approx(55.0) and g.loc["b", "forecast_pct"] == pytest.approx(45.0)
    assert fc.quality.method == TREND and fc.quality.half_width == pytest.approx(0.0)
    assert g.loc["a", "low_pct"] == pytest.approx(55.0) and g.loc["a", "method"] == TREND


def test_the_own_mean_wins_on_noise_and_is_what_is_forecast() -> None:
    facts = points({"a": [50, 70, 50, 70, 50, 70], "b": [60, 40, 60, 40, 60, 40]}).rename(columns={"grp": "class_id"})
    g = honest_forecast(facts.assign(subject_id="m"), ["class_id"]).groups.set_index("class_id")
    assert g.loc["a", "forecast_pct"] == pytest.approx(60.0) and g.loc["a", "method"] == OWN_MEAN


def test_a_check_with_no_past_says_so() -> None:
    q = ForecastQuality({TREND: float("nan"), OWN_MEAN: float("nan"), LAST_VALUE: float("nan")}, OWN_MEAN,
                        float("nan"), float("nan"), 0, 0.9)
    assert q.sentence() == "Прогноз не проверен: прошлых результатов для проверки мало."


def test_on_the_demo_the_chosen_method_is_never_worse_than_the_baselines(facts: pd.DataFrame) -> None:
    for by in (["class_id"], ["student_id", "subject_id"]):
        q = honest_forecast(facts, by).quality
        assert q.n_errors > 20
        assert q.mae[q.method] <= min(q.mae[OWN_MEAN], q.mae[LAST_VALUE])
        assert 75.0 <= q.coverage <= 100.0  # nominal 90 %, measured against bands from other groups


def test_the_class_spravka_publishes_the_forecast_with_its_check() -> None:
    from reports import results_facts
    from reports.spravka.school import class_spravka
    from tests.factories import School

    s = School()
    alg = s.subject("Алгебра")
    a, b = s.klass(8, "А"), s.klass(8, "Б")
    pa, pb = s.student(a, "Аксёнов"), s.student(b, "Белов")
    dates = [(START + pd.Timedelta(days=30 * i)).strftime("%d.%m.%Y") for i in range(5)]
    for i, d in enumerate(dates):  # 8«А»: 40, 50, 60, 70, 80 %; 8«Б»: 80, 70, 60, 50, 40 % (of 10 points)
        w = s.work(alg, parallel=8, date=d, title=f"Работа {i + 1}")
        s.result(w, pa, total=4 + i)
        s.result(w, pb, total=8 - i)
    frames = s.frames()
    doc = class_spravka(results_facts(frames), frames, a, on=pd.Timestamp("2026-03-01"))
    section = next(sec for sec in doc.sections if sec.title == "Прогноз")
    table = section.blocks[0].frame.iloc[0]
    # straight lines: the trend predicted every past point exactly (MAE 0, band 0) and goes on to 90 % next
    assert (table["subject"], table["n_points"]) == ("Алгебра", 5)
    assert table["forecast_pct"] == pytest.approx(90.0) and table["low_pct"] == pytest.approx(90.0)
    assert "Прогноз ошибался в среднем на 0 п. п.; в полосу попадало 100 % прошлых результатов." in doc.conclusions
    assert any(c.startswith("Метод прогноза: тренд") for c in doc.conclusions)


def test_exam_outlook_turns_each_forecast_into_the_exam_mark() -> None:
    """Two 9th-graders, five algebra works each (10 points, 30 days apart) before an ОГЭ of 20 points with minimum
    scores 5 / 10 / 15: Яковлев 80 % every time -> 16 points -> «5»; Юрьев 50 % -> 10 points -> «4» (the boundary,
    compared in score space)."""
    from reports import results_facts
    from reports.analytics.forecast_check import exam_outlook
    from tests.factories import School

    s = School()
    alg = s.subject("Алгебра")
    c = s.klass(9, "А")
    ya, yu = s.student(c, "Яковлев"), s.student(c, "Юрьев")
    for i in range(5):
        w = s.work(alg, date=(START + pd.Timedelta(days=30 * i)).strftime("%d.%m.%Y"), title=f"Работа {i + 1}")
        s.result(w, ya, total=8)
        s.result(w, yu, total=5)
    exam = s.work(alg, kind="ОГЭ (ГИА-9)", date="25.05.2026", max_score=20, thresholds=(5, 10, 15), title="ОГЭ")
    frames = s.frames()
    out = exam_outlook(results_facts(frames), frames["works"], exam)
    st = out.students.set_index("student")
    assert st.loc["Яковлев Иван", "forecast_score"] == pytest.approx(16.0)
    assert (int(st.loc["Яковлев Иван", "forecast_mark"]), int(st.loc["Юрьев Иван", "forecast_mark"])) == (5, 4)
    row = out.classes.iloc[0]
    assert (row["class"], row["n5"], row["n4"], row["N"]) == ("9«А»", 1, 1, 2)
    # every held-out guess was exact (flat series): the band has zero width and holds every past result
    assert out.quality.mae[out.quality.method] == pytest.approx(0.0) and out.quality.coverage == pytest.approx(100.0)
