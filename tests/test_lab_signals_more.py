"""The objectivity signals that follow a cohort or look at the score distribution, hand-worked on tiny frames: each
fires on one school and not on another; the share of the town's schools with signals, year by year."""

from __future__ import annotations

import pandas as pd
import pytest

from reports.district.scores import PeakSettings, threshold_peaks
from reports.district.signals_more import CohortSettings, cohort_drop, not_confirmed, share_by_year

COLS = ["year", "school", "parallel", "subject", "kind", "period", "N", "n5", "n4", "n3", "n2", "n1", "absent",
        "enrolled"]


def cube(rows: list[tuple]) -> pd.DataFrame:
    """(year, school, parallel, subject, kind, N, n5, n4): the rest of N got «3»."""
    return pd.DataFrame([(y, s, p, subj, k, "год", n, n5, n4, n - n5 - n4, 0, 0, 0, n)
                         for y, s, p, subj, k, n, n5, n4 in rows], columns=COLS)


GROUPS = {"A": "общеобразовательные", "B": "общеобразовательные", "C": "с углублённым изучением, гимназии, лицеи"}


def test_a_vpr_above_its_group_not_confirmed_by_the_next_vpr() -> None:
    c = cube([(2024, "A", 5, "математика", "ВПР", 20, 8, 8), (2024, "B", 5, "математика", "ВПР", 20, 2, 6),
              (2025, "A", 6, "математика", "ВПР", 20, 3, 6), (2025, "B", 6, "математика", "ВПР", 20, 3, 6),
              (2024, "A", 5, "русский язык", "ВПР", 20, 8, 8), (2024, "B", 5, "русский язык", "ВПР", 20, 2, 6),
              (2025, "A", 6, "русский язык", "ВПР", 20, 6, 8), (2025, "B", 6, "русский язык", "ВПР", 20, 2, 6)])
    s = not_confirmed(c, GROUPS, CohortSettings(min_n=15, above_group_pp=15, confirm_pp=5))
    s = s.set_index(["year", "subject"])
    # A's 5th grade maths: 80 % against B's 40 % (+40); a year later the 6th grade: 45 % against 45 % (0 < 5)
    m = s.loc[(2024, "математика")]
    assert (m["school"], m["above_pp"], m["later_above_pp"], m["later"]) == ("A", 40, 0, "ВПР 6 кл. 2025/2026")
    assert bool(m["not_confirmed"])
    # Russian: 80 against 40, then 70 against 40 (+30): confirmed
    r = s.loc[(2024, "русский язык")]
    assert r["later_above_pp"] == pytest.approx(30) and not bool(r["not_confirmed"])
    # the 6th grade's Russian is itself above its group, but no later result exists yet: no signal either way
    last = s.loc[(2025, "русский язык")]
    assert last["later"] == "нет" and not bool(last["not_confirmed"])
    assert set(s["school"]) == {"A"}  # B is never noticeably above the rest of its group
    assert not_confirmed(c, GROUPS, CohortSettings(min_n=25)).empty  # too few to judge


def test_an_exam_of_the_same_year_confirms_or_not() -> None:
    c = cube([(2025, "A", 9, "математика", "ВПР", 20, 8, 8), (2025, "B", 9, "математика", "ВПР", 20, 2, 6),
              (2025, "A", 9, "математика", "ОГЭ (ГИА-9)", 20, 2, 6), (2025, "B", 9, "математика", "ОГЭ (ГИА-9)", 20,
                                                                       2, 6)])
    s = not_confirmed(c, GROUPS, CohortSettings(min_n=15))
    assert list(s["later"]) == ["ОГЭ 9 кл. 2025/2026"] and bool(s["not_confirmed"].iloc[0])


