"""Dynamics across входная → промежуточная (рубежная) → итоговая, with the change from the previous step."""

from __future__ import annotations

import functools
import math

import pandas as pd
import pytest

from reports.analytics.dynamics import dynamics
from reports.analytics.facts import results_facts
from tests.factories import School


@functools.cache  # built once per module; the tests only read it
def school() -> tuple[pd.DataFrame, dict[str, str]]:
    """Algebra in 9«А», max 10, thresholds 4/6/8. Works are entered out of order on purpose.

    входная 15.09:  Аксёнов 8 («5»), Белов 3 («2»)
    промежуточная 20.12: Аксёнов 6 («4»), Белов 6 («4»)
    итоговая 20.05:  Аксёнов 10 («5»), Белов absent
    """
    s = School()
    ids: dict[str, str] = {}
    ids["alg"], ids["geo"] = s.subject("Алгебра"), s.subject("Геометрия")
    ids["c"] = s.klass(9, "А")
    ids["p1"], ids["p2"] = s.student(ids["c"], "Аксёнов"), s.student(ids["c"], "Белов")
    final = s.work(ids["alg"], kind="итоговая", date="20.05.2026")
    mid = s.work(ids["alg"], kind="промежуточная (рубежная)", date="20.12.2025")
    entry = s.work(ids["alg"], kind="входная", date="15.09.2025")
    other = s.work(ids["geo"], kind="входная", date="16.09.2025")
    vpr = s.work(ids["alg"], kind="ВПР", date="10.04.2026")
    ids.update(final=final, mid=mid, entry=entry)
    for w, a, b in ((entry, 8, 3), (mid, 6, 6), (final, 10, None), (other, 1, 1), (vpr, 1, 1)):
        s.result(w, ids["p1"], total=a)
        s.result(w, ids["p2"], total=b, present="нет" if b is None else "да")
    return results_facts(s.frames()), ids


def test_class_dynamics_in_monitoring_order() -> None:
    facts, ids = school()
    table = dynamics(facts, ids["alg"])
    assert table["work_id"].astype(str).tolist() == [ids["entry"], ids["mid"], ids["final"]]
    assert table["step"].tolist() == [1, 2, 3]
    assert table["class"].astype(str).tolist() == ["9«А»"] * 3
    # входная: 5 and 2 -> quality 50, success 50, СОУ (100+16)/2 = 58, mean 3.5, mean % (80+30)/2 = 55
    # промежуточная: 4 and 4 -> quality 100, success 100, СОУ 64, mean 4, mean % 60
    # итоговая: 5 alone -> quality 100, СОУ 100, mean 5, mean % 100
    assert table["quality_pct"].tolist() == [50.0, 100.0, 100.0]
    assert table["sou_pct"].tolist() == [58.0, 64.0, 100.0]
    assert table["mean_pct"].tolist() == [55.0, 60.0, 100.0]
    assert math.isnan(table["quality_pct_change"].iloc[0])
    assert table["quality_pct_change"].tolist()[1:] == [50.0, 0.0]
    assert table["sou_pct_change"].tolist()[1:] == [6.0, 36.0]
    assert table["mean_mark_change"].tolist()[1:] == pytest.approx([0.5, 1.0])
    assert table["mean_pct_change"].tolist()[1:] == [5.0, 40.0]


def test_student_dynamics_and_an_absent_step() -> None:
    facts, ids = school()
    table = dynamics(facts, ids["alg"], by=["student_id"])
    belov = table[table["student_id"] == ids["p2"]]
    assert belov["student"].astype(str).unique().tolist() == ["Белов Иван"]
    # Белов: «2» (30 %) -> «4» (60 %) -> absent: change +2, then unknown
    assert belov["mean_mark"].tolist()[:2] == [2.0, 4.0]
    assert belov["mean_mark_change"].tolist()[1] == 2.0
    assert belov["mean_pct_change"].tolist()[1] == 30.0
    assert math.isnan(belov["mean_mark"].iloc[2]) and math.isnan(belov["mean_mark_change"].iloc[2])
    assert belov["absent"].tolist() == [0, 0, 1]


def test_same_kind_is_ordered_by_date_and_kinds_are_configurable() -> None:
    facts, ids = school()
    table = dynamics(facts, ids["alg"], kinds=("ВПР", "входная"))
    # the order comes from choices.WORK_KINDS (входная before ВПР), not from the argument
    assert table["kind"].astype(str).tolist() == ["входная", "ВПР"]


def test_no_works_of_the_kinds_gives_an_empty_table() -> None:
    facts, ids = school()
    assert dynamics(facts, ids["geo"], kinds=("итоговая",)).empty
