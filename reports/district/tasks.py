"""Per task and per content element across the town's schools: the share of points each school got on each task
of a ВПР or municipal work, the town's weakest elements and where each is weak, and a school's task profile
against the town's (also the anomalous-profile objectivity signal: basic tasks worse than the town, hard better).

The per-task sums are taken at intake, per school-year, like the cube (TASK_SUMS: a result's list of task scores
read by task number against the work's tasks; TASK_LABELS: how many works give a task each element and level), and
stored beside its raw tables; the lab reads the stored rows (STORED_TASK_SUMS, STORED_TASK_LABELS rolled up over
the schools), so no result row is read at query time. Only one row per school × work (subject, parallel, kind) ×
task reaches pandas; the weakest tasks, profiles and signals are here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reports.district.aggregates import Aggregate

# A task of a work and the point its result got for it: the task's number is the position in the result's list
# (1-based; the index is cast so the transpiler shifts it for Spark's 0-based arrays, and guarded by the list's
# length, which Spark's ANSI mode requires). A task number entered twice for a work counts once (its largest
# maximum); a task of no positive maximum, an unscored task («-», null or NaN) and a result without a list count
# nowhere. Summed per work and task first (the works are joined to those few rows, not to every score), then by
# the keys `per_task` reports: works of one subject, parallel and kind in a school add up.
TASK_SUMS = Aggregate(
    "task_sums", "Суммы баллов по заданиям работ (школа × предмет × параллель × вид работы × задание)",
    """SELECT g.year, g.school, s.name AS subject, w.parallel AS parallel, w.kind AS kind, g.number AS number,
       SUM(g.points) AS points, SUM(g.max_points) AS max_points, CAST(SUM(g.written) AS BIGINT) AS written
FROM (SELECT p.year, p.school, p.work_id, p.number, SUM(p.points) AS points, SUM(p.max_score) AS max_points,
             COUNT(*) AS written
      FROM (SELECT r.year, r.school, r.work_id, t.number, t.max_score,
                   CASE WHEN t.number <= array_length(r.scores) THEN r.scores[CAST(t.number AS BIGINT)] END AS points
            FROM results r
            JOIN (SELECT year, school, work_id, number, MAX(max_score) AS max_score FROM tasks
                  WHERE number IS NOT NULL AND max_score > 0 GROUP BY year, school, work_id, number) t
              ON t.work_id = r.work_id AND t.year = r.year AND t.school = r.school
            WHERE r.present = 'да') p
      WHERE p.points IS NOT NULL AND NOT isnan(p.points)
      GROUP BY p.year, p.school, p.work_id, p.number) g
JOIN works w ON w.id = g.work_id AND w.year = g.year AND w.school = g.school
LEFT JOIN subjects s ON s.id = w.subject_id AND s.year = w.year AND s.school = w.school
GROUP BY g.year, g.school, s.name, w.parallel, w.kind, g.number""", ("results", "works", "subjects", "tasks"))

# How many works (of those with a present result) of a school-year give a task (subject × parallel × kind × number)
# each element and level: `per_task` labels a task with its most frequent ones across the town.
TASK_LABELS = Aggregate(
    "task_labels", "Элементы и уровни заданий работ (школа × предмет × параллель × вид работы × задание)",
    """SELECT t.year, t.school, s.name AS subject, w.parallel AS parallel, w.kind AS kind, t.number AS number,
       t.element AS element, t.level AS level, COUNT(*) AS works
FROM tasks t
JOIN works w ON w.id = t.work_id AND w.year = t.year AND w.school = t.school
JOIN (SELECT DISTINCT year, school, work_id FROM results WHERE present = 'да') r
  ON r.work_id = t.work_id AND r.year = t.year AND r.school = t.school
LEFT JOIN subjects s ON s.id = w.subject_id AND s.year = w.year AND s.school = w.school
GROUP BY t.year, t.school, s.name, w.parallel, w.kind, t.number, t.element, t.level""",
    ("tasks", "works", "results", "subjects"))

# Intake stores both per school-year (tables of these names, their rows those of TASK_SUMS and TASK_LABELS over
# the school-year's own tables); the lab reads them instead of every result's list of scores. Both are grouped by
# the school-year first, so the stored rows are the town's rows, and the labels' counts add up over the schools.
TASKS_TABLE, LABELS_TABLE = "task_sums", "task_labels"
STORED_TASK_SUMS = Aggregate(
    "stored_task_sums", "Суммы баллов по заданиям работ, как их сохранил приём",
    f"""SELECT year, school, subject, parallel, kind, number, points, max_points, written