def test_a_sharp_drop_from_the_4th_to_the_5th_grade() -> None:
    c = cube([(2024, "A", 4, "математика", "ВПР", 20, 8, 8), (2025, "A", 5, "математика", "ВПР", 20, 2, 6),
              (2024, "B", 4, "математика", "ВПР", 20, 5, 7), (2025, "B", 5, "математика", "ВПР", 20, 4, 6),
              (2024, "C", 4, "математика", "ВПР", 20, 6, 6), (2025, "C", 5, "математика", "ВПР", 20, 5, 5)])
    d = cohort_drop(c, CohortSettings(min_n=15, drop_pp=20)).set_index("school")
    # A: 80 → 40 (drop 40); the rest of the town (B + C): 24/40 = 60 → 20/40 = 50 (drop 10): 30 more than the rest
    assert (d.loc["A", "drop_pp"], d.loc["A", "rest_drop_pp"]) == (40, 10) and bool(d.loc["A", "sharp_drop"])
    # B: 60 → 50 (drop 10); the rest (A + C): 28/40 = 70 → 18/40 = 45 (drop 25)
    assert d.loc["B", "rest_drop_pp"] == pytest.approx(25) and not bool(d.loc["B", "sharp_drop"])
    assert int(d.loc["A", "year"]) == 2025  # the year the 5th grade wrote
    assert not cohort_drop(c, CohortSettings(min_n=15, drop_pp=35))["sharp_drop"].any()  # the threshold is a setting


def dist(rows: list[tuple]) -> pd.DataFrame:
    """(school, total, results) of one ВПР: maths, 5th grade, maximum 30, thresholds 10 / 17 / 24."""
    return pd.DataFrame([(2025, s, "математика", 5, "ВПР", 30.0, 10.0, 17.0, 24.0, float(t), n) for s, t, n in rows],
                        columns=["year", "school", "subject", "parallel", "kind", "max_score", "threshold_3",
                                 "threshold_4", "threshold_5", "total", "results"])


def test_a_peak_just_above_the_mark_thresholds() -> None:
    d = dist([("A", 10, 6), ("A", 11, 4), ("A", 8, 2), ("A", 9, 2), ("A", 17, 3), ("A", 15, 1), ("A", 27, 5),
              ("B", 10, 3), ("B", 9, 3), ("B", 8, 3), ("B", 11, 3), ("B", 17, 2), ("B", 16, 2), ("B", 24, 1),
              ("C", 10, 5)])
    p = threshold_peaks(d, PeakSettings(min_n=15, ratio=2.0)).set_index("school")
    # A: on a threshold or a point above (10, 11, 17) 6 + 4 + 3 = 13; two points below (8, 9, 15) 2 + 2 + 1 = 5
    assert (p.loc["A", "at"], p.loc["A", "under"], p.loc["A", "N"]) == (13, 5, 23)
    assert p.loc["A", "ratio"] == pytest.approx(2.6) and bool(p.loc["A", "peak"])
    # the rest of the town (B, C): 9 + 5 = 14 against 8 + 0 = 8, below the ratio
    assert p.loc["A", "rest_ratio"] == pytest.approx(14 / 8)
    # B: 3 + 3 + 2 + 1 = 9 against 3 + 3 + 2 = 8: no peak; C: 5 results only, too few to judge
    assert (p.loc["B", "at"], p.loc["B", "under"]) == (9, 8) and not bool(p.loc["B", "peak"])
    assert not bool(p.loc["C", "peak"])
    assert not threshold_peaks(d, PeakSettings(min_n=15, ratio=3.0))["peak"].any()


def test_the_share_of_schools_with_signals_year_by_year() -> None:
    judged = pd.DataFrame({"year": [2023, 2024, 2024, 2024, 2025, 2025], "school": ["A", "A", "B", "C", "A", "B"]})
    one = pd.DataFrame({"year": [2024], "school": ["A"]})
    fired = [one, pd.DataFrame({"year": [2025, 2025], "school": ["A", "B"]}), one]
    s = share_by_year(judged, fired, years=2).set_index("year")
    assert list(s.index) == [2024, 2025]  # the last two years only
    assert (s.loc[2024, "schools"], s.loc[2024, "flagged"]) == (3, 1)
    assert s.loc[2024, "share_pct"] == pytest.approx(100 / 3) and s.loc[2025, "share_pct"] == 100
    assert s.loc[2025, "flagged_schools"] == "A, B"
