"""Per-task and per-element analysis over score tuples, with unscored tasks left out of denominators."""

from __future__ import annotations

import functools
import math

import pandas as pd
import pytest

from reports.analytics.facts import results_facts
from reports.analytics.tasks import WeakRule, element_analysis, solved_share, task_analysis, unpack_scores
from tests.factories import School

TASKS = [(1, "Дроби", "базовый"), (2, "Дроби", "базовый"), (3, "Уравнения", "повышенный"),
         (2, "Функции", "высокий")]


@functools.cache  # built once per module; the tests only read it
def school() -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """Work of 4 tasks (max 1, 2, 3, 2 = 8). 9«А»: three students, 9«Б»: one; «-» = not scored.

    9«А»:  1 2 3 2 | 0 1 - 0 | 1 0 1 -        9«Б»:  0 2 0 2
    """
    s = School()
    ids: dict[str, str] = {}
    sub = s.subject("Математика")
    ids["a"], ids["b"] = s.klass(9, "А"), s.klass(9, "Б")
    ids["w"] = s.work(sub, max_score=8, thresholds=(3, 5, 7), tasks=TASKS)
    for name, scores in (("Аксёнов", "1 2 3 2"), ("Белов", "0 1 - 0"), ("Волков", "1 0 1 -")):
        ids[name] = s.student(ids["a"], name)
        s.result(ids["w"], ids[name], scores)
    ids["Дёмин"] = s.student(ids["b"], "Дёмин")
    s.result(ids["w"], ids["Дёмин"], "0 2 0 2")
    s.result(ids["w"], s.student(ids["a"], "Горин"), present="нет")
    return s.frames(), ids


def by_number(table: pd.DataFrame) -> dict[int, pd.Series]:
    return {int(r["number"]): r for _, r in table.iterrows()}


def test_task_analysis_for_one_class() -> None:
    frames, ids = school()
    facts = results_facts(frames)
    table = task_analysis(facts, frames["tasks"], ("class_id",))
    a = by_number(table[table["class_id"] == ids["a"]])
    # task 1 (max 1): 1, 0, 1 -> 3 scored, mean 2/3, % of max 66.7, full 2/3, zero 1/3, partial 0
    assert a[1]["n_scored"] == 3
    assert a[1]["mean_score"] == pytest.approx(2 / 3) and a[1]["pct_of_max"] == pytest.approx(200 / 3)
    assert (a[1]["full_pct"], a[1]["partial_pct"], a[1]["zero_pct"]) == pytest.approx((200 / 3, 0.0, 100 / 3))
    # task 2 (max 2): 2, 1, 0 -> % of max 3/6 = 50; one of each: full, partial, zero
    assert a[2]["pct_of_max"] == 50.0
    assert (a[2]["full_pct"], a[2]["partial_pct"], a[2]["zero_pct"]) == pytest.approx((100 / 3,) * 3)
    # task 3 (max 3): 3, «-», 1 -> 2 scored; % of max 4/6; full 1/2, partial 1/2
    assert a[3]["n_scored"] == 2 and a[3]["pct_of_max"] == pytest.approx(400 / 6)
    assert (a[3]["full_pct"], a[3]["partial_pct"], a[3]["zero_pct"]) == (50.0, 50.0, 0.0)
    # task 4 (max 2): 2, 0, «-» -> 2 scored, % of max 2/4 = 50
    assert (a[4]["n_scored"], a[4]["pct_of_max"], a[4]["zero_pct"]) == (2, 50.0, 50.0)
    assert (a[4]["element"], a[4]["task_level"], a[4]["task_max"]) == ("Функции", "высокий", 2.0)


def test_task_analysis_school_and_parallel_levels() -> None:
    frames, ids = school()
    facts = results_facts(frames)
    school_t = by_number(task_analysis(facts, frames["tasks"], ()))
    # task 1 over all four writers: 1, 0, 1, 0 -> 50 %
    assert school_t[1]["n_scored"] == 4 and school_t[1]["pct_of_max"] == 50.0
    # task 3: 3, -, 1, 0 -> 3 scored, 4/9
    assert school_t[3]["n_scored"] == 3 and school_t[3]["pct_of_max"] == pytest.approx(400 / 9)
    par = task_analysis(facts, frames["tasks"], ("parallel",))
    assert par["parallel"].unique().tolist() == [9]
    assert par["pct_of_max"].tolist() == pytest.approx([s["pct_of_max"] for s in school_t.values()])


def test_a_task_nobody_scored_has_no_percentages() -> None:
    s = School()
    sub, c = s.subject(), s.klass()
    w = s.work(sub, tasks=[(1, "А", "базовый"), (1, "Б", "базовый")])
    s.result(w, s.student(c, "Один"), "1 -")
    frames = s.frames()
    t = by_number(task_analysis(results_facts(frames), frames["tasks"], ()))
    assert t[2]["n_scored"] == 0
    assert all(math.isnan(t[2][c]) for c in ("mean_score", "pct_of_max", "full_pct", "partial_pct", "zero_pct"))


