"""Roll-ups along both hierarchies, with deltas against the parent, computed by hand."""

from __future__ import annotations

import functools
import math

import pandas as pd
import pytest

from reports.analytics.facts import results_facts, select
from reports.analytics.rollup import children, class_rollup, parallel_label, subject_rollup
from reports.analytics.teachers import teacher_facts, teachers_by_profile
from tests.factories import School


@functools.cache  # built once per module; the tests only read it
def school() -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """Two 9th classes and one 8th writing algebra; marks given directly.

    9«А»: 5, 4, 2 (+1 absent)   9«Б»: 3, 3   8«А»: 5
    """
    s = School()
    ids: dict[str, str] = {}
    math_dep = s.department("Математика")
    ids["alg"] = s.subject("Алгебра", math_dep)
    ids["a9"], ids["b9"], ids["a8"] = s.klass(9, "А"), s.klass(9, "Б", "физико-математический"), s.klass(8, "А")
    w9 = s.work(ids["alg"], parallel=9, kind="входная")
    w9b = s.work(ids["alg"], parallel=9, kind="итоговая", date="20.05.2026")
    w8 = s.work(ids["alg"], parallel=8, kind="входная")
    ids["w9"], ids["w9b"] = w9, w9b
    for last, mark in (("Аксёнов", 5), ("Белов", 4), ("Волков", 2)):
        ids[last] = s.student(ids["a9"], last)
        s.result(w9, ids[last], total=1, mark=mark)
    s.result(w9, s.student(ids["a9"], "Горин"), present="нет")
    for last in ("Дёмин", "Ершов"):
        ids[last] = s.student(ids["b9"], last)
        s.result(w9, ids[last], total=1, mark=3)
    s.result(w8, s.student(ids["a8"], "Жуков"), total=1, mark=5)
    s.result(w9b, ids["Аксёнов"], total=1, mark=4)  # a second work for one student
    t1, t2 = s.teacher("Петрова", "Анна", "Ивановна"), s.teacher("Смирнова", "Ольга", "Петровна")
    s.load(t1, ids["a9"], ids["alg"])
    s.load(t1, ids["a8"], ids["alg"])
    s.load(t2, ids["b9"], ids["alg"])
    s.load(t1, ids["b9"], ids["alg"])  # 9«Б» shares algebra between two teachers
    ids["t1"], ids["t2"] = t1, t2
    return s.frames(), ids


def row(table: pd.DataFrame, level: str, **keys: str | int) -> pd.Series:
    got = children(table, level, **keys)
    assert len(got) == 1, (level, keys, len(got))
    return got.iloc[0]


def test_class_axis_one_work() -> None:
    frames, ids = school()
    facts = select(results_facts(frames), work_id=ids["w9"])
    table = class_rollup(facts)
    # school = 9th parallel here: 5,4,2,3,3 -> N 5; quality 2/5 = 40; success 4/5 = 80;
    # СОУ (100+64+16+36+36)/5 = 252/5 = 50.4; mean (5+4+2+3+3)/5 = 3.4
    school_row = row(table, "school")
    assert (school_row["N"], school_row["absent"], school_row["enrolled"]) == (5, 1, 6)
    assert (school_row["quality_pct"], school_row["success_pct"]) == (40.0, 80.0)
    assert school_row["sou_pct"] == pytest.approx(50.4) and school_row["mean_mark"] == pytest.approx(3.4)
    assert math.isnan(school_row["quality_pct_vs_parent"])
    # 9«А»: 5,4,2 -> quality 2/3 = 66.67, СОУ (100+64+16)/3 = 60; vs parallel: +26.67 and +9.6
    a = row(table, "class", class_id=ids["a9"])
    assert a["label"] == "9«А»"
    assert a["quality_pct"] == pytest.approx(200 / 3)
    assert a["quality_pct_vs_parent"] == pytest.approx(200 / 3 - 40)
    assert a["sou_pct_vs_parent"] == pytest.approx(60 - 50.4)
    # 9«Б»: 3,3 -> quality 0, success 100 (vs 80: +20), mean 3 (vs 3.4: -0.4)
    b = row(table, "class", class_id=ids["b9"])
    assert (b["quality_pct"], b["success_pct_vs_parent"]) == (0.0, 20.0)
    assert b["mean_mark_vs_parent"] == pytest.approx(-0.4)
    # a student vs the class: Волков «2» -> СОУ 16 vs 60
    v = row(table, "student", student_id=ids["Волков"])
    assert (v["label"], v["sou_pct"], v["sou_pct_vs_parent"]) == ("Волков Иван", 16.0, -44.0)


def test_absent_student_has_nan_rates_not_zero() -> None:
    frames, ids = school()
    table = class_rollup(select(results_facts(frames), work_id=ids["w9"]))
    gorin = table[table["label"] == "Горин Иван"].iloc[0]
    assert (gorin["N"], gorin["absent"]) == (0, 1)
    assert math.isnan(gorin["quality_pct"]) and math.isnan(gorin["quality_pct_vs_parent"])


def test_tree_order_parents_before_children_in_display_order() -> None:
    frames, ids = school()
    table = class_rollup(results_facts(frames))
    assert table["label"].astype(str).tolist() == [
        "Школа",
        "8-е классы", "8«А»", "Жуков Иван",
        "9-е классы", "9«А»", "Аксёнов Иван", "Белов Иван", "Волков Иван", "Горин Иван",
        "9«Б»", "Дёмин Иван", "Ершов Иван",
    ]
    assert table["depth"].tolist() == [0, 1, 2, 3, 1, 2, 3, 3, 3, 3, 2, 3, 3]


