"""The dashboard's pure analytics (reports/analytics/dashboard.py) on a school small enough to work out by hand."""

from __future__ import annotations

import functools
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from reports.analytics.dashboard import (
    WHOLE_YEAR,
    Filters,
    by_class,
    chart_series,
    flagged_classes,
    headline,
    issue_counts,
    kind_dynamics,
    last_period,
    narrow,
    objectivity_by_class,
    periods_with_results,
    previous_period,
    rounded,
    top_at_risk,
)
from reports.analytics.facts import results_facts
from reports.analytics.objectivity import Signal
from sheets_schema.fields import ERROR, WARNING
from tests.factories import School

MID = "промежуточная (рубежная)"


@functools.cache  # built once; the tests only read it
def school() -> tuple[pd.DataFrame, dict[str, str]]:
    """Works of max 10, thresholds 4/6/8: total 8–10 -> «5», 6–7 -> «4», 4–5 -> «3», 0–3 -> «2».

    work                                  period (recorded / by date)  5«А»: a1 a2     5«Б»: b1 b2   6«А»: c1
    w1 Алгебра 5, входная, 15.09.2025     1 четверть                   9(5) 5(3)       7(4) 2(2)
    w2 Русский 5, входная, 20.09.2025     — (1 четверть by date)       6(4) absent     3(2) 8(5)
    w5 Русский 5, промежуточная, 20.12    1 полугодие                  5(3)            5(3)
    w3 Алгебра 5, итоговая, 15.05.2026    4 четверть                   8(5) 6(4)       6(4) 4(3)
    w4 Алгебра 6, ВПР, 10.04.2026         — (4 четверть by date)                                      6(4)
    7«А»: d1 absent on w4 (a class where nobody wrote). No results in the 2nd and 3rd quarters.
    """
    s = School()
    alg, rus = s.subject("Алгебра"), s.subject("Русский")
    ca, cb, cc, cd = s.klass(5, "А"), s.klass(5, "Б"), s.klass(6, "А"), s.klass(7, "А")
    a1, a2, b1, b2 = s.student(ca, "Аверин"), s.student(ca, "Белов"), s.student(cb, "Валиев"), s.student(cb, "Гусев")
    c1, d1 = s.student(cc, "Данилов"), s.student(cd, "Егоров")
    w1 = s.work(alg, parallel=5, kind="входная", date="15.09.2025", period="1 четверть")
    w2 = s.work(rus, parallel=5, kind="входная", date="20.09.2025")
    w5 = s.work(rus, parallel=5, kind=MID, date="20.12.2025", period="1 полугодие")
    w3 = s.work(alg, parallel=5, kind="итоговая", date="15.05.2026", period="4 четверть")
    w4 = s.work(alg, parallel=6, kind="ВПР", date="10.04.2026")
    plan = {w1: {a1: 9, a2: 5, b1: 7, b2: 2}, w2: {a1: 6, a2: None, b1: 3, b2: 8}, w5: {a1: 5, b1: 5},
            w3: {a1: 8, a2: 6, b1: 6, b2: 4}, w4: {c1: 6, d1: None}}
    for work, totals in plan.items():
        for student, total in totals.items():
            s.result(work, student, total=total, present="нет" if total is None else "да")
    ids = {"5А": ca, "5Б": cb, "6А": cc, "7А": cd, "alg": alg, "rus": rus}
    return results_facts(s.frames()), ids


def facts() -> pd.DataFrame:
    return school()[0]


@pytest.mark.parametrize(("query", "expected"), [
    ({}, Filters()),
    ({"period": "4 четверть", "kind": "ВПР", "subject": "sub-01", "parallel": "5"},
     Filters("4 четверть", "ВПР", "sub-01", 5)),
    ({"period": "год"}, Filters()),  # the year is «no period»
    ({"period": "5 четверть", "kind": "контрольная", "parallel": "пятый", "subject": ""}, Filters()),
])
def test_filters_from_query_keep_only_known_values(query: dict[str, str], expected: Filters) -> None:
    assert Filters.from_query(query) == expected
    assert Filters.from_query(expected.query()) == expected


def test_filters_query_names_only_what_is_set() -> None:
    assert Filters(kind="ВПР", parallel=9).query() == {"kind": "ВПР", "parallel": "9"}
    assert Filters("1 четверть", "ВПР").without_period() == Filters(kind="ВПР")


def test_filters_apply_every_filter() -> None:
    f, ids = school()
    assert sorted(Filters(kind="итоговая").apply(f)["work"].astype(str).unique()) == ["итоговая 15.05.2026"]
    assert len(Filters(parallel=5).apply(f)) == 14  # every result but the two on the 6th-grade work
    assert len(Filters(subject_id=ids["rus"]).apply(f)) == 6
    # w2 has no recorded period: its date puts it in the 1st quarter
    assert len(Filters(period="1 четверть").apply(f)) == 8
    assert len(Filters(period="1 четверть", subject_id=ids["rus"], parallel=5).apply(f)) == 4
    assert Filters(parallel=11).apply(f).empty


