"""The start of a year: no results yet, or a work everyone missed. Nothing may raise; rates are NaN, not 0."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import reports
from tests.factories import School

ON = pd.Timestamp("2025-09-01")


def empty_school() -> dict[str, pd.DataFrame]:
    s = School()
    s.subject()
    return s.frames()


def all_absent_school() -> dict[str, pd.DataFrame]:
    s = School()
    sub, c = s.subject(), s.klass()
    s.load(s.teacher("Петрова"), c, sub)
    w = s.work(sub, kind="ВПР", tasks=[(1, "Дроби", "базовый")])
    for name in ("Один", "Два"):
        p = s.student(c, name)
        s.result(w, p, present="нет")
        s.period_mark(p, sub, "1 четверть", 4)
    return s.frames()


@pytest.mark.parametrize("make", [empty_school, all_absent_school], ids=["no-results", "everyone-absent"])
def test_nothing_raises_and_rates_are_nan(make: object) -> None:
    frames = make()  # type: ignore[operator]
    facts = reports.results_facts(frames)
    school_row = reports.class_rollup(facts).iloc[0]
    assert school_row["level"] == "school" and school_row["N"] == 0
    assert math.isnan(school_row["quality_pct"]) and math.isnan(school_row["sou_pct"])
    assert math.isnan(reports.summarize(facts).success_pct)
    subject_table = reports.subject_rollup(facts, frames)
    assert (subject_table["N"] == 0).all()
    assert reports.task_analysis(facts, frames["tasks"]).empty
    assert reports.element_analysis(facts, frames["tasks"]).empty
    assert reports.students_at_risk(facts).empty
    assert reports.forecast_next(facts).empty
    assert reports.backtest(facts).n_groups == 0
    result = reports.objectivity(facts, frames["period_marks"], frames["tasks"])
    assert result.students.empty and result.summary.empty and result.signals == []
    tf = reports.teacher_facts(facts, frames)
    assert (reports.teachers_by_profile(tf)["N"] == 0).all()


def test_everyone_absent_is_counted_as_absent() -> None:
    facts = reports.results_facts(all_absent_school())
    summary = reports.summarize(facts)
    assert (summary.enrolled, summary.absent, summary.N) == (2, 2, 0)
    dyn = reports.dynamics(facts, kinds=("ВПР",))
    assert dyn["absent"].tolist() == [2] and math.isnan(dyn["quality_pct"].iloc[0])


def test_staff_of_an_empty_school() -> None:
    frames = empty_school()
    comp = reports.staff_composition(frames["teachers"], ON)
    assert comp.total == 0
    assert comp.by_category["count"].sum() == 0 and comp.by_category["share_pct"].isna().all()
    assert reports.attestation_due(frames["teachers"], ON).empty
    assert reports.no_recent_courses(frames["teachers"], frames["courses"], ON).empty
    assert reports.olympiad_stats(frames["olympiads"], frames["subjects"]).empty
