"""Per task across schools, hand-worked: done % per task, the town's weakest task and where it is weak, a school's
profile against the town, and the anomalous profile (basic worse than the town, hard better) firing on one school."""

from __future__ import annotations

import pandas as pd
import pytest

from reports.district.signals import SignalSettings, objectivity
from reports.district.tasks import ProfileSettings, anomalous_profiles, per_task, profile, weakest, weakest_elements


def _scores() -> tuple[pd.DataFrame, pd.DataFrame]:
    # each school's own ВПР work (own ids): task 1 basic of 1 point, task 2 повышенный of 2 points
    scores = pd.DataFrame(
        [(2025, "A", "wa", "математика", 5, "ВПР", [1.0, 0.0]), (2025, "A", "wa", "математика", 5, "ВПР", [1.0, 0.0]),
         (2025, "B", "wb", "математика", 5, "ВПР", [0.0, 2.0]), (2025, "B", "wb", "математика", 5, "ВПР", [0.0, 2.0])],
        columns=["year", "school", "work_id", "subject", "parallel", "kind", "scores"])
    tasks = pd.DataFrame([(2025, s, w, n, m, f"Элемент {n}", lvl) for s, w in (("A", "wa"), ("B", "wb"))
                          for n, m, lvl in ((1, 1.0, "базовый"), (2, 2.0, "повышенный"))],
                         columns=["year", "school", "work_id", "number", "max_score", "element", "level"])
    return scores, tasks


def test_done_share_per_task_and_the_weakest_by_hand() -> None:
    per = per_task(*_scores()).set_index(["school", "number"])
    assert per.loc[("A", 1), "done_pct"] == 100 and per.loc[("A", 2), "done_pct"] == 0  # 2 of 2, 0 of 4
    assert per.loc[("B", 1), "done_pct"] == 0 and per.loc[("B", 2), "done_pct"] == 100
    w = weakest(per.reset_index(), how_many=1, below_pp=10)
    assert len(w) == 1 and w.loc[0, "number"] == 1 and w.loc[0, "town_pct"] == 50  # 2 of 4; ties go by number
    assert w.loc[0, "weak_schools"] == "B" and w.loc[0, "element"] == "Элемент 1"


def test_a_schools_profile_against_the_town() -> None:
    p = profile(per_task(*_scores()), "B").set_index("number")
    assert p.loc[1, "diff_pp"] == -50 and p.loc[2, "diff_pp"] == 50


def test_the_anomalous_profile_fires_on_one_school_only() -> None:
    per = per_task(*_scores())
    a = anomalous_profiles(per, settings=ProfileSettings(min_written=2)).set_index("school")
    # B against the rest of the town (A): basic 0 - 100 = -100, hard 100 - 0 = +100
    assert a.loc["B", "diff_pp_basic"] == -100 and a.loc["B", "diff_pp_hard"] == 100
    assert bool(a.loc["B", "anomalous"]) and not bool(a.loc["A", "anomalous"])
    assert not anomalous_profiles(per, settings=ProfileSettings(min_written=3))["anomalous"].any()
    cube = pd.DataFrame([(2025, s, 5, "математика", "ВПР", "4 четверть", 2, 0, 1, 1, 0, 0, 0, 2) for s in "AB"],
                        columns=["year", "school", "parallel", "subject", "kind", "period", "N", "n5", "n4", "n3",
                                 "n2", "n1", "absent", "enrolled"])
    vs = pd.DataFrame(columns=["year", "school", "subject", "parallel", "kind", "lowered", "confirmed", "raised"])
    s = objectivity(cube, vs, {"A": "СОШ", "B": "СОШ"}, SignalSettings(min_n=1),
                    anomalous_profiles(per, settings=ProfileSettings(min_written=2))).set_index("school")
    assert "Необычный профиль" in s.loc["B", "signals"] and s.loc["A", "signals"] == ""
    assert s.loc["B", "quality_pct"] == pytest.approx(50)


def test_the_weakest_content_element_takes_all_its_tasks_together() -> None:
    scores, tasks = _scores()
    tasks = tasks.assign(element="Дроби")  # both tasks check one element
    scores = pd.concat([scores, pd.DataFrame([(2025, "C", "wc", "математика", 5, "ВПР", [0.0, 0.0])] * 2,
                                             columns=scores.columns)], ignore_index=True)
    tasks = pd.concat([tasks, pd.DataFrame([(2025, "C", "wc", n, m, "Дроби", "базовый") for n, m in ((1, 1.0),
                                                                                                 (2, 2.0))],
                                           columns=tasks.columns)], ignore_index=True)
    w = weakest_elements(per_task(scores, tasks), how_many=1, below_pp=10)
    # A: 2 of 6 points, B: 4 of 6, C: 0 of 6 -> the town 6 of 18 = 33.3 %; C is 33.3 points below it
    assert len(w) == 1 and w.loc[0, "element"] == "Дроби" and w.loc[0, "tasks"] == 2
    assert w.loc[0, "town_pct"] == pytest.approx(100 / 3) and w.loc[0, "weak_schools"] == "C"
