"""Every column a report produces has a Russian title, and sheet columns take theirs from the schema."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import reports
from reports.labels import (
    INDICATOR_LABELS,
    SCHEMA_COLUMNS,
    Table,
    class_label,
    column_title,
    fmt_date,
    fmt_num,
    person_label,
    round_half_up,
    titled,
)
from sheets_schema import SCHEMA
from tests.factories import School


def school() -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    s = School()
    ids: dict[str, str] = {}
    sub = s.subject("Математика")
    c = s.klass(5, "А")
    t = s.teacher("Петрова", category="высшая", category_date="10.01.2021", experience=3, birth_date="01.01.1990")
    s.load(t, c, sub)
    tasks = [(1, "Дроби", "базовый"), (2, "Задача", "повышенный")]
    works = [s.work(sub, parallel=5, kind=k, date=d, max_score=3, thresholds=(1, 2, 3), tasks=tasks)
             for k, d in (("входная", "15.09.2025"), ("промежуточная (рубежная)", "15.12.2025"),
                          ("ВПР", "15.04.2026"), ("итоговая", "15.05.2026"))]
    ids["exam"] = s.work(sub, parallel=5, kind="ОГЭ (ГИА-9)", date="30.05.2026", max_score=3, thresholds=(1, 2, 3))
    for i in range(3):
        p = s.student(c, f"Ученик{i}")
        s.period_mark(p, sub, "3 четверть", 4)
        for w in works:
            s.result(w, p, ["1 2", "0 1", "0 0"][i])  # 3 -> «5», 1 -> «3», 0 -> «2»
        s.add("olympiads", student_id=p, subject_id=sub, level="школьный", status="участник")
    s.add("courses", teacher_id=t, title="Курсы", hours=36, end_date="01.02.2020")
    return s.frames(), ids


def every_table() -> dict[str, pd.DataFrame]:
    frames, ids = school()
    facts = reports.results_facts(frames)
    on = pd.Timestamp("2025-09-01")
    objectivity = reports.objectivity(facts, frames["period_marks"], frames["tasks"])
    exam = reports.exam_forecast(facts, frames["works"], ids["exam"])
    staff = reports.staff_composition(frames["teachers"], on)
    return {
        "facts": facts,
        "summary": reports.with_levels(reports.mark_summary(facts, ["class_id"])),
        "class_rollup": reports.class_rollup(facts, within=("work_id",)),
        "subject_rollup": reports.subject_rollup(facts, frames),
        "teachers_by_profile": reports.teachers_by_profile(reports.teacher_facts(facts, frames)),
        "tasks": reports.task_analysis(facts, frames["tasks"]),
        "elements": reports.element_analysis(facts, frames["tasks"]),
        "dynamics": reports.dynamics(facts, by=["student_id"]),
        "objectivity_students": objectivity.students,
        "objectivity_summary": objectivity.summary,
        "risk": reports.students_at_risk(facts, reports.RiskRules(min_twos=1)),
        "forecast": reports.forecast_next(facts, ("student_id",)),
        "exam_students": exam.students,
        "exam_classes": exam.classes,
        "backtest": reports.backtest(facts, ("class_id",)).errors,
        "staff": staff.by_category,
        "attestation": reports.attestation_due(frames["teachers"], on, 12),
        "courses": reports.no_recent_courses(frames["teachers"], frames["courses"], on),
        "olympiads": reports.olympiad_stats(frames["olympiads"], frames["subjects"]),
    }


def test_every_report_column_has_a_russian_title() -> None:
    tables = every_table()
    untitled = {name: [c for c in t.columns if column_title(c) == c] for name, t in tables.items()}
    assert {k: v for k, v in untitled.items() if v} == {}
    assert all(len(t) for name, t in tables.items()), [n for n, t in tables.items() if not len(t)]


def test_sheet_columns_take_the_schema_header() -> None:
    for column, (sheet, key) in SCHEMA_COLUMNS.items():
        assert column_title(column) == SCHEMA[sheet].header_of(key), column
    assert column_title("class") == SCHEMA["students"].header_of("class_id") == "Класс"
    assert column_title("teacher") == SCHEMA["teaching_load"].header_of("teacher_id")


def test_each_column_is_titled_in_one_place_only() -> None:
    assert set(INDICATOR_LABELS).isdisjoint(SCHEMA_COLUMNS)
    # a sheet column is never retitled by hand: no computed label repeats a field of the same key and header
    retyped = {(sheet.key, f.key) for sheet in SCHEMA for f in sheet.fields
               if INDICATOR_LABELS.get(f.key) == f.header}
    assert retyped == set()


def test_table_gives_titled_frames() -> None:
    frame = pd.DataFrame({"class": ["5«А»"], "quality_pct": [50.0], "extra": [1]})
    table = Table("Качество по классам", frame, ("class", "quality_pct"))
    assert list(table.titled().columns) == ["Класс", "Качество знаний, %"]
    assert table.titles == {"class": "Класс", "quality_pct": "Качество знаний, %"}
    assert list(titled(frame).columns) == ["Класс", "Качество знаний, %", "extra"]


@pytest.mark.parametrize(("value", "digits", "text"), [
    (63.2, 1, "63,2"), (20.0, 1, "20"), (2 / 3 * 100, 1, "66,7"), (-11.44, 1, "−11,4"), (3.456, 2, "3,46"),
    (64.0, 0, "64"), (float("nan"), 1, "—"), (None, 1, "—"), (pd.NA, 1, "—"),
    # half-up, as on paper: a 5 in the next digit rounds away from zero (round() would give 3,12, 62, 0, 2,67)
    (3.125, 2, "3,13"), (62.5, 0, "63"), (0.5, 0, "1"), (2.675, 2, "2,68"), (12.25, 1, "12,3"), (-2.5, 0, "−3"),
    (-0.04, 1, "0"), (4.0, 2, "4"), (np.float64(87.5), 0, "88"),
])
def test_fmt_num(value: object, digits: int, text: str) -> None:
    assert fmt_num(value, digits) == text


@pytest.mark.parametrize(("value", "digits", "rounded"), [
    (3.125, 2, 3.13), (62.5, 0, 63.0), (0.05, 1, 0.1), (-0.05, 1, -0.1), (66.66666666666667, 1, 66.7), (1.0, 0, 1.0),
])
def test_round_half_up(value: float, digits: int, rounded: float) -> None:
    assert round_half_up(value, digits) == rounded


def test_fmt_date_and_names() -> None:
    assert fmt_date(pd.Timestamp("2026-04-15")) == "15.04.2026" and fmt_date(None) == ""
    labels = class_label(pd.Series([9, None], dtype="Int64"), pd.Series(["А", "Б"]))
    assert labels.tolist() == ["9«А»", None]
    names = person_label(pd.Series(["Петрова", "Сидоров"]), pd.Series(["Анна", "Олег"]),
                         pd.Series(["Ивановна", ""]), initials=True)
    assert names.tolist() == ["Петрова А. И.", "Сидоров О."]
    assert person_label(pd.Series(["Иванов"]), pd.Series(["Иван"])).tolist() == ["Иванов Иван"]


def test_public_api_is_exported() -> None:
    missing = [name for name in reports.__all__ if not hasattr(reports, name)]
    assert missing == []
