"""reports.analytics.portfolio on a hand-built school; every expected number is worked out in the comments.

Teacher Орлова teaches математика in 5«А» and 5«Б» and русский язык in 5«А»; Зуева teaches математика in 6«А».
Work w1 (математика, 5, max 10, marks from 4/6/8 points; tasks 2 «Дроби», 3 «Уравнения», 5 «Уравнения»):
  5«А»: Аксёнов 2 3 5 = 10 «5», Белов 1 0 3 = 4 «3», Волков absent;  5«Б»: Гусев 2 1 1 = 4 «3», Дёмин 0 0 2 = 2 «2»
Work w2 (математика, 5): 5«А» Аксёнов 7 «4», Белов 6 «4», Волков 3 «2»; 5«Б» both absent (no total, no mark).
Work w3 (русский язык, 5, max 10): Аксёнов 9 «5», Белов 2 «2», Волков 7 «4».
Work w4 (математика, 6): Егоров «5».  Work w5 (математика, 5): planned, no results at all.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable

import pandas as pd
import pytest

from reports.analytics import portfolio as pf
from reports.analytics.dashboard import rounded
from reports.analytics.facts import results_facts
from tests.factories import School

TASKS = [(2, "Дроби", "базовый"), (3, "Уравнения", "базовый"), (5, "Уравнения", "повышенный")]


@functools.cache
def school() -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    s = School()
    ids: dict[str, str] = {}
    dep = s.department("ШМО начальной и основной школы")
    ids["m"] = s.subject("математика", dep)
    ids["r"] = s.subject("русский язык", dep)
    ids["t1"] = s.teacher("Орлова", department_id=dep, category="высшая", category_date="01.03.2022",
                          education="высшее педагогическое", experience=12)
    ids["t2"] = s.teacher("Зуева", department_id=dep)
    ids["5a"], ids["5b"], ids["6a"] = s.klass(5, "А"), s.klass(5, "Б"), s.klass(6, "А")
    s.load(ids["t1"], ids["5a"], ids["m"])
    s.load(ids["t1"], ids["5b"], ids["m"])
    s.load(ids["t1"], ids["5a"], ids["r"])
    s.load(ids["t2"], ids["6a"], ids["m"])
    for name, cls in (("Аксёнов", "5a"), ("Белов", "5a"), ("Волков", "5a"), ("Гусев", "5b"), ("Дёмин", "5b"),
                      ("Егоров", "6a")):
        ids[name] = s.student(ids[cls], name)
    ids["w1"] = s.work(ids["m"], parallel=5, date="10.09.2025", title="Входная по математике", tasks=TASKS)
    ids["w2"] = s.work(ids["m"], parallel=5, date="10.05.2026", title="Итоговая по математике", kind="итоговая")
    ids["w3"] = s.work(ids["r"], parallel=5, date="12.09.2025", title="Входная по русскому языку")
    ids["w4"] = s.work(ids["m"], parallel=6, date="11.09.2025", title="Входная, 6 класс")
    ids["w5"] = s.work(ids["m"], parallel=5, date="01.02.2026", title="Диагностика", kind="диагностическая")
    for name, scores in (("Аксёнов", "2 3 5"), ("Белов", "1 0 3"), ("Гусев", "2 1 1"), ("Дёмин", "0 0 2")):
        s.result(ids["w1"], ids[name], scores)
    s.result(ids["w1"], ids["Волков"], present="нет")
    for name, total in (("Аксёнов", 7), ("Белов", 6), ("Волков", 3)):
        s.result(ids["w2"], ids[name], total=total)
    for name in ("Гусев", "Дёмин"):
        s.result(ids["w2"], ids[name], present="нет")
    for name, total in (("Аксёнов", 9), ("Белов", 2), ("Волков", 7)):
        s.result(ids["w3"], ids[name], total=total)
    s.result(ids["w4"], ids["Егоров"], total=9)
    s.period_mark(ids["Аксёнов"], ids["m"], "год", 4)
    s.period_mark(ids["Аксёнов"], ids["m"], "1 четверть", 5)
    s.period_mark(ids["Аксёнов"], ids["r"], "1 четверть", 4)
    s.period_mark(ids["Аксёнов"], ids["m"], "2 четверть", 5)
    olympiad = functools.partial(s.add, "olympiads")
    olympiad(student_id=ids["Аксёнов"], subject_id=ids["m"], level="муниципальный", status="призёр", score=55.0,
             date="01.11.2025")
    olympiad(student_id=ids["Белов"], subject_id=ids["m"], level="школьный", status="победитель", score=80.0,
             date="01.10.2025")
    olympiad(student_id=ids["Аксёнов"], subject_id=ids["m"], level="школьный", status="победитель", score=90.0,
             date="02.10.2025")
    olympiad(student_id=ids["Егоров"], subject_id=ids["m"], level="школьный", status="победитель", score=70.0)
    olympiad(student_id=ids["Гусев"], subject_id=ids["r"], level="школьный", status="призёр", score=60.0)
    olympiad(student_id=ids["Волков"], subject_id=ids["m"], level="школьный", status="участник", score=20.0)
    s.add("portfolio", owner="ученик", student_id=ids["Аксёнов"], kind="достижение", title="Знак ГТО",
          level="школьный", result="золотой знак", date="01.01.2026", link="https://example.ru/gto")
    s.add("portfolio", owner="ученик", student_id=ids["Аксёнов"], kind="проект", title="Проект «Река»",
          date="01.10.2025")
    s.add("portfolio", owner="ученик", student_id=ids["Белов"], kind="конкурс", title="Конкурс чтецов")
    s.add("portfolio", owner="учитель", teacher_id=ids["t1"], kind="публикация", title="Статья о дробях",
          level="региональный", date="05.05.2025")
    s.add("courses", teacher_id=ids["t1"], title="ФГОС ООО", provider="ИРО", hours=36.0, start_date="01.02.2023",
          end_date="20.02.2023")
    s.add("courses", teacher_id=ids["t1"], title="Функциональная грамотность", hours=72.0, end_date="15.03.2025")
    s.add("courses", teacher_id=ids["t2"], title="Чужие курсы", hours=16.0, end_date="15.03.2025")
    s.add("attestations", teacher_id=ids["t1"], date="01.03.2017", category="первая")
    s.add("attestations", teacher_id=ids["t1"], date="01.03.2022", category="высшая")
    s.add("practices", teacher_id=ids["t1"], topic="Игровые методы", level="муниципальный", date="10.10.2025")
    return s.frames(), ids


def facts() -> pd.DataFrame:
    return results_facts(school()[0])


def pairs_of(teacher: str) -> pd.DataFrame:
    frames, ids = school()
    return pf.load_pairs(frames["teaching_load"], ids[teacher])


def test_load_pairs_and_their_facts() -> None:
    _, ids = school()
    pairs = pairs_of("t1")
    assert set(zip(pairs["class_id"], pairs["subject_id"], strict=True)) == {
        (ids["5a"], ids["m"]), (ids["5b"], ids["m"]), (ids["5a"], ids["r"])}
    mine = pf.pair_facts(facts(), pairs)
    assert len(mine) == 5 + 5 + 3  # w1, w2 (5«А» and 5«Б»), w3; not 6«А»
    assert pf.pair_facts(facts(), pairs.iloc[0:0]).empty


def test_pair_indicators_by_hand() -> None:
    frames, ids = school()
    table = pf.pair_indicators(facts(), pairs_of("t1"), frames["classes"], frames["subjects"])
    # 5«А» математика: 5, 3 (w1) and 4, 4, 2 (w2): N 5, успеваемость 4/5, качество 3/5,
    #   СОУ (100 + 2·64 + 36 + 16) / 5 = 56, средний балл 18 / 5
    # 5«А» русский язык: 5, 2, 4: N 3, 2/3, 2/3, (100 + 16 + 64) / 3 = 60, 11 / 3
    # 5«Б» математика: 3, 2 (w2: both absent): N 2, 1/2, 0, (36 + 16) / 2 = 26, 2,5
    expected = [("5«А»", "математика", 5, 80.0, 60.0, 56.0, 3.6),
                ("5«А»", "русский язык", 3, 200 / 3, 200 / 3, 60.0, 11 / 3),
                ("5«Б»", "математика", 2, 50.0, 0.0, 26.0, 2.5)]
    got = list(zip(table["class"], table["subject"], table["N"], table["success_pct"], table["quality_pct"],
                   table["sou_pct"], table["mean_mark"], strict=True))
    assert [g[:3] for g in got] == [e[:3] for e in expected]
    for g, e in zip(got, expected, strict=True):
        assert g[3:] == pytest.approx(e[3:])
    assert list(table["parallel"]) == [5, 5, 5]
    assert list(table["class_id"]) == [ids["5a"], ids["5a"], ids["5b"]]


def test_a_pair_nobody_wrote_has_no_rates() -> None:
    frames, ids = school()
    pairs = pd.DataFrame({"class_id": [ids["5b"]], "subject_id": [ids["r"]]})
    row = pf.pair_indicators(facts(), pairs, frames["classes"], frames["subjects"]).iloc[0]
    assert (row["class"], row["subject"], row["N"]) == ("5«Б»", "русский язык", 0)
    assert math.isnan(row["quality_pct"]) and math.isnan(row["sou_pct"])


def test_class_totals_for_the_chart() -> None:
    frames, _ = school()
    totals = pf.class_totals(facts(), pairs_of("t1"), frames["classes"])
    # 5«А»: 5, 3, 4, 4, 2 (математика) and 5, 2, 4 (русский): N 8, «5»+«4» = 5 → 62,5 %; 5«Б»: 0 of 2
    assert list(totals["class"]) == ["5«А»", "5«Б»"]
    assert list(totals["N"]) == [8, 2]
    assert list(totals["quality_pct"]) == pytest.approx([62.5, 0.0])
    assert [rounded(v) for v in totals["quality_pct"]] == [62.5, 0.0]  # the chart's points


def test_works_of_a_class_with_their_indicators() -> None:
    _, ids = school()
    works = pf.works_of(pf.pair_facts(facts(), pairs_of("t1")))
    # by class, then date: 5«А» w1 (10.09), w3 (12.09), w2 (10.05); 5«Б» w1, w2 (nobody wrote)
    assert list(zip(works["class"], works["work_id"], strict=True)) == [
        ("5«А»", ids["w1"]), ("5«А»", ids["w3"]), ("5«А»", ids["w2"]), ("5«Б»", ids["w1"]), ("5«Б»", ids["w2"])]
    assert list(works["N"]) == [2, 3, 3, 2, 0]
    assert list(works["absent"]) == [1, 0, 0, 0, 2]
    # w2 in 5«А»: 4, 4, 2 → качество 2/3
    assert works["quality_pct"].iloc[2] == pytest.approx(200 / 3)


def test_works_without_results() -> None:
    frames, ids = school()
    missing = pf.works_without_results(frames["works"], frames["classes"], frames["subjects"], pairs_of("t1"),
                                       facts(), dt.date(2026, 6, 1))
    # w5 has no rows at all (5«А», 5«Б»); w2 in 5«Б» has rows, all without total and mark. w3 is not taught in
    # 5«Б» by Орлова, w4 is another parallel. By date: w5 (01.02.2026) before w2 (10.05.2026).
    assert list(zip(missing["work_id"], missing["class"], strict=True)) == [
        (ids["w5"], "5«А»"), (ids["w5"], "5«Б»"), (ids["w2"], "5«Б»")]
    assert list(missing["subject"]) == ["математика"] * 3
    assert list(missing["date"].dt.strftime("%d.%m.%Y")) == ["01.02.2026", "01.02.2026", "10.05.2026"]
    none = pf.works_without_results(frames["works"], frames["classes"], frames["subjects"], pairs_of("t2"), facts(),
                                    dt.date(2026, 6, 1))
    assert none.empty  # w4 has Егоров's result


@pytest.mark.parametrize(("today", "expected"), [
    (dt.date(2025, 9, 1), []),  # the start of the year: w5 (01.02.2026) and w2 (10.05.2026) are still planned
    (dt.date(2026, 1, 31), []),
    (dt.date(2026, 2, 1), [("w5", "5«А»"), ("w5", "5«Б»")]),  # the day of w5 counts
    (dt.date(2026, 5, 9), [("w5", "5«А»"), ("w5", "5«Б»")]),  # w2 is the day after
    (pd.Timestamp("2026-05-10"), [("w5", "5«А»"), ("w5", "5«Б»"), ("w2", "5«Б»")]),
])
def test_works_planned_for_later_are_not_missing_yet(today: dt.date, expected: list[tuple[str, str]]) -> None:
    frames, ids = school()
    missing = pf.works_without_results(frames["works"], frames["classes"], frames["subjects"], pairs_of("t1"),
                                       facts(), today)
    assert list(zip(missing["work_id"], missing["class"], strict=True)) == [(ids[w], c) for w, c in expected]


def test_weak_tasks_and_elements_below_half() -> None:
    _, ids = school()
    mine = pf.pair_facts(facts(), pairs_of("t1"))
    tasks = pf.weak_tasks(mine, school()[0]["tasks"])
    # 5«А»: task 1 3/4 = 75 %, task 2 3/6 = 50 % (not below), task 3 8/10 = 80 %
    # 5«Б»: task 1 2/4 = 50 %, task 2 1/6 ≈ 16,7 %, task 3 3/10 = 30 %
    assert list(zip(tasks["class"], tasks["number"], strict=True)) == [("5«Б»", 2), ("5«Б»", 3)]
    assert list(tasks["pct_of_max"]) == pytest.approx([100 / 6, 30.0])
    assert set(tasks["work"]) == {"Входная по математике"} and set(tasks["work_id"]) == {ids["w1"]}
    elements = pf.weak_elements(mine, school()[0]["tasks"])
    # «Уравнения» = tasks 2 and 3: 5«А» (3+0+5+3)/16 = 68,75 %, 5«Б» (1+0+1+2)/16 = 25 %; «Дроби» 5«Б» 50 %
    assert list(zip(elements["class"], elements["element"], elements["tasks"], strict=True)) == [
        ("5«Б»", "Уравнения", "2, 3")]
    assert elements["pct_of_max"].iloc[0] == pytest.approx(25.0)


def test_weak_tasks_and_elements_follow_school_order_of_classes() -> None:
    """«10«А»» sorts before «5«А»» as text; a справка lists 5«А» first. Both classes wrote on the same day: task 1
    is 1 of 4 points (25 %) in both, the element «Дроби» likewise."""
    s = School()
    sub = s.subject("математика")
    teacher = s.teacher("Орлова")
    c10, c5 = s.klass(10, "А"), s.klass(5, "А")  # the sheet lists 10«А» first, too
    works = {}
    for parallel, cls in ((10, c10), (5, c5)):
        s.load(teacher, cls, sub)
        works[cls] = s.work(sub, parallel=parallel, date="10.09.2025", title=f"Входная, {parallel} класс",
                            tasks=[(4, "Дроби", "базовый"), (6, "Уравнения", "базовый")])
        s.result(works[cls], s.student(cls, f"Ученик {parallel}"), "1 6")
    frames = s.frames()
    mine = pf.pair_facts(results_facts(frames), pf.load_pairs(frames["teaching_load"], teacher))
    tasks = pf.weak_tasks(mine, frames["tasks"])
    assert list(zip(tasks["class"], tasks["number"], tasks["pct_of_max"], strict=True)) == [
        ("5«А»", 1, 25.0), ("10«А»", 1, 25.0)]
    elements = pf.weak_elements(mine, frames["tasks"])
    assert list(zip(elements["class"], elements["element"], strict=True)) == [("5«А»", "Дроби"), ("10«А»", "Дроби")]
    works_table = pf.works_of(mine)
    assert list(works_table["class"]) == ["5«А»", "10«А»"]


def test_class_students_by_class_then_name() -> None:
    frames, ids = school()
    students = pf.class_students(frames["students"], frames["classes"], {ids["5b"], ids["5a"]})
    assert list(students["student"]) == ["Аксёнов Иван", "Белов Иван", "Волков Иван", "Гусев Иван", "Дёмин Иван"]
    assert list(students["class"]) == ["5«А»"] * 3 + ["5«Б»"] * 2


def test_student_card_results_and_period_marks() -> None:
    frames, ids = school()
    sid = ids["Аксёнов"]
    card = pf.student_card(frames["students"], frames["classes"], sid)
    assert card == {"student_id": sid, "name": "Аксёнов Иван", "class_id": ids["5a"], "class": "5«А»"}
    assert pf.student_card(frames["students"], frames["classes"], "nobody") is None
    results = pf.student_results(facts(), sid)
    # 10.09 w1 10/10, 12.09 w3 9/10, 10.05 w2 7/10
    assert list(results["work"]) == ["Входная по математике", "Входная по русскому языку", "Итоговая по математике"]
    assert list(results["pct"]) == pytest.approx([100.0, 90.0, 70.0])
    assert list(results["mark"]) == [5, 5, 4]
    absent = pf.student_results(facts(), ids["Волков"])
    assert list(absent["present"]) == ["нет", "да", "да"] and math.isnan(absent["pct"].iloc[0])
    marks = pf.student_period_marks(frames["period_marks"], frames["subjects"], sid)
    assert list(marks.columns) == ["subject", "1 четверть", "2 четверть", "год"]  # the school year's order
    assert marks.to_dict("records")[0] == {"subject": "математика", "1 четверть": 5, "2 четверть": 5, "год": 4}
    assert marks["subject"].iloc[1] == "русский язык" and marks["1 четверть"].iloc[1] == 4
    assert pd.isna(marks["год"].iloc[1])
    assert pf.student_period_marks(frames["period_marks"], frames["subjects"], ids["Егоров"]).empty


def test_student_olympiads_and_achievements() -> None:
    frames, ids = school()
    ol = pf.student_olympiads(frames["olympiads"], frames["subjects"], ids["Аксёнов"])
    assert list(zip(ol["subject"], ol["olympiad_level"], ol["status"], ol["olympiad_score"], strict=True)) == [
        ("математика", "школьный", "победитель", 90.0), ("математика", "муниципальный", "призёр", 55.0)]
    mine = pf.achievements(frames["portfolio"], pf.STUDENT_OWNER, ids["Аксёнов"])
    assert list(mine["title"]) == ["Знак ГТО", "Проект «Река»"]  # newest first
    assert list(mine["link"]) == ["https://example.ru/gto", ""]
    assert list(mine["achievement_level"].fillna("—")) == ["школьный", "—"]
    teacher = pf.achievements(frames["portfolio"], pf.TEACHER_OWNER, ids["t1"])
    assert list(teacher["title"]) == ["Статья о дробях"]
    assert pf.achievements(frames["portfolio"], pf.TEACHER_OWNER, ids["Аксёнов"]).empty


def test_teacher_card_courses_attestations_and_practice() -> None:
    frames, ids = school()
    card = pf.teacher_card(frames["teachers"], frames["departments"], ids["t1"])
    assert card is not None
    assert (card["name"], card["short"], card["department"], card["category"], card["experience"]) == (
        "Орлова Анна Петровна", "Орлова А. П.", "ШМО начальной и основной школы", "высшая", 12)
    assert card["category_date"] == pd.Timestamp("2022-03-01")
    assert pf.teacher_card(frames["teachers"], frames["departments"], "t-999") is None
    courses = pf.teacher_courses(frames["courses"], ids["t1"])
    assert list(courses["course"]) == ["Функциональная грамотность", "ФГОС ООО"]  # the latest first
    assert list(courses["hours"]) == [72.0, 36.0]
    att = pf.teacher_attestations(frames["attestations"], ids["t1"])
    assert list(att["attestation_category"]) == ["высшая", "первая"]
    assert list(pf.teacher_practices(frames["practices"], ids["t1"])["topic"]) == ["Игровые методы"]


def test_prize_winners_taught_follow_the_load() -> None:
    frames, ids = school()
    args = (frames["olympiads"], frames["students"], frames["classes"], frames["subjects"])
    won = pf.taught_awards(*args, pairs_of("t1"))
    # Аксёнов (5«А», математика) муниципальный призёр and школьный победитель, Белов школьный победитель; not
    # Гусев (русский язык is not Орлова's in 5«Б»), not Егоров (6«А»), not Волков (участник). Highest stage first.
    assert list(zip(won["student"], won["olympiad_level"], won["status"], strict=True)) == [
        ("Аксёнов Иван", "муниципальный", "призёр"), ("Белов Иван", "школьный", "победитель"),
        ("Аксёнов Иван", "школьный", "победитель")]
    assert set(won["class"]) == {"5«А»"}
    other = pf.taught_awards(*args, pairs_of("t2"))
    assert list(other["student"]) == ["Егоров Иван"]


# ---- a teacher whose classes have no results yet, and a school with nothing at all --------------------------------

def _calls(frames: dict[str, pd.DataFrame], fx: pd.DataFrame, pairs: pd.DataFrame, student: str, teacher: str
           ) -> dict[str, Callable[[], pd.DataFrame]]:
    """Every table of reports.analytics.portfolio, for one teacher's pairs and one student."""
    return {
        "pair_facts": lambda: pf.pair_facts(fx, pairs),
        "pair_indicators": lambda: pf.pair_indicators(fx, pairs, frames["classes"], frames["subjects"]),
        "class_totals": lambda: pf.class_totals(fx, pairs, frames["classes"]),
        "works_of": lambda: pf.works_of(pf.pair_facts(fx, pairs)),
        "works_without_results": lambda: pf.works_without_results(frames["works"], frames["classes"],
                                                                  frames["subjects"], pairs, fx, dt.date(2026, 6, 1)),
        "weak_tasks": lambda: pf.weak_tasks(pf.pair_facts(fx, pairs), frames["tasks"]),
        "weak_elements": lambda: pf.weak_elements(pf.pair_facts(fx, pairs), frames["tasks"]),
        "class_students": lambda: pf.class_students(frames["students"], frames["classes"], set(pairs["class_id"])),
        "student_results": lambda: pf.student_results(fx, student),
        "student_olympiads": lambda: pf.student_olympiads(frames["olympiads"], frames["subjects"], student),
        "achievements": lambda: pf.achievements(frames["portfolio"], pf.STUDENT_OWNER, student),
        "teacher_courses": lambda: pf.teacher_courses(frames["courses"], teacher),
        "teacher_attestations": lambda: pf.teacher_attestations(frames["attestations"], teacher),
        "teacher_practices": lambda: pf.teacher_practices(frames["practices"], teacher),
        "taught_awards": lambda: pf.taught_awards(frames["olympiads"], frames["students"], frames["classes"],
                                                  frames["subjects"], pairs),
    }


