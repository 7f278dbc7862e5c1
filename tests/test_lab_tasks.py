"""Per task across schools, hand-worked: done % per task, the town's weakest task and where it is weak, a school's
profile against the town, and the anomalous profile (basic worse than the town, hard better) firing on one school."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from reports.district.signals import SignalSettings, objectivity
from reports.district.tasks import (
    TASK_LABELS,
    TASK_SUMS,
    ProfileSettings,
    anomalous_profiles,
    per_task,
    profile,
    weakest,
    weakest_elements,
)
from sync.warehouse.engine import run_on_tables

RESULT_COLS = ["year", "school", "work_id", "subject", "parallel", "kind", "scores"]
TASK_COLS = ["year", "school", "work_id", "number", "max_score", "element", "level"]


def _per_task(scores: pd.DataFrame, tasks: pd.DataFrame, absent: int = 0) -> pd.DataFrame:
    """The per-task sums the engine takes (each school-year's tables in memory, the same SQL as the warehouse's),
    then `per_task`; each school's works, subjects and `absent` absent results are made from the rows."""
    sums, labels = [], []
    for (year, school), res in scores.groupby(["year", "school"]):
        works = res.drop_duplicates("work_id")
        tables = {
            "results": pa.Table.from_pydict({"work_id": [*res["work_id"], *[works["work_id"].iloc[0]] * absent],
                                             "present": ["да"] * len(res) + ["нет"] * absent,
                                             "scores": pa.array([*res["scores"], *[None] * absent],
                                                                pa.list_(pa.float64()))}),
            "works": pa.Table.from_pydict({"id": works["work_id"].tolist(), "subject_id": works["subject"].tolist(),
                                           "parallel": works["parallel"].tolist(), "kind": works["kind"].tolist()}),
            "subjects": pa.Table.from_pydict({"id": works["subject"].unique().tolist(),
                                              "name": works["subject"].unique().tolist()}),
            "tasks": pa.Table.from_pandas(tasks[(tasks["school"] == school).to_numpy(dtype=bool)][TASK_COLS[2:]]
                                          .assign(id="t"), preserve_index=False)}
        sums.append(run_on_tables(TASK_SUMS, tables, int(year), str(school)).to_pandas())
        labels.append(run_on_tables(TASK_LABELS, tables, int(year), str(school)).to_pandas())
    return per_task(pd.concat(sums, ignore_index=True), pd.concat(labels, ignore_index=True))


def _scores() -> tuple[pd.DataFrame, pd.DataFrame]:
    # each school's own ВПР work (own ids): task 1 basic of 1 point, task 2 повышенный of 2 points
    scores = pd.DataFrame(
        [(2025, "A", "wa", "математика", 5, "ВПР", [1.0, 0.0]), (2025, "A", "wa", "математика", 5, "ВПР", [1.0, 0.0]),
         (2025, "B", "wb", "математика", 5, "ВПР", [0.0, 2.0]), (2025, "B", "wb", "математика", 5, "ВПР", [0.0, 2.0])],
        columns=RESULT_COLS)
    tasks = pd.DataFrame([(2025, s, w, n, m, f"Элемент {n}", lvl) for s, w in (("A", "wa"), ("B", "wb"))
                          for n, m, lvl in ((1, 1.0, "базовый"), (2, 2.0, "повышенный"))], columns=TASK_COLS)
    return scores, tasks


def test_done_share_per_task_and_the_weakest_by_hand() -> None:
    per = _per_task(*_scores()).set_index(["school", "number"])
    assert per.loc[("A", 1), "done_pct"] == 100 and per.loc[("A", 2), "done_pct"] == 0  # 2 of 2, 0 of 4
    assert per.loc[("B", 1), "done_pct"] == 0 and per.loc[("B", 2), "done_pct"] == 100
    w = weakest(per.reset_index(), how_many=1, below_pp=10)
    assert len(w) == 1 and w.loc[0, "number"] == 1 and w.loc[0, "town_pct"] == 50  # 2 of 4; ties go by number
    assert w.loc[0, "weak_schools"] == "B" and w.loc[0, "element"] == "Элемент 1"


def test_a_schools_profile_against_the_town() -> None:
    p = profile(_per_task(*_scores()), "B").set_index("number")
    assert p.loc[1, "diff_pp"] == -50 and p.loc[2, "diff_pp"] == 50


def test_the_anomalous_profile_fires_on_one_school_only() -> None:
    per = _per_task(*_scores())
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
    w = weakest_elements(_per_task(scores, tasks), how_many=1, below_pp=10)
    # A: 2 of 6 points, B: 4 of 6, C: 0 of 6 -> the town 6 of 18 = 33.3 %; C is 33.3 points below it
    assert len(w) == 1 and w.loc[0, "element"] == "Дроби" and w.loc[0, "tasks"] == 2
    assert w.loc[0, "town_pct"] == pytest.approx(100 / 3) and w.loc[0, "weak_schools"] == "C"


def test_unscored_tasks_short_lists_and_tasks_without_points_count_nowhere() -> None:
    """A «-» (null) score, a list shorter than the work, a task of maximum 0, a number entered twice and an absent
    result: each task counts only the results that have a score for it, against its maximum."""
    lists = ([1.0, None, 0.0, 2.0], [0.0, 2.0], [1.0, 1.0, 1.0, 1.0], None)
    scores = pd.DataFrame([(2025, "A", "wa", "математика", 5, "ВПР", v) for v in lists], columns=RESULT_COLS)
    tasks = pd.DataFrame([(2025, "A", "wa", n, m, f"Элемент {n}", "базовый")
                          for n, m in ((1, 1.0), (2, 2.0), (3, 0.0), (4, 2.0), (4, 3.0))], columns=TASK_COLS)
    per = _per_task(scores, tasks, absent=2).set_index("number")
    assert per["written"].to_dict() == {1: 3, 2: 2, 4: 2}  # task 3 has no points to get; task 4 is in two lists
    assert per.loc[1, "points"] == 2 and per.loc[1, "max"] == 3
    assert per.loc[2, "points"] == 3 and per.loc[2, "max"] == 4 and per.loc[2, "done_pct"] == 75
    assert per.loc[4, "points"] == 3 and per.loc[4, "max"] == 6  # the larger maximum of the number entered twice
    assert per.loc[4, "element"] == "Элемент 4"
