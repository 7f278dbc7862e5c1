"""Per task and per content element across the town's schools: the share of points each school got on each task
of a ВПР or municipal work, the town's weakest elements and where each is weak, and a school's task profile
against the town's (also the anomalous-profile objectivity signal: basic tasks worse than the town, hard better).

The warehouse keeps a result's task scores as one list; unnesting a list is not portable SQL, so the SQL only
selects (TASK_SCORES, TASKS) and the per-task sums are taken here."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reports.district.aggregates import Aggregate

TASK_SCORES = Aggregate(
    "task_scores", "Баллы за задания работ (по результатам)",
    """SELECT r.year, r.school, r.work_id, s.name AS subject, w.parallel AS parallel, w.kind AS kind, r.scores
FROM results r
JOIN works w ON w.id = r.work_id AND w.year = r.year AND w.school = r.school
LEFT JOIN subjects s ON s.id = w.subject_id AND s.year = w.year AND s.school = w.school
WHERE r.present = 'да'""", ("results", "works", "subjects"))

TASKS = Aggregate(
    "tasks_of_works", "Задания работ школ (номер, максимум, элемент, уровень)",
    """SELECT year, school, work_id, number, max_score, element, level FROM tasks""", ("tasks",))

KEYS = ["year", "subject", "parallel", "kind", "number"]  # a task of the same work across the town's schools
HARD = ("повышенный", "высокий")


def _points(scores: pd.DataFrame, tasks: pd.DataFrame) -> pd.DataFrame:
    """One row per scored task of each result (year, school, subject, parallel, kind, number, points, max), the
    lists unnested with numpy (a town holds millions of task scores; a Python loop over them takes seconds)."""
    cols = ["year", "school", "subject", "parallel", "kind", "number", "points", "max"]
    lists = scores["scores"].to_numpy(dtype=object)
    keep = np.array([v is not None and not isinstance(v, float) for v in lists], dtype=bool)
    lists = lists[keep]
    sizes = np.fromiter((len(v) for v in lists), dtype=np.int64, count=len(lists))
    if not sizes.sum():
        return pd.DataFrame(columns=cols)
    flat = pd.to_numeric(pd.Series(np.concatenate([np.asarray(list(v), dtype=object) for v in lists if len(v)]),
                                   dtype=object), errors="coerce").to_numpy(dtype=float)
    base = scores.loc[keep, ["year", "school", "work_id", "subject", "parallel", "kind"]]
    got = base.iloc[np.repeat(np.arange(len(base)), sizes)].reset_index(drop=True)
    got["number"] = np.concatenate([np.arange(1, n + 1) for n in sizes])
    got["points"] = flat
    got["year"] = got["year"].astype("int64")
    m = tasks[["year", "school", "work_id", "number", "max_score"]].dropna(subset=["number", "max_score"])
    m = m.assign(number=m["number"].astype("int64"), max=m["max_score"].astype(float)).drop_duplicates(
        ["year", "school", "work_id", "number"], keep="last")
    got = got.merge(m[["year", "school", "work_id", "number", "max"]], on=["year", "school", "work_id", "number"])
    got = got[(got["max"] > 0).to_numpy() & ~np.isnan(got["points"].to_numpy(dtype=float))]
    return got[cols].reset_index(drop=True)


def per_task(scores: pd.DataFrame, tasks: pd.DataFrame) -> pd.DataFrame:
    """year × school × subject × parallel × kind × task number: points got, points possible, done %, element, level."""
    got = _points(scores, tasks)
    if got.empty:
        return got.assign(done_pct=pd.Series(dtype=float), element=pd.Series(dtype=object),
                          level=pd.Series(dtype=object), written=pd.Series(dtype="int64"))
    out = got.groupby(["school", *KEYS], as_index=False).agg(points=("points", "sum"), max=("max", "sum"),
                                                            written=("points", "size"))
    out["done_pct"] = out["points"] / out["max"] * 100.0
    labels = tasks.rename(columns={"work_id": "_w"}).merge(
        scores[["year", "school", "work_id", "subject", "parallel", "kind"]].drop_duplicates().rename(
            columns={"work_id": "_w"}), on=["year", "school", "_w"])
    keys = labels[KEYS].drop_duplicates()
    for col in ("element", "level"):
        keys = keys.merge(_mode(labels, col), on=KEYS, how="left")
        keys[col] = keys[col].fillna("")
    return out.merge(keys, on=KEYS, how="left")


def _mode(frame: pd.DataFrame, col: str) -> pd.DataFrame:
    """Per task (KEYS) its most frequent `col` across the schools' works; ties go to the first in sorted order."""
    counts = frame.dropna(subset=[col]).groupby([*KEYS, col], observed=True).size().reset_index(name="_n")
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