def test_periods_with_results_in_the_order_of_the_year() -> None:
    # Q1: w1, w2 (by date); 1 полугодие: w5 and the 1st quarter; Q4: w3, w4 (by date); 2 полугодие: the 4th quarter
    have = periods_with_results(facts())
    assert have == ["1 четверть", "1 полугодие", "4 четверть", "2 полугодие"]
    assert last_period(have) == "4 четверть"
    assert previous_period(have, "4 четверть") == "1 четверть"  # the empty 2nd and 3rd quarters are skipped
    assert previous_period(have, "1 четверть") is None
    assert previous_period(have, "2 полугодие") == "1 полугодие"  # a half-year compares with a half-year
    assert last_period(["1 полугодие", "2 полугодие"]) == "2 полугодие"
    assert last_period([]) is None


def test_absent_students_make_no_period() -> None:
    f = facts()
    assert periods_with_results(f[(f["present"] == "нет").to_numpy()]) == []


def test_headline_the_year_and_the_last_quarter_against_the_previous_one() -> None:
    year, last = headline(facts())
    # the year: 14 wrote (a2 absent on w2, d1 on w4): 5 5 5 | 4 4 4 4 4 | 3 3 3 3 | 2 2
    assert (year.title, year.period, year.previous, year.change) == (WHOLE_YEAR, None, None, {})
    s = year.summary
    assert (s.N, s.n5, s.n4, s.n3, s.n2, s.absent) == (14, 3, 5, 4, 2, 2)
    assert s.success_pct == pytest.approx(12 / 14 * 100)
    assert s.quality_pct == pytest.approx(8 / 14 * 100)
    assert s.sou_pct == pytest.approx((3 * 100 + 5 * 64 + 4 * 36 + 2 * 16) / 14)
    assert s.mean_mark == pytest.approx(51 / 14)
    # 4th quarter (w3, w4): 5 4 4 3 4 against the 1st (w1, w2): 5 3 4 2 4 2 5
    assert (last.title, last.previous) == ("4 четверть", "1 четверть")
    assert (last.summary.N, last.summary.quality_pct, last.summary.sou_pct) == (5, 80.0, pytest.approx(328 / 5))
    assert last.change == pytest.approx({"success_pct": 100 - 5 / 7 * 100, "quality_pct": 80 - 4 / 7 * 100,
                                         "sou_pct": 328 / 5 - 396 / 7, "mean_mark": 4 - 25 / 7, "N": -2})


def test_headline_of_a_chosen_period_alone() -> None:
    [card] = headline(facts(), "2 полугодие")
    # 2 полугодие = the 4th quarter here; 1 полугодие = w1, w2, w5: 9 wrote, quality 4 of 9
    assert (card.title, card.previous, card.summary.N) == ("2 полугодие", "1 полугодие", 5)
    assert card.change["quality_pct"] == pytest.approx(80 - 4 / 9 * 100)
    assert card.change["N"] == 5 - 9
    [first] = headline(facts(), "1 четверть")
    assert (first.previous, first.change) == (None, {})


def test_headline_of_a_school_with_half_years_only() -> None:
    only_mid = Filters(kind=MID).apply(facts())
    year, last = headline(only_mid)
    assert (last.title, last.previous, last.summary.N) == ("1 полугодие", None, 2)
    assert year.summary.N == 2 and year.summary.quality_pct == 0.0


def test_headline_of_nothing_is_the_year_with_no_results() -> None:
    [year] = headline(facts().iloc[:0])
    assert year.summary.N == 0 and math.isnan(year.summary.quality_pct)


def test_by_class_the_classes_where_someone_wrote() -> None:
    table = by_class(facts())
    assert table["label"].astype(str).tolist() == ["5«А»", "5«Б»", "6«А»"]  # 7«А»: nobody wrote
    a, b, c = (table.iloc[i] for i in range(3))
    # 5«А»: 5 3 4 5 4 3; 5«Б»: 4 2 2 5 4 3 3; 6«А»: 4
    assert (a["N"], a["success_pct"], a["quality_pct"], a["sou_pct"]) == (6, 100.0, pytest.approx(400 / 6),
                                                                          pytest.approx(400 / 6))
    assert (b["N"], b["success_pct"], b["quality_pct"], b["sou_pct"]) == (7, pytest.approx(500 / 7),
                                                                          pytest.approx(300 / 7),
                                                                          pytest.approx(332 / 7))
    assert (c["parallel"], c["N"], c["quality_pct"], c["sou_pct"]) == (6, 1, 100.0, 64.0)


