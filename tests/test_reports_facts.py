"""The fact frame, the filters and the academic calendar."""

from __future__ import annotations

import functools
import math

import pandas as pd
import pytest

from reports.analytics.facts import FACT_COLUMNS, results_facts, select
from reports.analytics.periods import CALENDAR, PeriodCalendar, in_period
from sheets_schema import SCHEMA, validate_workbook
from tests.factories import School


def school() -> tuple[School, dict[str, str]]:
    s = School()
    dep = s.department("Математика")
    alg = s.subject("Алгебра", dep)
    geo = s.subject("Геометрия", dep)
    a, b = s.klass(9, "Б", "физико-математический"), s.klass(9, "А")
    ids = {"alg": alg, "geo": geo, "a": a, "b": b, "dep": dep}
    ids["p1"], ids["p2"], ids["p3"] = s.student(a, "Яковлев"), s.student(a, "Антонов"), s.student(b, "Борисов")
    one = [(10, "Всё", "базовый")]
    ids["w_in"] = s.work(alg, kind="входная", date="15.09.2025", max_score=20, thresholds=(8, 12, 17),
                         tasks=[(20, "Всё", "базовый")])
    ids["w_mid"] = s.work(alg, kind="промежуточная (рубежная)", date="20.12.2025", period="2 четверть", tasks=one)
    ids["w_geo"] = s.work(geo, kind="итоговая", date="15.04.2026", period="1 полугодие", tasks=one)
    s.result(ids["w_in"], ids["p1"], total=15)
    s.result(ids["w_in"], ids["p2"], present="нет")
    s.result(ids["w_in"], ids["p3"], total=5)
    s.result(ids["w_mid"], ids["p1"], total=8)
    s.result(ids["w_geo"], ids["p3"], total=10)
    return s, ids


def test_facts_join_every_sheet_and_compute_pct() -> None:
    s, ids = school()
    facts = results_facts(s.frames())
    assert list(facts.columns) == list(FACT_COLUMNS)
    row = facts[(facts["work_id"] == ids["w_in"]) & (facts["student_id"] == ids["p1"])].iloc[0]
    # 15 of 20 = 75 %; thresholds 8/12/17 -> «4»
    assert row["pct"] == 75.0 and row["mark"] == 4
    assert (row["class"], row["parallel"], row["profile"]) == ("9«Б»", 9, "физико-математический")
    assert (row["subject"], row["department"], row["student"]) == ("Алгебра", "Математика", "Яковлев Иван")
    assert row["kind"] == "входная" and row["date"] == pd.Timestamp("2025-09-15")
    absent = facts[facts["student_id"] == ids["p2"]].iloc[0]
    assert math.isnan(absent["pct"]) and pd.isna(absent["mark"])


def test_facts_id_categories_follow_display_order() -> None:
    s, ids = school()
    facts = results_facts(s.frames())
    # classes by parallel and letter (А before Б though Б was entered first), students by class then name
    assert list(facts["class_id"].cat.categories) == [ids["b"], ids["a"]]
    assert list(facts["student_id"].cat.categories) == [ids["p3"], ids["p2"], ids["p1"]]
    assert list(facts["work_id"].cat.categories) == [ids["w_in"], ids["w_mid"], ids["w_geo"]]
    assert facts["kind"].cat.categories.tolist()[0] == "входная"


def test_results_of_unknown_works_are_dropped_and_unknown_students_kept() -> None:
    s, ids = school()
    s.result("missing-work", ids["p1"], total=3)
    s.result(ids["w_in"], "missing-student", total=3)
    facts = results_facts(s.frames())
    assert "missing-work" not in set(facts["work_id"].astype(object))
    stray = facts[facts["student_id"].isna()]
    assert len(stray) == 1 and pd.isna(stray["class_id"].iloc[0]) and stray["pct"].iloc[0] == 15.0


