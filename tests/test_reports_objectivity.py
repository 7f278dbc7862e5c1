"""ВПР marks against period marks: the comparison, the shares and the signals to check."""

from __future__ import annotations

import functools

import pandas as pd
import pytest

from reports.analytics.facts import results_facts
from reports.analytics.objectivity import SIGNAL_PREFIX, ObjectivityRules, last_period_marks, objectivity
from reports.analytics.tasks import unpack_scores
from tests.factories import School

TASKS = [(1, "Дроби", "базовый")] * 4 + [(6, "Задача", "повышенный")]


@functools.cache  # built once per module; the tests only read it
def school() -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """ВПР 15.04.2026, max 10, thresholds 4/6/8; 4 basic one-point tasks and one six-point task.

    5«А»  scores       total mark | period marks                     -> comparison
    S1    1 1 1 1 5      9   5    | Q3 4 (Q4 2 ends after the ВПР)   -> raised
    S2    0 0 1 1 6      8   5    | Q3 5, год 2 (ends after)          -> confirmed; basics 2/4 = 50 %
    S3    0 0 0 0 6      6   4    | Q3 3                              -> raised; basics 0 % with «4»
    S4    1 1 1 0 0      3   2    | Q3 3 (other subject: 5)           -> lowered
    S5    1 1 1 1 1      5   3    | Q2 3 only                         -> confirmed
    S6    1 1 1 1 0      4   3    | none                              -> no period mark
    5«Б»
    S7    1 1 1 1 3      7   4    | Q2 5, 1 полугодие 3 (same end)    -> lowered (the quarter wins)
    S8    absent
    """
    s = School()
    ids: dict[str, str] = {}
    ids["sub"], other = s.subject("Математика"), s.subject("Русский язык")
    ids["a"], ids["b"] = s.klass(5, "А"), s.klass(5, "Б")
    ids["w"] = s.work(ids["sub"], parallel=5, kind="ВПР", date="15.04.2026", title="ВПР по математике",
                      tasks=TASKS)
    plan = [("S1", "a", "1 1 1 1 5", [("3 четверть", 4), ("4 четверть", 2)]),
            ("S2", "a", "0 0 1 1 6", [("3 четверть", 5), ("год", 2)]),
            ("S3", "a", "0 0 0 0 6", [("3 четверть", 3)]),
            ("S4", "a", "1 1 1 0 0", [("3 четверть", 3)]),
            ("S5", "a", "1 1 1 1 1", [("2 четверть", 3)]),
            ("S6", "a", "1 1 1 1 0", []),
            ("S7", "b", "1 1 1 1 3", [("2 четверть", 5), ("1 полугодие", 3)])]
    for name, cls, scores, marks in plan:
        ids[name] = s.student(ids[cls], name)
        s.result(ids["w"], ids[name], scores)
        for period, mark in marks:
            s.period_mark(ids[name], ids["sub"], period, mark)
    s.period_mark(ids["S4"], other, "3 четверть", 5)
    ids["S8"] = s.student(ids["b"], "S8")
    s.result(ids["w"], ids["S8"], present="нет")
    ids["S9"] = s.add("students", last_name="S9", first_name="Иван", class_id="deleted-class")
    s.result(ids["w"], ids["S9"], "1 1 1 1 6")  # a student whose class row is gone counts for the school only
    s.period_mark(ids["S9"], ids["sub"], "3 четверть", 2)
    return s.frames(), ids


def run(rules: ObjectivityRules = ObjectivityRules()) -> tuple[object, dict[str, str]]:
    frames, ids = school()
    return objectivity(results_facts(frames), frames["period_marks"], frames["tasks"], rules), ids


def test_each_student_compared_with_the_last_period_before_the_work() -> None:
    result, ids = run()
    st = result.students.set_index(result.students["student"].astype(str).str.split().str[0])
    assert st.loc["S1", ["mark", "period_mark", "mark_period", "comparison"]].tolist() == [5, 4, "3 четверть",
                                                                                         "повысили"]
    assert st.loc["S2", "comparison"] == "подтвердили"
    assert st.loc["S4", ["period_mark", "comparison"]].tolist() == [3, "понизили"]
    assert st.loc["S5", ["mark_period", "comparison"]].tolist() == ["2 четверть", "подтвердили"]
    assert pd.isna(st.loc["S6", "period_mark"]) and pd.isna(st.loc["S6", "comparison"])
    assert st.loc["S7", ["period_mark", "mark_period", "comparison"]].tolist() == [5, "2 четверть", "понизили"]
    assert "S8" not in st.index  # absent from the ВПР
    # basics: S2 solved 2 of 4 = 50 % (not below 50), S3 0 % with a «4»
    assert st.loc["S2", "basic_solved_pct"] == 50.0 and not st.loc["S2", "high_but_basic_failed"]
    assert st.loc["S3", "basic_solved_pct"] == 0.0 and st.loc["S3", "high_but_basic_failed"]
    assert st["high_but_basic_failed"].sum() == 1