@pytest.mark.parametrize(("parallel", "label"), [(1, "1-е классы"), (3, "3-и классы"), (9, "9-е классы"),
                                                 (11, "11-е классы")])
def test_parallel_label(parallel: int, label: str) -> None:
    assert parallel_label(parallel) == label


def test_whole_year_pools_every_work() -> None:
    frames, ids = school()
    table = class_rollup(results_facts(frames))
    # Аксёнов: «5» and «4» over two works -> N 2, mean 4.5, quality 100
    a = row(table, "student", student_id=ids["Аксёнов"])
    assert (a["N"], a["mean_mark"], a["quality_pct"]) == (2, 4.5, 100.0)
    # school: 5,4,2,3,3,5,4 -> N 7, quality 4/7
    assert row(table, "school")["quality_pct"] == pytest.approx(400 / 7)


def test_within_gives_every_work_its_own_tree() -> None:
    frames, ids = school()
    table = class_rollup(results_facts(frames), within=("work_id",))
    schools = table[table["level"] == "school"]
    assert len(schools) == 3  # one per work
    final = row(table, "school", work_id=ids["w9b"])
    assert (final["N"], final["n4"]) == (1, 1)
    # within a work, the class's parent is that work's parallel: 9«А» on the final work = Аксёнов «4» alone
    a = row(table, "class", work_id=ids["w9b"], class_id=ids["a9"])
    assert (a["quality_pct"], a["quality_pct_vs_parent"]) == (100.0, 0.0)


def test_subject_axis_reads_the_teaching_load() -> None:
    frames, ids = school()
    facts = select(results_facts(frames), work_id=ids["w9"])
    table = subject_rollup(facts, frames)
    assert table["level"].astype(str).tolist() == ["school", "department", "subject", "teacher", "teacher"]
    subject = row(table, "subject", subject_id=ids["alg"])
    assert subject["N"] == 5
    # Петрова teaches 9«А» and (shared) 9«Б»: 5,4,2,3,3 -> the whole subject, delta 0
    t1 = row(table, "teacher", teacher_id=ids["t1"])
    assert (t1["label"], t1["N"], t1["quality_pct_vs_parent"]) == ("Петрова А. И.", 5, 0.0)
    # Смирнова: 9«Б» only: 3,3 -> quality 0 vs 40
    t2 = row(table, "teacher", teacher_id=ids["t2"])
    assert (t2["N"], t2["quality_pct"], t2["quality_pct_vs_parent"]) == (2, 0.0, -40.0)


def test_teacher_facts_match_subject_and_class() -> None:
    frames, ids = school()
    tf = teacher_facts(results_facts(frames), frames)
    per_teacher = tf.groupby(tf["teacher_id"].astype(object))["result_id"].count().to_dict()
    # Петрова: 9«А» 4 rows on w9 + 1 on w9b, 9«Б» 2, 8«А» 1 = 8; Смирнова: 9«Б» 2
    assert per_teacher == {ids["t1"]: 8, ids["t2"]: 2}


def test_teachers_by_profile() -> None:
    frames, ids = school()
    tf = teacher_facts(select(results_facts(frames), kind="входная"), frames)
    table = teachers_by_profile(tf)
    got = {(r["teacher"], r["profile"]): (r["N"], r["quality_pct"], r["sou_pct"]) for _, r in table.iterrows()}
    # Петрова, универсальный: 9«А» 5,4,2 + 8«А» 5 -> N 4, quality 3/4 = 75, СОУ (100+64+16+100)/4 = 70
    # Петрова, физмат (9«Б»): 3,3 -> quality 0, СОУ 36; Смирнова, физмат: the same two results
    assert got == {
        ("Петрова А. И.", "универсальный"): (4, 75.0, 70.0),
        ("Петрова А. И.", "физико-математический"): (2, 0.0, 36.0),
        ("Смирнова О. П.", "физико-математический"): (2, 0.0, 36.0),
    }
    assert table["quality_level"].astype(str).tolist() == ["высокий", "критический", "критический"]


def test_empty_facts_roll_up_to_an_empty_school() -> None:
    frames, ids = school()
    table = class_rollup(select(results_facts(frames), kind="ВПР"))
    school_row = row(table, "school")
    assert school_row["N"] == 0 and math.isnan(school_row["sou_pct"])
    assert (table["level"] == "school").all()


def test_teacher_facts_cover_every_load_pair_of_a_large_school() -> None:
    """Past 127 class × subject pairs the pair key must not overflow the categoricals' int8 codes."""
    s = School()
    subjects = [s.subject(f"Предмет {i}") for i in range(12)]
    teacher = s.teacher("Петрова")
    expected = 0
    for g in range(1, 12):
        cls = s.klass(g, "А")
        student = s.student(cls, "Иванов")
        for subj in subjects:
            s.load(teacher, cls, subj)
            work = s.work(subj, parallel=g)
            s.result(work, student, mark=4)
            expected += 1
    frames = s.frames()
    facts = results_facts(frames)
    assert len(facts) == expected == 132
    tf = teacher_facts(facts, frames)
    assert len(tf) == 132 and set(tf["teacher_id"]) == {teacher}
    assert sorted(zip(tf["class_id"], tf["subject_id"], strict=True)) == sorted(
        zip(facts["class_id"], facts["subject_id"], strict=True))