def test_facts_keep_a_missing_mark_missing() -> None:
    s, ids = school()
    frames = s.frames()
    frames["results"].loc[0, "mark"] = pd.NA  # e.g. a first grader: validation decides, facts do not re-derive
    assert pd.isna(results_facts(frames)["mark"].iloc[0])


def test_facts_accept_a_validated_workbook() -> None:
    s, ids = school()
    wb = validate_workbook(SCHEMA, s.grids())
    facts = results_facts(wb)
    assert len(facts) == 5
    # 5/20 = 25, 15/20 = 75, 8/10 = 80, 10/10 = 100; the absentee has none
    assert facts["pct"].dropna().sort_values().tolist() == [25.0, 75.0, 80.0, 100.0]


@functools.cache
def school_facts() -> tuple[pd.DataFrame, dict[str, str]]:
    """The facts of school(), built once for the read-only filter tests."""
    s, ids = school()
    return results_facts(s.frames()), ids


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({}, 5),  # the whole year
    ({"kind": "входная"}, 3),
    ({"subject_id": "geo"}, 1),
    ({"period": "1 четверть"}, 3),  # the entrance work has no period; 15.09 falls in the 1st quarter
    ({"period": "2 четверть"}, 1),  # recorded «2 четверть»
    ({"period": "1 полугодие"}, 5),  # quarters 1–2 plus the work recorded for the half-year
    ({"period": "3 четверть"}, 0),  # the geometry work is recorded for «1 полугодие», not by its date
    ({"period": "год"}, 5),
    ({"date_from": "2025-12-01", "date_to": "2025-12-31"}, 1),
])
def test_select(kwargs: dict[str, str], expected: int) -> None:
    facts, ids = school_facts()
    if "subject_id" in kwargs:
        kwargs = {**kwargs, "subject_id": ids[kwargs["subject_id"]]}
    assert len(select(facts, **kwargs)) == expected


def test_select_one_work() -> None:
    facts, ids = school_facts()
    assert set(select(facts, work_id=ids["w_mid"])["student_id"].astype(object)) == {ids["p1"]}


@pytest.mark.parametrize(("date", "year", "quarter"), [
    ("2025-09-01", 2025, "1 четверть"), ("2025-10-31", 2025, "1 четверть"), ("2025-11-01", 2025, "2 четверть"),
    ("2025-12-31", 2025, "2 четверть"), ("2026-01-09", 2025, "3 четверть"), ("2026-03-31", 2025, "3 четверть"),
    ("2026-04-01", 2025, "4 четверть"), ("2026-06-20", 2025, "4 четверть"), ("2026-09-01", 2026, "1 четверть"),
])
def test_calendar_quarter_and_academic_year(date: str, year: int, quarter: str) -> None:
    d = pd.Series([pd.Timestamp(date)])
    assert CALENDAR.academic_year(d).iloc[0] == year
    assert CALENDAR.quarter_of(d).iloc[0] == quarter


@pytest.mark.parametrize(("period", "end"), [
    ("1 четверть", "2025-10-31"), ("2 четверть", "2025-12-31"), ("1 полугодие", "2025-12-31"),
    ("3 четверть", "2026-03-31"), ("4 четверть", "2026-05-31"), ("2 полугодие", "2026-05-31"), ("год", "2026-05-31"),
])
def test_calendar_period_end(period: str, end: str) -> None:
    assert CALENDAR.period_end(period, pd.Series([2025], dtype="Int64")).iloc[0] == pd.Timestamp(end)


def test_calendar_is_configurable() -> None:
    cal = PeriodCalendar(ends={**CALENDAR.ends, "1 четверть": (10, 24)})
    d = pd.Series([pd.Timestamp("2025-10-27")])
    assert cal.quarter_of(d).iloc[0] == "2 четверть"
    recorded = pd.Series([None], dtype=object)
    assert bool(in_period(recorded, d, "2 четверть", cal).iloc[0])
    assert not bool(in_period(recorded, d, "2 четверть").iloc[0])