def _full_columns() -> dict[str, list[str]]:
    frames, ids = school()
    out = {}
    for name, call in _calls(frames, facts(), pairs_of("t1"), ids["Аксёнов"], ids["t1"]).items():
        table = call()
        assert len(table), f"{name}: the hand-built school has rows, so the columns below are the real ones"
        out[name] = list(table.columns)
    return out


def test_a_teacher_whose_classes_have_no_results_gets_empty_tables_with_the_columns() -> None:
    """The /my crash: a teacher's load without any results (weak tasks cast an empty date column to float)."""
    frames, ids = school()
    no_facts = facts().iloc[0:0]
    full = _full_columns()
    for name, call in _calls(frames, no_facts, pairs_of("t1"), ids["Аксёнов"], ids["t1"]).items():
        table = call()
        assert list(table.columns) == full[name], name
        if name in ("pair_facts", "works_of", "weak_tasks", "weak_elements", "student_results"):
            assert table.empty, name
    rows = pf.pair_indicators(no_facts, pairs_of("t1"), frames["classes"], frames["subjects"])
    assert list(rows["N"]) == [0, 0, 0] and rows["quality_pct"].isna().all()  # the load is listed, nobody wrote
    missing = pf.works_without_results(frames["works"], frames["classes"], frames["subjects"], pairs_of("t1"),
                                       no_facts, dt.date(2026, 6, 1))
    # nothing entered: every work of the bank for the pairs' parallel and subject is missing in every class
    assert sorted(zip(missing["work_id"], missing["class"], strict=True)) == sorted([
        (ids["w1"], "5«А»"), (ids["w1"], "5«Б»"), (ids["w3"], "5«А»"), (ids["w5"], "5«А»"), (ids["w5"], "5«Б»"),
        (ids["w2"], "5«А»"), (ids["w2"], "5«Б»")])


def test_a_school_with_nothing_gets_empty_tables_with_the_columns() -> None:
    frames = School().frames()
    no_pairs = pf.load_pairs(frames["teaching_load"], "t-404")
    assert list(no_pairs.columns) == pf.PAIR_KEYS and no_pairs.empty
    full = _full_columns()
    for name, call in _calls(frames, results_facts(frames), no_pairs, "st-404", "t-404").items():
        table = call()
        assert table.empty, name
        assert list(table.columns) == full[name], name
    assert pf.student_card(frames["students"], frames["classes"], "st-404") is None
    assert pf.teacher_card(frames["teachers"], frames["departments"], "t-404") is None
    assert list(pf.student_period_marks(frames["period_marks"], frames["subjects"], "st-404").columns) == ["subject"]


def test_full_names_leave_out_missing_parts() -> None:
    people = pd.DataFrame({"last_name": ["Орлова", "Петров", None], "first_name": ["Анна", "Пётр", "Ида"],
                           "middle_name": ["Петровна", None, ""]})
    assert list(pf.full_names(people)) == ["Орлова Анна Петровна", "Петров Пётр", "Ида"]
