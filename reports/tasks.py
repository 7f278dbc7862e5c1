"""Per-task and per-content-element analysis («анализ по элементам содержания»).

Per-task scores live in one cell per result as a tuple aligned with the work's tasks sorted by `number`. They are
unpacked once into flat arrays (no row per task is ever stored); a None score means «not scored» and is left out
of that task's denominator. Tasks with a maximum of 0 are not analysed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import pandas as pd

from .indicators import PRESENT

TASK_COLUMNS = ("work_id", "number", "task_id", "element", "task_level", "task_max")
TASK_MEASURES = ("n_scored", "mean_score", "pct_of_max", "full_pct", "partial_pct", "zero_pct")
ELEMENT_MEASURES = ("tasks", "n_scored", "score_sum", "max_sum", "pct_of_max", "weak")


@dataclass(frozen=True)
class WeakRule:
    """An element is weak when its share of the maximum is below `below_pct`, or it is among the `bottom_n`
    lowest of its work (ties included); bottom_n = 0 switches the ranking off."""

    below_pct: float = 50.0
    bottom_n: int = 0


@dataclass(frozen=True)
class Cells:
    """Every scored cell of every written result: which fact row, which task, what score (NaN = not scored)."""

    facts: pd.DataFrame  # written results that have scores, reset index
    tasks: pd.DataFrame  # tasks sorted by work and number, columns TASK_COLUMNS, reset index
    row: np.ndarray  # position in `facts`
    task: np.ndarray  # position in `tasks`
    score: np.ndarray


def task_table(tasks: pd.DataFrame) -> pd.DataFrame:
    """Tasks in score order (work, number) with report column names."""
    t = tasks.sort_values(["work_id", "number"], kind="stable").reset_index(drop=True)
    return pd.DataFrame({
        "work_id": t["work_id"], "number": t["number"], "task_id": t["id"], "element": t["element"],
        "task_level": t["level"], "task_max": t["max_score"].astype("float64"),
    })


def unpack_scores(facts: pd.DataFrame, tasks: pd.DataFrame) -> Cells:
    """Flattens the score tuples; scores beyond the work's task list (or of works with no tasks) are dropped."""
    tt = task_table(tasks)
    written = (facts["present"] == PRESENT).fillna(False).to_numpy(dtype=bool) & facts["scores"].notna().to_numpy()
    f = facts[written].reset_index(drop=True)
    lengths = np.fromiter((len(s) for s in f["scores"]), dtype=np.int64, count=len(f))
    if not lengths.sum() or tt.empty:
        empty = np.zeros(0, dtype=np.int64)
        return Cells(f, tt, empty, empty, np.zeros(0, dtype=float))
    flat = np.array(list(chain.from_iterable(f["scores"])), dtype=float)  # None -> NaN
    row = np.repeat(np.arange(len(f)), lengths)
    pos = np.arange(len(flat)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    work_index = pd.Index(tt["work_id"].drop_duplicates())
    n_tasks = tt.groupby("work_id", sort=False).size().reindex(work_index).to_numpy()
    task_start = np.cumsum(n_tasks) - n_tasks
    wpos = work_index.get_indexer(f["work_id"].to_numpy())[row]
    known = wpos >= 0
    wpos = np.where(known, wpos, 0)
    task = task_start[wpos] + pos
    keep = known & (pos < n_tasks[wpos])
    keep[keep] = tt["task_max"].to_numpy()[task[keep]] > 0
    return Cells(f, tt, row[keep], task[keep], flat[keep])


def _group_codes(frame: pd.DataFrame, by: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Group number per row (-1 where a key is missing) and the key values of each group number."""
    if not by:
        return np.zeros(len(frame), dtype=np.int64), pd.DataFrame(index=[0])
    codes = frame.groupby(list(by), observed=True, sort=True, dropna=True).ngroup()
    codes = codes.fillna(-1).to_numpy(dtype=np.int64)
    keys = frame.loc[codes >= 0, list(by)].assign(_g=codes[codes >= 0]).drop_duplicates("_g").set_index("_g")
    return codes, keys.sort_index()


def _cell_frame(cells: Cells, by: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    codes, keys = _group_codes(cells.facts, by)
    g = codes[cells.row]
    ok = g >= 0
    score = cells.score[ok]
    task_max = cells.tasks["task_max"].to_numpy()[cells.task[ok]]
    scored = ~np.isnan(score)
    s0 = np.where(scored, score, 0.0)
    frame = pd.DataFrame({
        "_g": g[ok], "_t": cells.task[ok], "n_scored": scored.astype(np.int64), "score_sum": s0,
        "max_sum": np.where(scored, task_max, 0.0),
        "n_full": (scored & (s0 >= task_max)).astype(np.int64),
        "n_zero": (scored & (s0 <= 0)).astype(np.int64),
    })
    return frame, keys


def _pct(num: pd.Series | np.ndarray, den: pd.Series | np.ndarray) -> np.ndarray:
    d = np.asarray(den, dtype=float)
    return np.asarray(num, dtype=float) / np.where(d > 0, d, np.nan) * 100.0


def task_analysis(facts: pd.DataFrame, tasks: pd.DataFrame, by: Sequence[str] = ("class_id",),
                  cells: Cells | None = None) -> pd.DataFrame:
    """Per group (by=("class_id",) a class, ("parallel",) a parallel, () the school) and task: how many were scored,
    the mean score, % of the maximum, and the shares who solved it fully / partly / not at all (of those scored).
    Pass `cells` from unpack_scores to reuse the unpacking across several calls.
    """
    cells = cells or unpack_scores(facts, tasks)
    frame, keys = _cell_frame(cells, by)
    agg = frame.groupby(["_g", "_t"], sort=True).sum().reset_index()
    n = agg["n_scored"].to_numpy(dtype=float)
    out = keys.reindex(agg["_g"].to_numpy()).reset_index(drop=True)
    out = pd.concat([out, cells.tasks.iloc[agg["_t"].to_numpy()].reset_index(drop=True)], axis=1)
    out["n_scored"] = agg["n_scored"].to_numpy()
    out["mean_score"] = np.where(n > 0, agg["score_sum"].to_numpy() / np.where(n > 0, n, 1), np.nan)
    out["pct_of_max"] = _pct(agg["score_sum"], agg["max_sum"])
    full, zero = agg["n_full"].to_numpy(), agg["n_zero"].to_numpy()
    out["full_pct"] = _pct(full, n)
    out["partial_pct"] = _pct(n - full - zero, n)
    out["zero_pct"] = _pct(zero, n)
    cols = [*by, *TASK_COLUMNS, *TASK_MEASURES]
    return out[cols].sort_values([*by, "work_id", "number"], kind="stable").reset_index(drop=True)


def element_analysis(facts: pd.DataFrame, tasks: pd.DataFrame, by: Sequence[str] = ("class_id",),
                     weak: WeakRule = WeakRule(), cells: Cells | None = None) -> pd.DataFrame:
    """Per group, work and content element: the mean share of the maximum over the element's tasks (scored points /
    maximum of the scored tasks, so a hard two-point task weighs twice a one-point one) and the weak flag.
    """
    cells = cells or unpack_scores(facts, tasks)
    frame, keys = _cell_frame(cells, by)
    tt = cells.tasks
    element_of_task = tt.groupby(["work_id", "element"], sort=False).ngroup().to_numpy()
    frame["_e"] = element_of_task[frame["_t"].to_numpy()]
    agg = frame.groupby(["_g", "_e"], sort=True)[["n_scored", "score_sum", "max_sum"]].sum().reset_index()
    elements = tt.assign(_e=element_of_task).groupby("_e", sort=True).agg(
        work_id=("work_id", "first"), element=("element", "first"),
        tasks=("number", lambda s: ", ".join(str(x) for x in sorted(s))))
    out = keys.reindex(agg["_g"].to_numpy()).reset_index(drop=True)
    out = pd.concat([out, elements.reindex(agg["_e"].to_numpy()).reset_index(drop=True)], axis=1)
    for c in ("n_scored", "score_sum", "max_sum"):
        out[c] = agg[c].to_numpy()
    out["pct_of_max"] = _pct(out["score_sum"], out["max_sum"])
    out["weak"] = mark_weak(out, [*by, "work_id"], weak)
    cols = [*by, "work_id", "element", *ELEMENT_MEASURES]
    return out[cols].sort_values([*by, "work_id", "pct_of_max"], kind="stable").reset_index(drop=True)


def mark_weak(table: pd.DataFrame, group: Sequence[str], rule: WeakRule) -> pd.Series:
    """Weak-element flag per row of an element table (see WeakRule); elements with nothing scored are not weak."""
    pct = table["pct_of_max"]
    weak = (pct < rule.below_pct).fillna(False)
    if rule.bottom_n > 0:
        rank = pct.groupby([table[c] for c in group], observed=True, dropna=False).rank(method="min") \
            if group else pct.rank(method="min")
        weak |= (rank <= rule.bottom_n).fillna(False)
    return weak.astype(bool)


def solved_share(facts: pd.DataFrame, tasks: pd.DataFrame, levels: Sequence[str] = ("базовый",),
                 cells: Cells | None = None) -> pd.DataFrame:
    """Per result: tasks of the given difficulty levels scored, solved fully, and the solved share (%).

    Objectivity uses it for «high mark but basic tasks failed».
    """
    cells = cells or unpack_scores(facts, tasks)
    in_level = cells.tasks["task_level"].astype(object).isin(list(levels)).to_numpy()[cells.task]
    scored = in_level & ~np.isnan(cells.score)
    task_max = cells.tasks["task_max"].to_numpy()[cells.task]
    n_scored = np.bincount(cells.row, weights=scored.astype(float), minlength=len(cells.facts))
    solved = (scored & (cells.score >= task_max)).astype(float)
    n_solved = np.bincount(cells.row, weights=solved, minlength=len(cells.facts))
    return pd.DataFrame({
        "result_id": cells.facts["result_id"].to_numpy(),
        "n_scored": n_scored.astype(np.int64), "n_solved": n_solved.astype(np.int64),
        "solved_pct": _pct(n_solved, n_scored),
    })