def test_scores_are_aligned_by_task_number_not_by_row_order() -> None:
    s = School()
    sub, c = s.subject(), s.klass()
    w = s.work(sub, max_score=3)
    # tasks entered in the sheet as number 2 (max 2) before number 1 (max 1)
    s.add("tasks", work_id=w, number=2, max_score=2, element="Второе", level="базовый")
    s.add("tasks", work_id=w, number=1, max_score=1, element="Первое", level="базовый")
    s.result(w, s.student(c, "Один"), "1 0")  # task 1 full, task 2 zero
    frames = s.frames()
    t = by_number(task_analysis(results_facts(frames), frames["tasks"], ()))
    assert (t[1]["element"], t[1]["full_pct"]) == ("Первое", 100.0)
    assert (t[2]["element"], t[2]["zero_pct"]) == ("Второе", 100.0)


def test_extra_scores_and_works_without_tasks_are_ignored() -> None:
    s = School()
    sub, c = s.subject(), s.klass()
    w = s.work(sub, tasks=[(1, "А", "базовый")])
    bare = s.work(sub, kind="итоговая", date="20.05.2026")
    p = s.student(c, "Один")
    s.result(w, p, "1 1 1")
    s.result(bare, p, "1 1")
    frames = s.frames()
    cells = unpack_scores(results_facts(frames), frames["tasks"])
    assert cells.score.tolist() == [1.0] and len(cells.row) == 1


def test_element_analysis_and_weak_flags() -> None:
    frames, ids = school()
    facts = results_facts(frames)
    table = element_analysis(facts, frames["tasks"], ("class_id",))
    a = table[table["class_id"] == ids["a"]].set_index("element")
    # 9«А», «Дроби» = tasks 1 (max 1) and 2 (max 2): scored points 1+0+1 + 2+1+0 = 5 of 3*1 + 3*2 = 9 -> 55.6 %
    assert a.loc["Дроби", "tasks"] == "1, 2"
    assert (a.loc["Дроби", "score_sum"], a.loc["Дроби", "max_sum"]) == (5.0, 9.0)
    assert a.loc["Дроби", "pct_of_max"] == pytest.approx(500 / 9)
    # «Уравнения»: 3 + 1 of 3 + 3 (one unscored) = 4/6 = 66.7; «Функции»: 2 + 0 of 2 + 2 = 50 -> weak (< 50? no)
    assert a.loc["Уравнения", "pct_of_max"] == pytest.approx(400 / 6)
    assert a.loc["Функции", "pct_of_max"] == 50.0
    assert a["weak"].tolist() == [False, False, False]  # exactly 50 % is not below 50 %
    # weakest first within the class
    assert a.index.tolist() == ["Функции", "Дроби", "Уравнения"]
    # 9«Б»: Дроби 0+2 of 3 = 66.7, Уравнения 0 of 3 = 0 -> weak, Функции 2 of 2 = 100
    b = table[table["class_id"] == ids["b"]].set_index("element")
    assert b["weak"].to_dict() == {"Уравнения": True, "Дроби": False, "Функции": False}


@pytest.mark.parametrize(("rule", "weak"), [
    (WeakRule(below_pct=60.0), {"Функции", "Дроби"}),  # 50 and 55.6 are below 60
    (WeakRule(below_pct=0.0, bottom_n=1), {"Функции"}),  # the single lowest
    (WeakRule(below_pct=0.0, bottom_n=2), {"Функции", "Дроби"}),
    (WeakRule(below_pct=50.0, bottom_n=0), set()),
])
def test_weak_rule_is_configurable(rule: WeakRule, weak: set[str]) -> None:
    frames, ids = school()
    table = element_analysis(results_facts(frames), frames["tasks"], ("class_id",), weak=rule)
    a = table[table["class_id"] == ids["a"]]
    assert set(a.loc[a["weak"], "element"]) == weak


def test_solved_share_of_basic_tasks_is_aligned_with_facts() -> None:
    frames, ids = school()
    facts = results_facts(frames)
    share = solved_share(facts, frames["tasks"])
    got = dict(zip(facts["student"].astype(str), zip(share["n_scored"], share["n_solved"], strict=True),
                   strict=True))
    # basic tasks 1 and 2 (max 1, 2): Аксёнов 1,2 -> 2 of 2; Белов 0,1 -> 0 of 2; Волков 1,0 -> 1 of 2;
    # Дёмин 0,2 -> 1 of 2; Горин absent -> nothing scored
    assert got == {"Аксёнов Иван": (2, 2), "Белов Иван": (2, 0), "Волков Иван": (2, 1), "Дёмин Иван": (2, 1),
                   "Горин Иван": (0, 0)}
    pct = dict(zip(facts["student"].astype(str), share["solved_pct"], strict=True))
    assert (pct["Аксёнов Иван"], pct["Белов Иван"], pct["Волков Иван"]) == (100.0, 0.0, 50.0)
    assert math.isnan(pct["Горин Иван"])


def test_reusing_unpacked_cells_gives_the_same_tables() -> None:
    frames, ids = school()
    facts = results_facts(frames)
    cells = unpack_scores(facts, frames["tasks"])
    pd.testing.assert_frame_equal(task_analysis(facts, frames["tasks"], ("class_id",), cells=cells),
                                  task_analysis(facts, frames["tasks"], ("class_id",)))