def test_kind_dynamics_pools_the_works_of_a_kind_in_the_order_of_the_year() -> None:
    per_parallel = kind_dynamics(facts())
    # the 6th grade wrote only ВПР; the 5th: входная w1 + w2 (7 wrote), промежуточная w5, итоговая w3
    assert per_parallel["label"].tolist() == ["5-е классы"] * 3
    assert per_parallel["kind"].tolist() == ["входная", MID, "итоговая"]
    assert per_parallel["N"].tolist() == [7, 2, 4]
    assert per_parallel["quality_pct"].tolist() == pytest.approx([400 / 7, 0.0, 75.0])
    per_class = kind_dynamics(facts(), "class_id")
    assert per_class["label"].tolist() == ["5«А»"] * 3 + ["5«Б»"] * 3
    assert per_class["quality_pct"].tolist() == pytest.approx([200 / 3, 0.0, 100.0, 50.0, 0.0, 50.0])
    vpr = kind_dynamics(facts(), "class_id", kinds=("ВПР",))
    assert (vpr["label"].tolist(), vpr["N"].tolist()) == (["6«А»"], [1])
    assert kind_dynamics(facts(), "student_id", kinds=("ОГЭ (ГИА-9)",)).empty


def test_chart_series_one_list_per_row_value_with_gaps_as_none() -> None:
    frame = pd.DataFrame({"line": ["a", "a", "b"], "x": ["k1", "k3", "k2"], "v": [1.26, float("nan"), 3.0]})
    assert chart_series(frame, "line", "x", "v") == (["k1", "k3", "k2"], {"a": [1.3, None, None],
                                                                           "b": [None, None, 3.0]})
    assert chart_series(frame, "line", "x", "v", ["k1", "k2", "k3"]) == (["k1", "k2", "k3"],
                                                                         {"a": [1.3, None, None],
                                                                          "b": [None, 3.0, None]})
    assert [rounded(x) for x in (None, pd.NA, float("nan"), 2.345)] == [None, None, None, 2.3]
    # the one rounding of every chart (the portfolios' too): numpy's NaN of any width, NaT, integers
    assert [rounded(x) for x in (np.float32("nan"), np.float64(33.333), pd.NaT, np.int64(7))] == [
        None, 33.3, None, 7.0]


def test_objectivity_by_class_pools_the_works_of_a_class() -> None:
    cls = pd.CategoricalDtype(["cB", "cA"])  # display order: 5«Б» before 5«А» here
    summary = pd.DataFrame({
        "scope": ["school", "class", "class", "class"],
        "work_id": ["w1", "w1", "w2", "w1"],
        "class_id": pd.Categorical([None, "cA", "cA", "cB"], dtype=cls),
        "class": ["Школа", "5«А»", "5«А»", "5«Б»"],
        "compared": [10, 4, 6, 0], "lowered": [1, 1, 0, 0], "confirmed": [5, 2, 3, 0], "raised": [4, 1, 3, 0],
    })
    table = objectivity_by_class(summary)
    assert table["class_id"].tolist() == ["cB", "cA"]
    b, a = table.iloc[0], table.iloc[1]
    assert (a["works"], a["compared"], a["lowered"], a["confirmed"], a["raised"]) == (2, 10, 1, 5, 4)
    assert (a["lowered_pct"], a["confirmed_pct"], a["raised_pct"]) == (10.0, 50.0, 40.0)
    assert b["compared"] == 0 and math.isnan(b["raised_pct"])  # no one compared: no share, not 0 %
    assert objectivity_by_class(summary.iloc[:1]).empty


def test_flagged_classes_once_each_and_never_the_school() -> None:
    def signal(scope: str, class_id: str | None, indicator: str = "raised_pct") -> Signal:
        return Signal(scope, "w1", class_id, indicator, 40.0, 15.0, "…")

    signals = [signal("school", None), signal("class", "c2"), signal("class", "c1"),
               signal("class", "c2", "high_but_basic_failed_pct")]
    assert flagged_classes(signals) == ["c2", "c1"]
    assert flagged_classes([]) == []


def test_top_at_risk_most_twos_then_most_low_results_then_the_lowest_level() -> None:
    risk = pd.DataFrame({"student_id": ["s1", "s2", "s3", "s4"], "n_twos": [2, 5, 2, 2], "n_low": [0, 0, 2, 2],
                         "own_mean_pct": [40.0, 50.0, 60.0, 30.0]})
    assert top_at_risk(risk)["student_id"].tolist() == ["s2", "s4", "s3", "s1"]
    assert top_at_risk(risk, 2)["student_id"].tolist() == ["s2", "s4"]
    assert top_at_risk(risk.iloc[:0]).empty


def test_issue_counts_by_severity() -> None:
    issues = [SimpleNamespace(severity=s) for s in (ERROR, WARNING, ERROR, ERROR)]
    assert issue_counts(issues) == (3, 1)
    assert issue_counts([]) == (0, 0)


def test_narrow_to_one_node_ignores_none() -> None:
    f, ids = school()
    assert len(narrow(f, class_id=ids["5А"])) == 7  # a2 absent on w2 still has a result row; w2, w5: 3 in Russian
    assert len(narrow(f, class_id=ids["5А"], subject_id=ids["rus"])) == 3
    assert len(narrow(f, class_id=None)) == len(f)
