"""A transferred student's results stay with the class they were written in («Движение обучающихся»), in every
roll-up and in teacher attribution; the roster of a class on a day follows the same movements."""

from __future__ import annotations

import pandas as pd
import pytest

from reports import children, class_rollup, results_facts
from reports.analytics.roster import classes_on, roster
from reports.analytics.teachers import teacher_facts
from sheets_schema import SCHEMA, validate_workbook
from tests.factories import School


def moved_school() -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """5«А» (maths: Петрова), 5«Б» (maths: Смирнова); thresholds 4/6/8 of 10.

    Ершов: in 5«А» until 30.09.2025, in 5«Б» from 01.10.2025 (the sheet «Обучающиеся» says 5«Б»).
    w1 15.09.2025: Ершов 10 «5» (written in 5«А»), Юдин (5«А») 4 «3», Зуев (5«Б») 6 «4»
    w2 15.11.2025: Ершов 8 «5» (written in 5«Б»), Юдин 4 «3», Зуев 6 «4»
    """
    s = School()
    ids: dict[str, str] = {}
    m = s.subject("Математика")
    ids["a"], ids["b"] = a, b = s.klass(5, "А"), s.klass(5, "Б")
    ids["ta"], ids["tb"] = ta, tb = s.teacher("Петрова"), s.teacher("Смирнова")
    s.load(ta, a, m)
    s.load(tb, b, m)
    ids["x"] = x = s.student(b, "Ершов")
    y, z = s.student(a, "Юдин"), s.student(b, "Зуев")
    s.add("movements", student_id=x, date="01.10.2025", from_class_id=a, to_class_id=b, order="№ 12")
    ids["w1"] = w1 = s.work(m, parallel=5, date="15.09.2025", title="Входная")
    ids["w2"] = w2 = s.work(m, parallel=5, date="15.11.2025", title="Рубежная")
    for w, tx in ((w1, 10), (w2, 8)):
        s.result(w, x, total=tx)
        s.result(w, y, total=4)
        s.result(w, z, total=6)
    return s.frames(), ids


def test_each_result_keeps_the_class_of_its_date() -> None:
    frames, ids = moved_school()
    f = results_facts(frames)
    mine = f[f["student_id"] == ids["x"]].set_index("work_id")
    assert mine.loc[ids["w1"], "class"] == "5«А»" and mine.loc[ids["w2"], "class"] == "5«Б»"


@pytest.mark.parametrize(("work", "klass", "n", "quality"), [
    ("w1", "a", 2, 50.0),  # Ершов «5» + Юдин «3»
    ("w1", "b", 1, 100.0),  # Зуев «4» only
    ("w2", "a", 1, 0.0),  # Юдин «3» only
    ("w2", "b", 2, 100.0),  # Ершов «5» + Зуев «4»
])
def test_class_rollups_count_the_result_where_it_was_written(work: str, klass: str, n: int, quality: float) -> None:
    frames, ids = moved_school()
    f = results_facts(frames)
    rows = children(class_rollup(f[f["work_id"] == ids[work]]), "class").set_index("class_id")
    assert rows.loc[ids[klass], "N"] == n and rows.loc[ids[klass], "quality_pct"] == pytest.approx(quality)


def test_the_teacher_of_the_class_then_gets_the_result() -> None:
    frames, ids = moved_school()
    t = teacher_facts(results_facts(frames), frames)
    ershov = t[t["student_id"] == ids["x"]].set_index("work_id")["teacher_id"]
    assert ershov[ids["w1"]] == ids["ta"] and ershov[ids["w2"]] == ids["tb"]


def test_the_roster_on_a_day() -> None:
    frames, ids = moved_school()
    assert sorted(roster(frames, ids["a"], "2025-09-15")["student_id"]) == sorted(
        [ids["x"], *frames["students"].loc[frames["students"]["last_name"] == "Юдин", "id"]])
    assert ids["x"] not in set(roster(frames, ids["a"], "2025-11-15")["student_id"])
    assert ids["x"] in set(roster(frames, ids["b"], "2025-10-01")["student_id"])  # the move's first day


@pytest.mark.parametrize(("moves", "on", "expected"), [
    ([], "2025-10-01", "b"),  # no movement: the current class
    ([("01.10.2025", "a", "b")], "2025-09-30", "a"),
    ([("01.10.2025", "a", "b")], "2025-10-01", "b"),
    ([("01.10.2025", None, "b")], "2025-09-30", None),  # arrived from another school on 01.10
    ([("01.10.2025", "b", None)], "2025-10-02", None),  # left the school
    ([("01.10.2025", "b", None)], "2025-09-02", "b"),
    ([("01.10.2025", "a", "c"), ("01.02.2026", "c", "b")], "2025-12-01", "c"),  # two moves
])
def test_classes_on_by_hand(moves: list, on: str, expected: str | None) -> None:
    students = pd.DataFrame({"id": ["x"], "class_id": ["b"]})
    mv = pd.DataFrame({"student_id": ["x"] * len(moves), "date": pd.to_datetime([m[0] for m in moves], dayfirst=True),
                       "from_class_id": [m[1] for m in moves], "to_class_id": [m[2] for m in moves]})
    got = classes_on(students, mv, pd.Series(["x"]), pd.Series([pd.Timestamp(on)]))[0]
    assert got == expected


def test_a_move_to_the_same_class_or_from_nowhere_is_an_issue() -> None:
    s = School()
    a = s.klass(5, "А")
    x = s.student(a, "Ершов")
    s.add("movements", student_id=x, date="01.10.2025", from_class_id=a, to_class_id=a)
    s.add("movements", student_id=x, date="02.10.2025")
    wb = validate_workbook(SCHEMA, s.grids())
    got = [(i.cell, i.message) for i in wb.issues if i.sheet_key == "movements"]
    assert got == [("E2", "«Из класса» и «В класс» совпадают"), ("E3", "Заполните «Из класса» или «В класс»")]
    assert wb["movements"].empty