def test_counts_and_shares_per_class_and_school() -> None:
    result, ids = run()
    summary = result.summary
    assert summary["scope"].tolist() == ["school", "class", "class"]
    school_row, a, b = (summary.iloc[i] for i in range(3))
    # 5«А»: 6 wrote, 5 compared (S6 has no period mark): lowered 1, confirmed 2, raised 2 -> 20 / 40 / 40 %
    assert (a["class"], a["N"], a["compared"], a["no_period_mark"]) == ("5«А»", 6, 5, 1)
    assert (a["lowered"], a["confirmed"], a["raised"]) == (1, 2, 2)
    assert (a["lowered_pct"], a["confirmed_pct"], a["raised_pct"]) == (20.0, 40.0, 40.0)
    # high mark with failed basics: S3 of 6 assessable = 16.7 %
    assert a["high_but_basic_failed_pct"] == pytest.approx(100 / 6)
    # 5«Б»: S7 lowered -> 100 % lowered, no raised
    assert (b["compared"], b["lowered_pct"], b["raised_pct"]) == (1, 100.0, 0.0)
    # school: 7 wrote, plus S9 whose class is gone (total 10 -> «5» against «2»: raised) = 8 wrote, 7 compared;
    # lowered 2, confirmed 2, raised 3 -> 3/7; high-but-failed 1 of 8
    assert (school_row["class"], school_row["N"], school_row["compared"]) == ("Школа", 8, 7)
    assert school_row["raised_pct"] == pytest.approx(300 / 7)
    assert school_row["high_but_basic_failed_pct"] == pytest.approx(100 / 8)


def test_signals_are_worded_as_things_to_check() -> None:
    result, ids = run()
    got = [(s.scope, s.indicator) for s in result.signals]
    # 5«Б» has 1 compared student, below min_students = 5, so it is never flagged
    assert got == [("school", "raised_pct"), ("school", "high_but_basic_failed_pct"), ("class", "raised_pct"),
                   ("class", "high_but_basic_failed_pct")]
    message = result.signals[2].message
    assert message.startswith(SIGNAL_PREFIX)
    assert "класс 5«А»" in message and "«ВПР по математике» (Математика)" in message
    assert "40 %" in message and "(2 из 5)" in message and "порог — 15 %" in message
    assert result.signals[3].class_id == ids["a"] and result.signals[0].class_id is None
    assert "42,9 %" in result.signals[0].message


@pytest.mark.parametrize(("rules", "expected"), [
    # raised share must be strictly above the threshold: 5«А» has exactly 40 %, the school 3/7 = 42.9 %
    (ObjectivityRules(raised_pct=43.0, high_but_basic_failed_pct=100.0), []),
    (ObjectivityRules(raised_pct=40.0, high_but_basic_failed_pct=100.0), [("school", "raised_pct")]),
    (ObjectivityRules(raised_pct=39.9, high_but_basic_failed_pct=100.0), [("school", "raised_pct"),
                                                                          ("class", "raised_pct")]),
    # with min_students=1 the one-student 5«Б» may be flagged too: it raised nobody, but its one student got a
    # lower ВПР mark than the period mark (100 % lowered > 60 %)
    (ObjectivityRules(raised_pct=0.0, high_but_basic_failed_pct=100.0, min_students=1),
     [("school", "raised_pct"), ("class", "raised_pct"), ("class", "lowered_pct")]),
    # lowered: the school 2 of 7 = 28.6 % is above 25 %, 5«А» 1 of 5 = 20 % is not
    (ObjectivityRules(raised_pct=100.0, lowered_pct=25.0, high_but_basic_failed_pct=100.0),
     [("school", "lowered_pct")]),
    # a stricter «basics» rule: fewer than 60 % solved also catches S2 (50 %, «5») -> 2 of 6 in 5«А» (33 %),
    # the school 2 of 8 (25 %) stays under 30 %
    (ObjectivityRules(raised_pct=100.0, basic_solved_pct=60.0, high_but_basic_failed_pct=30.0), [
        ("class", "high_but_basic_failed_pct")]),
])
def test_signal_thresholds_are_configurable(rules: ObjectivityRules, expected: list[tuple[str, str]]) -> None:
    result, ids = run(rules)
    assert [(s.scope, s.indicator) for s in result.signals] == expected


def test_reused_cells_give_the_same_answer() -> None:
    frames, ids = school()
    facts = results_facts(frames)
    cells = unpack_scores(facts, frames["tasks"])
    with_cells = objectivity(facts, frames["period_marks"], frames["tasks"], cells=cells)
    without = objectivity(facts, frames["period_marks"], frames["tasks"])
    pd.testing.assert_frame_equal(with_cells.students, without.students)


@pytest.mark.parametrize(("date", "period", "mark"), [
    ("2025-10-15", None, None),  # nothing has ended yet
    ("2025-11-01", "1 четверть", 3),
    ("2026-01-15", "2 четверть", 4),  # Q2 and 1 полугодие end together: the quarter wins
    ("2026-03-31", "2 четверть", 4),  # the 3rd quarter ends that very day: not before the work
    ("2026-04-01", "3 четверть", 5),
    ("2026-06-01", "год", 2),  # after 31 May the year mark is the latest
])
def test_last_period_marks_picks_the_latest_ended_period(date: str, period: str | None, mark: int | None) -> None:
    marks = pd.DataFrame({
        "student_id": ["p"] * 6, "subject_id": ["m"] * 6,
        "period": pd.Categorical(["1 четверть", "2 четверть", "1 полугодие", "3 четверть", "4 четверть", "год"]),
        "mark": pd.array([3, 4, 2, 5, 3, 2], dtype="Int64"),
    })
    results = pd.DataFrame({"student_id": ["p"], "subject_id": ["m"], "date": [pd.Timestamp(date)]})
    got = last_period_marks(results, marks).iloc[0]
    assert got["mark_period"] == period
    assert (None if pd.isna(got["period_mark"]) else int(got["period_mark"])) == mark


def test_no_vpr_results_give_empty_tables() -> None:
    s = School()
    s.work(s.subject(), kind="входная")
    frames = s.frames()
    result = objectivity(results_facts(frames), frames["period_marks"], frames["tasks"])
    assert result.students.empty and result.summary.empty and result.signals == []