FROM {TASKS_TABLE}""", (TASKS_TABLE,))
STORED_TASK_LABELS = Aggregate(
    "stored_task_labels", "Элементы и уровни заданий работ по городу (сколько работ школ их указали)",
    f"""SELECT year, subject, parallel, kind, number, element, level, CAST(SUM(works) AS BIGINT) AS works
FROM {LABELS_TABLE}
GROUP BY year, subject, parallel, kind, number, element, level""", (LABELS_TABLE,))

TASK_AGGREGATES = {a.key: a for a in (TASK_SUMS, TASK_LABELS, STORED_TASK_SUMS, STORED_TASK_LABELS)}
MATERIALISED_TASKS = {TASKS_TABLE: TASK_SUMS, LABELS_TABLE: TASK_LABELS}  # stored at intake

KEYS = ["year", "subject", "parallel", "kind", "number"]  # a task of the same work across the town's schools
HARD = ("повышенный", "высокий")


def per_task(sums: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """year × school × subject × parallel × kind × task number: points got, points possible, done %, element, level
    (from the rows of TASK_SUMS and TASK_LABELS, stored or computed: the labels' counts are summed here too)."""
    out = sums.dropna(subset=["school", *KEYS]).rename(columns={"max_points": "max"})
    out = out.assign(year=out["year"].astype("int64"), number=out["number"].astype("int64"),
                     points=out["points"].astype(float), max=out["max"].astype(float),
                     written=out["written"].astype("int64"))
    out = out.sort_values(["school", *KEYS]).reset_index(drop=True)[["school", *KEYS, "points", "max", "written"]]
    out["done_pct"] = out["points"] / out["max"] * 100.0
    keys = labels[KEYS].drop_duplicates()
    for col in ("element", "level"):
        keys = keys.merge(_mode(labels, col), on=KEYS, how="left")
        keys[col] = keys[col].fillna("")
    return out.merge(keys, on=KEYS, how="left")


def per_task_of(run: Callable[[Aggregate], pd.DataFrame]) -> pd.DataFrame:
    """`per_task` through an engine's `run`, over the per-task sums and labels intake stored."""
    return per_task(run(STORED_TASK_SUMS), run(STORED_TASK_LABELS))


def _mode(labels: pd.DataFrame, col: str) -> pd.DataFrame:
    """Per task (KEYS) its most frequent `col` across the schools' works; ties go to the first in sorted order."""
    counts = labels.dropna(subset=[col]).groupby([*KEYS, col], observed=True)["works"].sum().reset_index(name="_n")
    counts = counts.sort_values([*KEYS, "_n", col], ascending=[True] * len(KEYS) + [False, True])
    return counts.drop_duplicates(KEYS)[[*KEYS, col]]


def town_tasks(per: pd.DataFrame) -> pd.DataFrame:
    """The town's done % per task (points over points possible, all schools together)."""
    t = per.groupby(KEYS, as_index=False).agg(points=("points", "sum"), max=("max", "sum"),
                                              written=("written", "sum"), element=("element", "first"),
                                              level=("level", "first"))
    t["town_pct"] = t["points"] / t["max"] * 100.0
    return t


def weakest(per: pd.DataFrame, how_many: int = 5, below_pp: float = 10.0) -> pd.DataFrame:
    """Per work (year × subject × parallel × kind) its `how_many` weakest tasks in the town, each with the schools
    where it is done `below_pp` points or more below the town."""
    t = town_tasks(per)
    t = t.sort_values([*KEYS[:-1], "town_pct", "number"]).groupby(KEYS[:-1], as_index=False).head(how_many)
    joined = per.merge(t[[*KEYS, "town_pct"]], on=KEYS)
    weak = joined[(joined["done_pct"] <= joined["town_pct"] - below_pp).to_numpy(dtype=bool)]
    where = weak.groupby(KEYS, as_index=False).agg(weak_schools=("school", lambda s: ", ".join(sorted(map(str, s)))))
    return t.merge(where, on=KEYS, how="left").fillna({"weak_schools": ""}).reset_index(drop=True)


def weakest_elements(per: pd.DataFrame, how_many: int = 5, below_pp: float = 10.0) -> pd.DataFrame:
    """Per work its `how_many` weakest content elements in the town (all the tasks checking an element together),
    each with the schools where the element is done `below_pp` points or more below the town."""
    ekeys = [*KEYS[:-1], "element"]
    part = per[per["element"].fillna("").astype(str).ne("").to_numpy(dtype=bool)]
    mine = part.groupby(["school", *ekeys], as_index=False).agg(points=("points", "sum"), max=("max", "sum"))
    mine["done_pct"] = mine["points"] / mine["max"] * 100.0
    t = part.groupby(ekeys, as_index=False).agg(points=("points", "sum"), max=("max", "sum"),
                                                tasks=("number", "nunique"))
    t["town_pct"] = t["points"] / t["max"] * 100.0
    t = t.sort_values([*KEYS[:-1], "town_pct", "element"]).groupby(KEYS[:-1], as_index=False).head(how_many)
    joined = mine.merge(t[[*ekeys, "town_pct"]], on=ekeys)
    weak = joined[(joined["done_pct"] <= joined["town_pct"] - below_pp).to_numpy(dtype=bool)]
    where = weak.groupby(ekeys, as_index=False).agg(weak_schools=("school", lambda s: ", ".join(sorted(map(str, s)))))
    return t.merge(where, on=ekeys, how="left").fillna({"weak_schools": ""}).reset_index(drop=True)


def profile(per: pd.DataFrame, school: str) -> pd.DataFrame:
    """A school's done % per task beside the town's, with the difference in points."""
    mine = per[(per["school"].astype(str) == school).to_numpy(dtype=bool)]
    t = town_tasks(per)[[*KEYS, "town_pct"]]
    out = mine.merge(t, on=KEYS, how="left")
    out["diff_pp"] = out["done_pct"] - out["town_pct"]
    return out.sort_values(KEYS).reset_index(drop=True)


@dataclass(frozen=True)
class ProfileSettings:
    basic_below_pp: float = 5.0  # basic tasks done at least this much worse than the town …
    hard_above_pp: float = 10.0  # … and hard tasks at least this much better: a profile to check
    min_written: int = 15


def anomalous_profiles(per: pd.DataFrame, kind: str = "ВПР", settings: ProfileSettings | None = None
                       ) -> pd.DataFrame:
    """Per year × school × subject × parallel of a kind: basic and hard done % against the town; `anomalous` when
    the basic tasks are worse than the town and the hard ones better (as the federal method flags)."""
    settings = settings or ProfileSettings()
    part = per[(per["kind"] == kind).to_numpy(dtype=bool)]
    part = part.assign(band=np.where(part["level"].isin(HARD), "hard", "basic"))
    keys = ["year", "subject", "parallel", "band"]
    school = part.groupby(["school", *keys], as_index=False).agg(points=("points", "sum"), max=("max", "sum"),
                                                                 written=("written", "max"))
    town = part.groupby(keys, as_index=False).agg(tp=("points", "sum"), tm=("max", "sum"))
    s = school.merge(town, on=keys)
    rest = s["tm"] - s["max"]  # the town without the school itself
    s["diff_pp"] = s["points"] / s["max"] * 100.0 - (s["tp"] - s["points"]) / rest.where(rest > 0) * 100.0
    wide = s.pivot_table(index=["school", "year", "subject", "parallel"], columns="band",
                         values=["diff_pp", "written"]).reset_index()
    wide.columns = ["_".join(c for c in col if c) for col in wide.columns]
    for c in ("diff_pp_basic", "diff_pp_hard", "written_basic"):
        if c not in wide:
            wide[c] = np.nan
    wide["anomalous"] = ((wide["written_basic"] >= settings.min_written)
                         & (wide["diff_pp_basic"] <= -settings.basic_below_pp)
                         & (wide["diff_pp_hard"] >= settings.hard_above_pp)).fillna(False)
    return wide[["year", "school", "subject", "parallel", "diff_pp_basic", "diff_pp_hard", "anomalous"]]
